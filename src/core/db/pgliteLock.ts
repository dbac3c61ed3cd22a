import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MigrateError } from '../errors';
import { isRunning } from '../fileLock';

export const LOCK_FILE = 'prisma-migrations.lock';

/**
 * PGlite does not lock its folder: a second instance on it (the editor and the CLI at once) opens
 * fine, sees stale data, and the two overwrite each other's files. A lock file holding our pid keeps
 * the folder to one instance; one left by a process that is gone is taken over. Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = lockHolder(file);
    if (holder !== undefined && isRunning(holder)) {
      throw new MigrateError(
        'state',
        `The embedded PGlite database in ${dataDir} is already open in ${holder === process.pid ? 'this process' : `another process (pid ${holder})`}. Close it there first: PGlite allows one user per folder.`,
      );
    }
    rmSync(file, { force: true });
  }
}

function lockHolder(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // released meanwhile
  }
}
