import { lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isRunning } from '../fileLock';
import { TEMP_ENTRY } from './cacheEntries';

/** The per-user cache folder: the PGlite template, the replayed histories, the computed results. `PRISMA_MIGRATIONS_CACHE_DIR` chooses another. */
export function defaultCacheDir(): string {
  const chosen = process.env.PRISMA_MIGRATIONS_CACHE_DIR;
  if (chosen) return path.resolve(chosen);
  const user = typeof process.getuid === 'function' ? `-${process.getuid()}` : '';
  return path.join(os.tmpdir(), `prisma-migrations${user}`);
}

/**
 * Creates the folder if needed; usable only if it is a real folder of ours that no one else may write
 * to (in a shared temp folder another user could otherwise plant a template or a replayed database).
 */
export function usableCacheDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) return false;
    if (typeof process.getuid === 'function' && (stat.uid !== process.getuid() || (stat.mode & 0o022) !== 0)) return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * Deletes the entries of `dir` that `temporary` names as another process's work in progress (its first
 * group is the pid) when that process is gone (killed, crashed): nothing else would ever remove them.
 */
export function sweepStaleEntries(dir: string, temporary: RegExp): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(temporary.exec(name)?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    try {
      rmSync(path.join(dir, name), { recursive: true, force: true });
    } catch {
      // Best effort: the next sweep tries again.
    }
  }
}

/**
 * The folder `name` of the cache (default: `defaultCacheDir()`), its entries in progress of dead
 * processes swept; undefined when it cannot be used safely (then nothing is cached).
 */
export function cacheFolder(cacheDir: string | undefined, name: string): string | undefined {
  const root = cacheDir ?? defaultCacheDir();
  const dir = path.join(root, name);
  if (!usableCacheDir(root) || !usableCacheDir(dir)) return undefined;
  sweepStaleEntries(dir, TEMP_ENTRY);
  return dir;
}
