import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { MigrateError } from './errors';

interface Holder {
  pid: number;
  host: string;
  since: string;
  /** Tells this holding apart from a later one by a process that got the same pid. */
  token: string;
}

export interface FileLockOptions {
  /** What the lock guards, for the message when it cannot be had, e.g. "the migrations folder prisma/migrations". */
  what: string;
  /** How long to wait for another holder before giving up. */
  timeoutMs: number;
}

/** A takeover holds this lock for microseconds; one older than this was left by a crash. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * Runs `fn` while holding a lock file that other processes (the CLI, the extension, the language server)
 * respect: created exclusively, holding our pid, host and a token. A holder on this host whose process is
 * gone left it behind and it is taken over; a live holder (or one on another host, whose pids we cannot
 * check) is waited for, up to `timeoutMs`, and then the message names the lock file and who holds it.
 */
export async function withFileLock<T>(file: string, options: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const release = await acquire(file, options);
  try {
    return await fn();
  } finally {
    release();
  }
}

async function acquire(file: string, options: FileLockOptions): Promise<() => void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const mine: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token: randomUUID() };
  const content = JSON.stringify(mine);
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    if (createExclusive(file, content)) {
      return () => {
        if (readText(file) === content) rmSync(file, { force: true });
      };
    }
    const seen = readText(file);
    const holder = seen === undefined ? undefined : parseHolder(seen);
    if (seen !== undefined && holder && isGone(holder)) {
      takeOver(file, seen);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `process ${holder.pid} on ${holder.host}, since ${holder.since}` : 'a process that left it unreadable';
      throw new MigrateError(
        'state',
        `Waited ${Math.round(options.timeoutMs / 1000)} s for ${options.what}: it is locked by ${who} (${file}). If no such process is working on it, delete that file and retry.`,
        { file },
      );
    }
    // Waiting on another process: polling is the portable way to see a file go (fs.watch misses events on some filesystems).
    await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** Math.min(attempt, 4), 250)));
  }
}

/**
 * Removes a dead holder's lock, under a second lock so that two processes taking over the same dead lock
 * cannot remove each other's fresh one: only the content judged dead is removed.
 */
function takeOver(file: string, deadContent: string): void {
  const guard = `${file}.takeover`;
  if (!createExclusive(guard, String(process.pid))) {
    const age = fileAge(guard);
    if (age !== undefined && age > TAKEOVER_STALE_MS) rmSync(guard, { force: true });
    return;
  }
  try {
    if (readText(file) === deadContent) rmSync(file, { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
}

function createExclusive(file: string, content: string): boolean {
  try {
    writeFileSync(file, content, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // released meanwhile
  }
}

function fileAge(file: string): number | undefined {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    return typeof value.pid === 'number' && typeof value.host === 'string' ? (value as Holder) : undefined;
  } catch {
    return undefined; // being written, or not ours
  }
}

function isGone(holder: Holder): boolean {
  return holder.host === hostname() && !isRunning(holder.pid);
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
