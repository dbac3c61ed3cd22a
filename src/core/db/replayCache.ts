import { createHash, randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { defaultCacheDir, sweepStaleEntries, usableCacheDir } from './cacheDir';
import { pgliteVersion } from './pgliteTemplate';

/*
 * Replayed histories, kept per user so that a history is replayed once: the database a prefix of the
 * history leaves (a SQLite file, a PGlite `dumpDataDir` tarball) under the hash of everything that made
 * it (see `replayKeys`). Layout: `<cacheDir>/replays/<key>`, each entry the database's bytes followed by
 * a SHA-256 of the key and those bytes, so that a file cut short, damaged or renamed is never taken for
 * an entry; `tmp-<pid>-…` while one is written, renamed into place when complete (concurrent writers of
 * one key each rename a whole file over the other's: both are the same state). Least recently used
 * entries go when the folder exceeds its size limit; a use touches the entry.
 */

/** Bumped when the bytes of a replayed state may change for the same history: the bookkeeping, the scratch databases, this layout. */
const FORMAT = 1;
const REPLAYS = 'replays';
const TEMP_ENTRY = /^tmp-(\d+)-/;
const TRAILER = 32;
const DEFAULT_MAX_MB = 512;

export interface ReplayCacheOptions {
  /** Default: `defaultCacheDir()`. */
  cacheDir?: string;
  /** The size limit of the replayed states together. Default: `PRISMA_MIGRATIONS_CACHE_MAX_MB` megabytes, else 512. */
  maxBytes?: number;
}

/** A migration as far as its replayed state goes: its folder's name and the script's text. */
export interface ReplayedMigration {
  name: string;
  script: string;
}

/**
 * The key of every prefix of `migrations`, `keys[n]` for the first n: a hash chain, so that each key
 * covers everything before it. The start covers what else decides the state: the provider, PGlite's
 * version (its data folders are not portable across versions), this format. The extensions PGlite loads
 * do not change the state (only `CREATE EXTENSION` in the scripts, hashed, does).
 */
export function replayKeys(provider: 'sqlite' | 'postgresql', migrations: readonly ReplayedMigration[]): string[] {
  let key = sha256([Buffer.from(JSON.stringify({ format: FORMAT, provider, pglite: provider === 'postgresql' ? (pgliteVersion() ?? null) : null }))]);
  const keys = [key];
  for (const migration of migrations) {
    key = sha256([Buffer.from(key, 'hex'), lengthPrefixed(migration.name), lengthPrefixed(migration.script)]);
    keys.push(key);
  }
  return keys;
}

/** A replayed state found in the cache: the first `count` migrations' database. */
export interface CachedState {
  count: number;
  key: string;
  bytes: Buffer;
}

/** The cache folder of replayed states, or undefined when it cannot be used safely (then nothing is cached). */
export function replaysDir(options: ReplayCacheOptions): string | undefined {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const dir = path.join(cacheDir, REPLAYS);
  if (!usableCacheDir(cacheDir) || !usableCacheDir(dir)) return undefined;
  sweepStaleEntries(dir, TEMP_ENTRY);
  return dir;
}

/** The longest cached prefix among `keys` (see `replayKeys`); an entry that fails its check is deleted and the next shorter tried. */
export function lookUp(dir: string, keys: readonly string[]): CachedState | undefined {
  for (let count = keys.length - 1; count > 0; count--) {
    const key = keys[count]!;
    const file = path.join(dir, key);
    let entry: Buffer;
    try {
      entry = readFileSync(file);
    } catch {
      continue;
    }
    const bytes = entry.subarray(0, entry.length - TRAILER);
    if (entry.length > TRAILER && entry.subarray(bytes.length).equals(Buffer.from(sha256([Buffer.from(key, 'hex'), bytes]), 'hex'))) {
      touch(file);
      return { count, key, bytes };
    }
    discard(dir, key);
  }
  return undefined;
}

/** Deletes an entry that did not restore (its bytes passed the check but the database refused them). */
export function discard(dir: string, key: string): void {
  rmSync(path.join(dir, key), { force: true });
}

/**
 * Stores `bytes` as the state of `key`: written to a temp file of this process, synced, renamed into
 * place; then the least recently used entries go until the folder fits its limit. Failures are
 * ignored: the cache only saves time.
 */
export async function store(dir: string, key: string, bytes: Buffer, options: ReplayCacheOptions = {}): Promise<void> {
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
  evict(dir, options.maxBytes ?? maxBytesFromEnvironment());
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

function maxBytesFromEnvironment(): number {
  const raw = process.env.PRISMA_MIGRATIONS_CACHE_MAX_MB;
  const mb = raw ? Number(raw) : Number.NaN;
  return (Number.isFinite(mb) && mb >= 0 ? mb : DEFAULT_MAX_MB) * 1024 * 1024;
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

function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(bytes.length));
  return Buffer.concat([length, bytes]);
}

function sha256(parts: readonly Buffer[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}
