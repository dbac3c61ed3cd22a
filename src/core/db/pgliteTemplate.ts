import { randomUUID } from 'node:crypto';
import { constants, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Extension, PGlite } from '@electric-sql/pglite';
import { defaultCacheDir, sweepStaleEntries, usableCacheDir } from './cacheDir';
import { pgliteModule } from './pgliteModules';

/**
 * A fresh PGlite for a shadow database, fast. `PGlite.create()` in memory runs initdb every time
 * (4–9 s); opening an existing data folder takes ~1 s. So initdb runs once per user and PGlite version,
 * into a template folder in a cache directory, and each shadow opens a private copy of it, deleted on
 * close. Extensions are not part of the template: PGlite loads them per instance at start-up, and the
 * migrations run `CREATE EXTENSION` in the copy.
 *
 * Cache layout (`cacheDir`, one per user: `<tmpdir>/prisma-migrations-<uid>`):
 * - `pglite-template-<version>-f<format>/`: `data/` (the initdb'd folder, never opened itself), `dump.tar` (the same
 *   cluster as a `dumpDataDir` tarball, see `templateDump`) and `template.json`
 *   (every file and folder with its size, and an id). Built in `build-<pid>-…` and renamed into place,
 *   so it is complete or absent; when two processes race, the first rename wins and the other adopts it.
 * - `shadow-<pid>-…`: the copies in use. Removed on close, at process exit, and, for a process that
 *   died without either, by the next shadow to start.
 *
 * A template that does not match its manifest (a temp cleaner removed files) or whose copy does not
 * open is rebuilt once; if that fails too, or the cache cannot be used, the shadow is a plain in-memory
 * PGlite, as before.
 */

export interface ShadowPglite {
  db: PGlite;
  /** The private copy the instance runs on; undefined for the in-memory fallback. */
  dataDir: string | undefined;
  /** Closes the instance and deletes its copy. */
  close(): Promise<void>;
}

export interface ShadowPgliteOptions {
  /** Where the template and the copies live. Default: `defaultCacheDir()`. */
  cacheDir?: string;
  /** The shadow in memory (see `openMemoryPglite`) rather than on a copy of the template. */
  inMemory?: boolean;
}

const MANIFEST = 'template.json';
const FORMAT = 2;
/** The fresh cluster as `dumpDataDir` writes it, beside `data/`: what in-memory instances start from. */
const DUMP = 'dump.tar';
const TEMP_ENTRY = /^(?:shadow|build|trash)-(\d+)-/;

interface Manifest {
  format: number;
  pglite: string;
  id: string;
  /** The size of `dump.tar`. */
  dump: number;
  /** Relative path (with `/`) → size in bytes, or -1 for a folder; folders before their contents. */
  entries: Record<string, number>;
}

interface Template {
  dir: string;
  manifest: Manifest;
}

/** Opens a shadow PGlite on a copy of the template (see above), or in memory when that cannot be done. */
export async function openShadowPglite(extensions: Record<string, Extension>, options: ShadowPgliteOptions = {}): Promise<ShadowPglite> {
  const opened = await withTemplate(options, (cacheDir, template) => openCopy(cacheDir, template, extensions));
  if (opened) return opened;
  const db = await pgliteModule().PGlite.create(undefined, { extensions });
  return { db, dataDir: undefined, close: () => db.close() };
}

/**
 * A PGlite in memory, started from `seed` (a `dumpDataDir` tarball) or else from the template's dump
 * (see `templateDump`); initdb in memory (4–9 s) only when the cache cannot be used. In memory, a history
 * replays several times faster than on a data folder (200 migrations: ~1 s against ~7 s).
 */
export async function openMemoryPglite(extensions: Record<string, Extension>, options: ShadowPgliteOptions & { seed?: Buffer } = {}): Promise<ShadowPglite> {
  const dump = options.seed ?? (await templateDump(options));
  const db = await pgliteModule().PGlite.create({ ...(dump && { loadDataDir: new Blob([dump]) }), extensions });
  return { db, dataDir: undefined, close: () => db.close() };
}

/**
 * The template's cluster as a `dumpDataDir` tarball, for `PGlite.create({ loadDataDir })`: an instance in
 * memory, which runs migrations several times faster than one on a data folder, without initdb's 4–9 s.
 * Undefined when the cache cannot be used.
 */
export function templateDump(options: ShadowPgliteOptions = {}): Promise<Buffer | undefined> {
  return withTemplate(options, (_cacheDir, template) => {
    try {
      const dump = readFileSync(path.join(template.dir, DUMP));
      return Promise.resolve(dump.length === template.manifest.dump ? dump : undefined);
    } catch {
      return Promise.resolve(undefined);
    }
  });
}

/**
 * `use`'s result on the template, built if needed; a template `use` finds broken (undefined) is rebuilt
 * once. Undefined when the cache cannot be used or the template stays unusable.
 */
