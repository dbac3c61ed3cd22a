import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Set by esbuild.mjs for a release build: the hash of the sources and the lockfile it was built from. */
declare const PRISMA_MIGRATIONS_BUILD: string | undefined;

let computed: string | undefined;

/**
 * What decides a computed result besides its inputs: this code and the exact packages it runs (Prisma's
 * engine, PGlite, the SQLite drivers), so that a cached result never outlives either. A build carries
 * it; from source (tests, `--watch` builds) it is hashed from the source tree and the lockfile, and a
 * process that finds neither shares no result with another.
 */
export function codeVersion(): string {
  if (typeof PRISMA_MIGRATIONS_BUILD === 'string') return PRISMA_MIGRATIONS_BUILD;
  computed ??= sourceTreeHash() ?? `process-${randomUUID()}`;
  return computed;
}

function sourceTreeHash(): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package-lock.json')) && existsSync(path.join(dir, 'src', 'core'))) return hashTree(dir);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The hash esbuild.mjs computes too: every file under `src/`, by path and content, and the lockfile. */
export function hashTree(root: string): string {
  const hash = createHash('sha256');
  const files = readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
  for (const file of [...files, 'package-lock.json']) hash.update(`${file}\0`).update(readFileSync(path.join(root, file))).update('\0');
  return hash.digest('hex');
}
