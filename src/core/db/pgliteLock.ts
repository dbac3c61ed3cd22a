import { createHash, randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MigrateError } from '../errors';
import { isRunning } from '../fileLock';

export const LOCK_FILE = 'prisma-migrations.lock';
const TAKEOVER_PREFIX = `${LOCK_FILE}.takeover-`;

/** Who holds a lock: the pid, and what that pid was when it took the lock (absent where the system does not say). */
interface Holder {
  pid: number;
  started?: string;
}

/**
 * PGlite does not lock its folder: a second instance on it (the editor and the CLI at once) opens
 * fine, sees stale data, and the two overwrite each other's files. A lock file naming our process keeps
 * the folder to one instance; one left by a process that is gone, or whose pid now belongs to another
 * process, is taken over. Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  const ours = JSON.stringify({ pid: process.pid, started: processStart(process.pid) } satisfies Holder);
  for (;;) {
    if (createWhole(file, ours)) {
      return () => {
        if (readText(file) === ours) rmSync(file, { force: true });
      };
    }
    const text = readText(file);
    if (text === undefined) continue; // released meanwhile
    const holder = parseHolder(text);
    if (holder !== undefined && isHolderAlive(holder)) {
      const where = holder.pid === process.pid ? 'this process' : `another process (pid ${holder.pid})`;
      throw new MigrateError(
        'state',
        `The embedded PGlite database in ${dataDir} is already open in ${where}. Close it there first: PGlite allows one user per folder. ` +
          `If no such process uses it, delete the lock file ${file}.`,
      );
    }
    takeOver(dataDir, file, text);
  }
}

/**
 * Creates `file` holding `text` unless it exists. The file appears with its whole text (a hard link to a
 * file written first): created empty and then written, a contender reading in between would find no
 * holder and take the lock over.
 */
function createWhole(file: string, text: string): boolean {
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, text, { flag: 'wx' });
  try {
    linkSync(draft, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(draft, { force: true });
  }
}

/**
 * Removes a stale lock whose text is `stale`, so that exactly one of the processes that found it stale
 * removes it: each first creates the takeover file named after that text, exclusively. The winner
 * checks the lock still holds that text (an earlier winner may have replaced it since) before deleting;
 * the losers go back to creating the lock, where only one succeeds.
 */
function takeOver(dataDir: string, file: string, stale: string): void {
  const takeover = path.join(dataDir, TAKEOVER_PREFIX + createHash('sha256').update(stale).digest('hex').slice(0, 16));
  try {
    writeFileSync(takeover, '', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A takeover takes microseconds: one this old was left by a process that died taking over.
    if (ageMs(takeover) > LEFTOVER_TAKEOVER_MS) rmSync(takeover, { force: true });
    return;
  }
  try {
    if (readText(file) === stale) rmSync(file, { force: true });
  } finally {
    // A contender still holding `stale` finds the lock gone or replaced, and no longer removes anything.
    rmSync(takeover, { force: true });
  }
}

const LEFTOVER_TAKEOVER_MS = 10_000;

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Our JSON, or a bare pid as earlier versions wrote it. */
function parseHolder(text: string): Holder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const pid = typeof value === 'number' ? value : (value as Partial<Holder> | null)?.pid;
  if (!Number.isInteger(pid) || (pid as number) <= 0) return undefined;
  const started = (value as Partial<Holder> | null)?.started;
  return { pid: pid as number, started: typeof started === 'string' ? started : undefined };
}

/** The holder still runs: its pid exists and, where the system tells, is the same process as when it locked. */
function isHolderAlive(holder: Holder): boolean {
  if (!isRunning(holder.pid)) return false;
  if (holder.started === undefined) return true;
  const now = processStart(holder.pid);
  return now === undefined || now === holder.started;
}

/**
 * What tells a process apart from a later one that got the same pid: on Linux the boot id and the start
 * time in clock ticks since boot (`/proc/<pid>/stat`, field 22). Undefined elsewhere: the pid alone decides.
 */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `${boot}/${fields[19]}`;
  } catch {
    return undefined;
  }
}
