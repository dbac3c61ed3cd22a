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
  const dir = options === false ? undefined : cacheFolder(options.cacheDir, RESULTS);
  if (options === false || dir === undefined) return compute();
  const stored = readEntry(dir, key);
  if (stored) return (JSON.parse(stored.toString('utf8')) as { value: T }).value;
  const value = await compute();
  if (!(await stillValid())) return value;
  await writeEntry(dir, key, Buffer.from(JSON.stringify({ value }), 'utf8'), options.maxBytes ?? maxBytesFromEnvironment(DEFAULT_MAX_MB));
  return value;
}
