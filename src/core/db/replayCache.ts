import { rmSync } from 'node:fs';
import path from 'node:path';
import { maxBytesFromEnvironment, readEntry, sha256, writeEntry } from './cacheEntries';
import { cacheFolder } from './cacheDir';
import { pgliteVersion } from './pgliteTemplate';

/*
 * Replayed histories, kept per user so that a history is replayed once: the database a prefix of the
 * history leaves (a SQLite file, a PGlite `dumpDataDir` tarball) under the hash of everything that made
 * it (see `replayKeys`), as entries of `<cacheDir>/replays/` (see cacheEntries.ts).
 */

/** Bumped when the bytes of a replayed state may change for the same history: the bookkeeping, the scratch databases, this layout. */
const FORMAT = 1;
const REPLAYS = 'replays';
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
  return cacheFolder(options.cacheDir, REPLAYS);
}

/** The longest cached prefix among `keys` (see `replayKeys`); an entry that fails its check is deleted and the next shorter tried. */
export function lookUp(dir: string, keys: readonly string[]): CachedState | undefined {
  for (let count = keys.length - 1; count > 0; count--) {
    const bytes = readEntry(dir, keys[count]!);
    if (bytes) return { count, key: keys[count]!, bytes };
  }
  return undefined;
}

/** Deletes an entry that did not restore (its bytes passed the check but the database refused them). */
export function discard(dir: string, key: string): void {
  rmSync(path.join(dir, key), { force: true });
}

/** Stores `bytes` as the state of `key` (see `writeEntry`), then keeps the folder within its size limit. */
export async function store(dir: string, key: string, bytes: Buffer, options: ReplayCacheOptions = {}): Promise<void> {
  await writeEntry(dir, key, bytes, options.maxBytes ?? maxBytesFromEnvironment(DEFAULT_MAX_MB));
}

function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(bytes.length));
  return Buffer.concat([length, bytes]);
}


