import path from 'node:path';
import { acquireFileLock } from '../fileLock';

export const LOCK_FILE = 'prisma-migrations.lock';

/**
 * PGlite does not lock its folder: a second instance on it (the editor and the CLI at once) opens
 * fine, sees stale data, and the two overwrite each other's files. A lock file naming our process keeps
 * the folder to one instance; a second one is refused at once rather than kept waiting, since an open
 * database is held for as long as its user works. Returns the release.
 */
export function lockDataDir(dataDir: string): Promise<() => void> {
  return acquireFileLock(path.join(dataDir, LOCK_FILE), {
    waitMs: 0,
    held: (who) =>
      `The embedded PGlite database in ${dataDir} is already open in ${who}. Close it there first: PGlite allows one user per folder.`,
  });
}
