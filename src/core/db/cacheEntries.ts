import { createHash, randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

/*
 * The entries of a cache folder (replayed states, computed results): each file is named by its key and
 * holds the value's bytes followed by a SHA-256 of the key and those bytes, so that a file cut short,
 * damaged or renamed is never taken for an entry. While one is written it is `tmp-<pid>-…`, renamed
 * into place when complete: concurrent writers of one key each rename a whole file over the other's,
 * and both hold the same value. Least recently used entries go when the folder exceeds its size limit;
 * a use touches the entry.
 */

/** Another process's entry in progress: the first group is its pid (see `sweepStaleEntries`). */
export const TEMP_ENTRY = /^tmp-(\d+)-/;
const TRAILER = 32;

/** The value stored under `key`, or undefined; an entry that fails its check is deleted. */
export function readEntry(dir: string, key: string): Buffer | undefined {
  const file = path.join(dir, key);
  let entry: Buffer;
  try {
    entry = readFileSync(file);
  } catch {
    return undefined;
  }
  const bytes = entry.subarray(0, entry.length - TRAILER);
  if (entry.length > TRAILER && entry.subarray(bytes.length).equals(Buffer.from(sha256([Buffer.from(key, 'hex'), bytes]), 'hex'))) {
    touch(file);
    return bytes;
  }
  rmSync(file, { force: true });
  return undefined;
}

/**
 * Stores `bytes` under `key`: written to a temp file of this process, synced, renamed into place; then
 * the least recently used entries go until the folder fits in `maxBytes`. Failures are ignored: a
 * cache only saves time.
 */
export async function writeEntry(dir: string, key: string, bytes: Buffer, maxBytes: number): Promise<void> {
  const temp = path.join(dir, `tmp-${process.pid}-${randomUUID()}`);
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, bytes);
      await pauseForTest(temp);
      writeSync(fd, Buffer.from(sha256([Buffer.from(key, 'hex'), bytes]), 'hex'));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path.join(dir, key));
  } catch {
    rmSync(temp, { force: true });
    return;
  }
  evict(dir, maxBytes);
}

/** `PRISMA_MIGRATIONS_CACHE_MAX_MB` megabytes, else `defaultMb`. */
export function maxBytesFromEnvironment(defaultMb: number): number {
  const raw = process.env.PRISMA_MIGRATIONS_CACHE_MAX_MB;
  const mb = raw ? Number(raw) : Number.NaN;
  return (Number.isFinite(mb) && mb >= 0 ? mb : defaultMb) * 1024 * 1024;
}

export function sha256(parts: readonly Buffer[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** Deletes the least recently used entries until the rest fit in `maxBytes`. */
function evict(dir: string, maxBytes: number): void {
  const entries = readdirSync(dir)
    .filter((name) => !TEMP_ENTRY.test(name))
    .flatMap((name) => {
      try {
        const stat = statSync(path.join(dir, name));
        return [{ name, size: stat.size, used: stat.mtimeMs }];
      } catch {
        return []; // Evicted by another process meanwhile.
      }
    })
    .sort((a, b) => a.used - b.used);
  let total = entries.reduce((sum, entry) => sum + entry.size, 0);
  for (const entry of entries) {
    if (total <= maxBytes) break;
    rmSync(path.join(dir, entry.name), { force: true });
    total -= entry.size;
  }
}

function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // Evicted meanwhile: the bytes are read already.
  }
}

/**
 * The tests' way to stop a process in the middle of writing an entry: with
 * `PRISMA_MIGRATIONS_CACHE_TEST_PAUSE` set to a path, the writer puts the temp file's path there and
 * waits for good (to be killed).
 */
async function pauseForTest(temp: string): Promise<void> {
  const marker = process.env.PRISMA_MIGRATIONS_CACHE_TEST_PAUSE;
  if (!marker) return;
  // Renamed into place: a test woken by the marker's appearance must never read it still empty.
  writeFileSync(`${marker}.partial`, temp);
  renameSync(`${marker}.partial`, marker);
  await new Promise(() => setInterval(() => {}, 1 << 30));
}
