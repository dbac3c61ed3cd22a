import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { MigrateError } from './errors';

/** Who holds a lock. Earlier versions wrote a bare pid, or `{ pid, started }` without a host: both read as local. */
interface Holder {
  pid: number;
  /** What that pid was when it took the lock (see `processStart`); absent where the system does not say. */
  started?: string;
  host?: string;
  since?: string;
  /** Tells this holding apart from a later one by the same process. */
  token?: string;
}

export interface FileLockOptions {
  /** How long to wait for a live holder to release the lock; 0 refuses at once. */
  waitMs: number;
  /**
   * The refusal's first sentence, given who holds the lock ("this process (pid 12)", "another process (pid 12)
   * on build-box since …"); the lock file's path and how to remove it follow.
   */
  held: (who: string) => string;
}

/** A takeover holds its guard for microseconds; one older than this was left by a process that died taking over. */
const LEFTOVER_TAKEOVER_MS = 10_000;

/**
 * Takes a lock file that other processes (the CLI, the extension, the language server) respect. A holder
 * that is gone — its pid no longer runs, or (Linux) now belongs to a later process — left it behind and it
 * is taken over by exactly one of the processes that find it. A live holder, or one on another host (whose
 * pids we cannot check), is waited for up to `waitMs`; then the refusal names the lock file to delete if no
 * such process uses it. Returns the release.
 */
export async function acquireFileLock(file: string, options: FileLockOptions): Promise<() => void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const identity = { pid: process.pid, started: processStart(process.pid), host: hostname(), token: randomUUID() };
  const deadline = Date.now() + options.waitMs;
  for (let attempt = 0; ; attempt += 1) {
    const ours = JSON.stringify({ ...identity, since: new Date().toISOString() } satisfies Holder);
    if (createWhole(file, ours)) {
      return () => {
        if (readText(file) === ours) rmSync(file, { force: true });
      };
    }
    const seen = readText(file);
    if (seen === undefined) continue; // released meanwhile
    const holder = parseHolder(seen);
    if (holder === undefined || !isHolderAlive(holder)) {
      if (takeOver(file, seen)) continue;
    } else if (Date.now() >= deadline) {
      throw new MigrateError('state', `${options.held(describeHolder(holder))} If no such process uses it, delete the lock file ${file} and retry.`, {
        file,
      });
    }
    // Waiting on another process: polling is the portable way to see a file go (fs.watch misses events on some filesystems).
    await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** Math.min(attempt, 4), 250)));
  }
}

/** Runs `fn` holding the lock file (see `acquireFileLock`). */
export async function withFileLock<T>(file: string, options: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const release = await acquireFileLock(file, options);
  try {
    return await fn();
  } finally {
    release();
  }
}

/**
 * Creates `file` holding `text` unless it exists. The file appears with its whole text (a hard link to a
 * file written first): created empty and then written, a contender reading in between would find no
 * holder and take the lock over.
 */
function createWhole(file: string, text: string): boolean {
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(draft, text, { flag: 'wx' });
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
 * removes it: each first creates the takeover guard named after that text, exclusively. The winner checks
 * the lock still holds that text (an earlier winner may have replaced it since) before deleting. Returns
 * false while another process is taking it over: the lock is then worth another look only after a while.
 */
function takeOver(file: string, stale: string): boolean {
  const guard = `${file}.takeover-${createHash('sha256').update(stale).digest('hex').slice(0, 16)}`;
  try {
    writeFileSync(guard, '', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = ageMs(guard);
    if (age === undefined) return true;
    if (age <= LEFTOVER_TAKEOVER_MS) return false;
    rmSync(guard, { force: true });
    return true;
  }
  try {
    if (readText(file) === stale) rmSync(file, { force: true });
    return true;
  } finally {
    // A contender still holding `stale` finds the lock gone or replaced, and no longer removes anything.
    rmSync(guard, { force: true });
  }
}

function ageMs(file: string): number | undefined {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The file's text, or undefined when there is no such file (a lock released meanwhile). */
function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Our JSON, or a bare pid as earlier versions wrote it. Anything else is no holder: the lock appears whole
 * (see `createWhole`), so unreadable text was not left by a process still writing it.
 */
function parseHolder(text: string): Holder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const fields = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const pid = typeof value === 'number' ? value : fields.pid;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  const stringField = (key: keyof Holder) => (typeof fields[key] === 'string' ? (fields[key] as string) : undefined);
  return { pid, started: stringField('started'), host: stringField('host'), since: stringField('since') };
}

/**
 * The holder still runs: it is on another host (we cannot tell), or its pid exists and, where the system
 * tells, is the same process as when it locked.
 */
function isHolderAlive(holder: Holder): boolean {
  if (holder.host !== undefined && holder.host !== hostname()) return true;
  if (!isRunning(holder.pid)) return false;
  if (holder.started === undefined) return true;
  const now = processStart(holder.pid);
  return now === undefined || now === holder.started;
}

function describeHolder(holder: Holder): string {
  const elsewhere = holder.host !== undefined && holder.host !== hostname();
  const self = holder.pid === process.pid && !elsewhere;
  return [
    `${self ? 'this process' : 'another process'} (pid ${holder.pid})`,
    elsewhere ? ` on ${holder.host}` : '',
    holder.since ? ` since ${holder.since}` : '',
  ].join('');
}

/** Whether a process with this id exists (ours or another user's). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