async function withTemplate<T>(options: ShadowPgliteOptions, use: (cacheDir: string, template: Template) => Promise<T | undefined>): Promise<T | undefined> {
  const version = pgliteVersion();
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  if (version === undefined || !usableCacheDir(cacheDir)) return undefined;
  sweepStaleEntries(cacheDir, TEMP_ENTRY);
  for (let attempt = 0; attempt < 2; attempt++) {
    let template: Template;
    try {
      template = await ensureTemplate(cacheDir, version);
    } catch {
      return undefined;
    }
    const result = await use(cacheDir, template);
    if (result !== undefined) return result;
    discardTemplate(template);
  }
  return undefined;
}

/** Written into a dev data folder while it is being filled from the template; gone once it is complete. */
export const SEEDING_MARKER = '.prisma-migrations-seeding';
const VERSION_FILE = 'PG_VERSION';

/**
 * Fills a new dev data folder from the template instead of letting PGlite run initdb in it (seconds
 * saved on every first start). `keep` names files of the caller's that stay (its lock). `PG_VERSION`,
 * which makes the folder a data directory, is copied last and the marker removed after it: a copy cut
 * short (a killed process) holds the marker, and the next start deletes what it left and copies again.
 * Resolves false when the template cannot be used; PGlite then initialises the folder itself.
 */
export async function seedDataDir(dataDir: string, keep: (name: string) => boolean, options: ShadowPgliteOptions = {}): Promise<boolean> {
  const leftovers = () => readdirSync(dataDir).filter((name) => !keep(name));
  if (existsSync(path.join(dataDir, SEEDING_MARKER))) {
    for (const name of leftovers()) rmSync(path.join(dataDir, name), { recursive: true, force: true, maxRetries: 3 });
  }
  if (leftovers().length > 0) return false;
  const version = pgliteVersion();
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  if (version === undefined || !usableCacheDir(cacheDir)) return false;
  let template: Template;
  try {
    template = await ensureTemplate(cacheDir, version);
  } catch {
    return false;
  }
  writeFileSync(path.join(dataDir, SEEDING_MARKER), '');
  try {
    const { [VERSION_FILE]: versionSize, ...rest } = template.manifest.entries;
    await copyEntries(path.join(template.dir, 'data'), dataDir, rest);
    if (versionSize === undefined) throw new Error(`the template has no ${VERSION_FILE}`);
    await copyEntries(path.join(template.dir, 'data'), dataDir, { [VERSION_FILE]: versionSize });
  } catch {
    for (const name of leftovers()) rmSync(path.join(dataDir, name), { recursive: true, force: true, maxRetries: 3 });
    discardTemplate(template);
    return false;
  }
  rmSync(path.join(dataDir, SEEDING_MARKER));
  return true;
}

/** A copy of the template opened with `extensions`; undefined (and nothing left behind) when that fails. */
async function openCopy(cacheDir: string, template: Template, extensions: Record<string, Extension>): Promise<ShadowPglite | undefined> {
  let copy: string | undefined;
  try {
    copy = track(mkdtempSync(path.join(cacheDir, `shadow-${process.pid}-`)));
    // Fails on a file missing from the template (e.g. removed by a temp cleaner).
    await copyEntries(path.join(template.dir, 'data'), copy, template.manifest.entries);
    const db = await pgliteModule().PGlite.create(copy, { extensions });
    const dataDir = copy;
    return {
      db,
      dataDir,
      async close() {
        try {
          await db.close();
        } finally {
          await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
          untrack(dataDir);
        }
      },
    };
  } catch {
    if (copy) {
      rmSync(copy, { recursive: true, force: true, maxRetries: 3 });
      untrack(copy);
    }
    return undefined;
  }
}

/** One look-up or build per template folder and process; forgotten when the template is discarded. */
const templates = new Map<string, Promise<Template>>();

function ensureTemplate(cacheDir: string, version: string): Promise<Template> {
  const dir = templateDir(cacheDir, version);
  let pending = templates.get(dir);
  if (!pending) {
    pending = Promise.resolve(readTemplate(dir, version) ?? buildTemplate(cacheDir, version));
    templates.set(dir, pending);
    const mine = pending;
    mine.catch(() => {
      if (templates.get(dir) === mine) templates.delete(dir);
    });
  }
  return pending;
}

/** Named by the format too: builds of this code with another layout, installed side by side, each keep their own. */
export function templateDir(cacheDir: string, version = pgliteVersion() ?? 'unknown'): string {
  return path.join(cacheDir, `pglite-template-${version.replace(/[^\w.-]/g, '_')}-f${FORMAT}`);
}

/**
 * Runs initdb in a private folder and renames it into place. Safe against a concurrent build by another
 * process: the loser of the rename deletes its own build and returns the winner's template.
 */
