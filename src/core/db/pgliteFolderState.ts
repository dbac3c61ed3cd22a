import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { LOCK_FILE } from './pgliteLock';
import { resultKey, storedResult, storeResult } from './resultCache';

/*
 * A PGlite folder's whole content, schema and rows, named without starting PGlite (which takes a second or
 * more in a new process): the hash of its files. A result computed from that content (its migration rows,
 * a drift) is found again under that name. Only while our lock is held (pgliteLock.ts) does nothing write
 * the folder.
 *
 * Even a read-only session rewrites PGlite's own bookkeeping (`pg_control`, the WAL's shutdown checkpoint),
 * so the files' hash after one differs from the hash before. The hash after is recorded as naming the same
 * content (`recordReadOnlySession`): the next run finds the results of the last without starting PGlite.
 */

/**
 * The hash of every file in `dataDir` but our lock files: each one's path, length and bytes, in path order.
 * Read file by file, asynchronously: the editor's processes keep answering meanwhile (a folder is ~40 MB).
 */
export async function folderHash(dataDir: string): Promise<string> {
  const hash = createHash('sha256');
  const files = (await filesOf(dataDir, '')).filter((name) => !name.startsWith(LOCK_FILE));
  for (let start = 0; start < files.length; start += READ_AHEAD) {
    const batch = files.slice(start, start + READ_AHEAD);
    const contents = await Promise.all(batch.map((file) => readFile(path.join(dataDir, file))));
    batch.forEach((file, i) => {
      hash.update(`${file}\0${contents[i].length}\0`);
      hash.update(contents[i]);
    });
  }
  return hash.digest('hex');
}

/** Files read at once: most are a few kB, one at a time would wait on each. */
const READ_AHEAD = 64;

/** The name of the folder's content: the hash it had before the read-only sessions that only rewrote PGlite's bookkeeping, else its hash. */
export async function folderState(dataDir: string): Promise<string> {
  const hash = await folderHash(dataDir);
  return storedResult<string>({}, sameContentKey(hash))?.value ?? hash;
}

/** After a read-only session on the folder (PGlite closed, the lock still held): its files' new hash names `state` too. */
export async function recordReadOnlySession(dataDir: string, state: string): Promise<void> {
  const hash = await folderHash(dataDir);
  if (hash !== state) await storeResult({}, sameContentKey(hash), state);
}

const sameContentKey = (hash: string) => resultKey('pglite-folder-content', [hash]);

async function filesOf(root: string, relative: string): Promise<string[]> {
  const entries = (await readdir(path.join(root, relative), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
    files.push(...(entry.isDirectory() ? await filesOf(root, name) : [name]));
  }
  return files;
}
