import { codeVersion } from '../codeVersion';
import { maxBytesFromEnvironment, readEntry, sha256, writeEntry } from './cacheEntries';
import { cacheFolder } from './cacheDir';
import type { ReplayCacheOptions } from './replayCache';

/*
 * Results computed from migration histories (a diff, a drift, a schema check, a down script's
 * verification), kept per user under the hash of everything they were computed from: the inputs the
 * caller names (replayed histories by their replay keys, schema texts, databases by their fingerprints)
 * and the code that computed them (`codeVersion`: ours, the engine's, PGlite's). Entries of
 * `<cacheDir>/results/` (see cacheEntries.ts), JSON; the replay cache's options say where, `false`
 * turns both off.
 */

const RESULTS = 'results';
const DEFAULT_MAX_MB = 64;

/** The key of a result: what computed it and every input, in order. */
export function resultKey(kind: string, inputs: readonly unknown[]): string {
  return sha256([Buffer.from(JSON.stringify([codeVersion(), kind, ...inputs]))]);
}

/**
 * `compute()`'s value for `key`: from the cache when it holds it, else computed and stored. A failure is
 * never stored (it may be the database's, not the inputs'), nor a value `stillValid` rejects: inputs read
 * before computing (a database's fingerprint) that changed meanwhile.
 */
export async function cachedResult<T>(
  options: ReplayCacheOptions | false,
  key: string,
  compute: () => Promise<T>,
  stillValid: () => Promise<boolean> = async () => true,
): Promise<T> {
  const stored = storedResult<T>(options, key);
  if (stored) return stored.value;
  const value = await compute();
  if (await stillValid()) await storeResult(options, key, value);
  return value;
}

/** The value stored under `key`, if any (wrapped, so that a stored `null` is told from none). */
export function storedResult<T>(options: ReplayCacheOptions | false, key: string): { value: T } | undefined {
  const dir = resultsDir(options);
  const stored = dir === undefined ? undefined : readEntry(dir, key);
  return stored && (JSON.parse(stored.toString('utf8')) as { value: T });
}

/** Stores `value` under `key`; nothing happens when the cache is off or unusable. */
export async function storeResult(options: ReplayCacheOptions | false, key: string, value: unknown): Promise<void> {
  const dir = resultsDir(options);
  if (dir === undefined || options === false) return;
  await writeEntry(dir, key, Buffer.from(JSON.stringify({ value }), 'utf8'), options.maxBytes ?? maxBytesFromEnvironment(DEFAULT_MAX_MB));
}

function resultsDir(options: ReplayCacheOptions | false): string | undefined {
  return options === false ? undefined : cacheFolder(options.cacheDir, RESULTS);
}