export async function buildTemplate(cacheDir: string, version = pgliteVersion() ?? 'unknown'): Promise<Template> {
  const dir = templateDir(cacheDir, version);
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const build = track(mkdtempSync(path.join(cacheDir, `build-${process.pid}-`)));
  try {
    const db = await pgliteModule().PGlite.create(path.join(build, 'data'));
    let dump: Buffer;
    try {
      dump = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    } finally {
      await db.close();
    }
    writeFileSync(path.join(build, DUMP), dump);
    const manifest: Manifest = { format: FORMAT, pglite: version, id: randomUUID(), dump: dump.length, entries: listEntries(path.join(build, 'data')) };
    writeFileSync(path.join(build, MANIFEST), JSON.stringify(manifest));
    for (let attempt = 0; ; attempt++) {
      try {
        renameSync(build, dir);
        return { dir, manifest };
      } catch (error) {
        // Another process got there first (ENOTEMPTY / EEXIST; EPERM on Windows).
        if (!existsSync(dir) || attempt > 0) throw error;
        const theirs = readTemplate(dir, version);
        if (theirs) return theirs;
        // A folder without a valid manifest: a template broken beyond use. Replace it.
        trash(dir);
      }
    }
  } finally {
    rmSync(build, { recursive: true, force: true, maxRetries: 3 });
    untrack(build);
  }
}

function readTemplate(dir: string, version: string): Template | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')) as Manifest;
    if (manifest.format !== FORMAT || manifest.pglite !== version || typeof manifest.id !== 'string' || typeof manifest.dump !== 'number' || typeof manifest.entries !== 'object') return undefined;
    return { dir, manifest };
  } catch {
    return undefined;
  }
}

/**
 * Moves a broken template out of the way — unless another process has replaced it already (its id
 * differs), or a copy of this one failed only because the template was replaced while it was copied.
 */
function discardTemplate(template: Template): void {
  const dir = template.dir;
  templates.delete(dir);
  const current = readTemplate(dir, template.manifest.pglite);
  if (current?.manifest.id === template.manifest.id) trash(dir);
}

/** Renames `dir` away (atomic, so no one copies half of it) and deletes it. */
function trash(dir: string): void {
  const away = path.join(path.dirname(dir), `trash-${process.pid}-${randomUUID()}`);
  try {
    renameSync(dir, away);
  } catch {
    return; // gone already, or another process is replacing it
  }
  rmSync(away, { recursive: true, force: true, maxRetries: 3 });
}

/** Every file and folder under `root`, relative, with its size (-1 for a folder). */
function listEntries(root: string): Record<string, number> {
  const entries: Record<string, number> = {};
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix + entry.name;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        entries[rel] = -1;
        walk(full, `${rel}/`);
      } else {
        // Only plain files and folders: the copy would not know what to do with anything else.
        if (!entry.isFile()) throw new Error(`unexpected entry in the PGlite template: ${full}`);
        entries[rel] = lstatSync(full).size;
      }
    }
  };
  walk(root, '');
  return entries;
}

/**
 * Copies the manifest's entries from `from` into the existing folder `to`: folders first, then the files,
 * a few at a time (faster than `cpSync` here, ~40 MB in ~1,000 files, and it does not block the event
 * loop). A copy-on-write clone where the file system offers one (APFS, btrfs, XFS), a plain copy elsewhere.
 */
async function copyEntries(from: string, to: string, entries: Record<string, number>): Promise<void> {
  const files: string[] = [];
  for (const [rel, size] of Object.entries(entries)) {
    if (size === -1) mkdirSync(path.join(to, rel), { recursive: true });
    else files.push(rel);
  }
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const rel = files[next++]!;
      try {
        await copyFile(path.join(from, rel), path.join(to, rel), constants.COPYFILE_FICLONE);
      } catch (error) {
        next = files.length; // stop the other workers
        throw error;
      }
    }
  };
  // Settled, not just failed: the caller deletes `to` next, and no copy may still be writing into it.
  const results = await Promise.allSettled(Array.from({ length: 8 }, worker));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Folders to delete if the process exits without closing them (e.g. `process.exit()` in the CLI). */
const live = new Set<string>();
let exitHookInstalled = false;

function track(dir: string): string {
  live.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const leftover of live) {
        try {
          rmSync(leftover, { recursive: true, force: true });
        } catch {
          // The next shadow's sweep deletes it.
        }
      }
    });
  }
  return dir;
}

function untrack(dir: string): void {
  live.delete(dir);
}

let version: string | null | undefined;

/** The installed `@electric-sql/pglite` version, which names the template: data folders are not portable across versions. */
export function pgliteVersion(): string | undefined {
  if (version === undefined) version = readPgliteVersion() ?? null;
  return version ?? undefined;
}

function readPgliteVersion(): string | undefined {
  try {
    // createRequire keeps the bundler from resolving the package at build time (PGlite stays external).
    let dir = path.dirname(createRequire(__filename).resolve('@electric-sql/pglite'));
    for (;;) {
      const file = path.join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === '@electric-sql/pglite' && typeof pkg.version === 'string') return pkg.version;
      }
      const up = path.dirname(dir);
      if (up === dir) return undefined;
      dir = up;
    }
  } catch {
    return undefined;
  }
}
