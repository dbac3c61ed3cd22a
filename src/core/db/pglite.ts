import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { errorMessage, MigrateError } from '../errors';
import { pgliteExtensions } from './extensions';
import { ManagedAdapterFactory } from './managedFactory';
import { LOCK_FILE, lockDataDir } from './pgliteLock';
import { startPglite, type PgliteServer } from './pgliteServer';
import { folderState, recordReadOnlySession } from './pgliteFolderState';
import { SEEDING_MARKER, seedDataDir } from './pgliteTemplate';
import { pgliteShadow } from './pgliteShadow';
import { PG_ADAPTER_NAME } from './postgresAdapter';
import type { EngineDatabase } from './target';

/** `pglite:./.pglite` → absolute folder, a relative one resolved against `baseDir` (as SQLite's file: paths are). */
export function pgliteDataDir(url: string, baseDir: string): string {
  return path.resolve(baseDir, url.slice('pglite:'.length));
}

/**
 * The embedded dev database for PostgreSQL projects without a URL: PGlite (PostgreSQL 17 in
 * WebAssembly) persisted in `dataDir`, a folder the user can see and delete, and an in-memory PGlite as
 * the shadow database. Starting PGlite takes seconds, so it starts here, once, and fails early; read-only, it
 * starts on first use, and a result already computed from the folder's content needs none (pgliteFolderState.ts).
 *
 * Read-only, the session refuses writes, and a folder that does not exist is not created: the read sees
 * an empty in-memory database in its place.
 *
 * `databaseName` is the folder's name: that is what the user sees and would delete; PGlite's own
 * database name (`postgres`) is not something they ever chose.
 */
export async function openPglite(dataDir: string, options: { extensions?: string[]; readOnly?: boolean } = {}): Promise<EngineDatabase> {
  const extensions = options.extensions ?? [];
  // An extension PGlite lacks fails here, before the folder is created.
  const loaded = await pgliteExtensions(extensions);
  requirePgliteDataDir(dataDir);
  const standIn = options.readOnly === true && !existsSync(dataDir);
  if (!standIn) mkdirSync(dataDir, { recursive: true });
  const unlock = standIn ? () => {} : await lockDataDir(dataDir);
  let server: LazyServer;
  try {
    if (!standIn && !existsSync(path.join(dataDir, 'PG_VERSION'))) await seedDataDir(dataDir, (name) => name.startsWith(LOCK_FILE));
    const start = () => startPglite(standIn ? undefined : dataDir, loaded).catch((error: unknown) => Promise.reject(startFailure(dataDir, error)));
    // Read-only, PGlite starts on first use: a result already computed from this content needs none.
    server = options.readOnly && !standIn ? lazyServer(start, await folderState(dataDir)) : lazyServer(start, undefined, await start());
  } catch (error) {
    unlock();
    throw error;
  }
  const shadow = pgliteShadow(extensions);
  const factory = new ManagedAdapterFactory(
    'postgres',
    PG_ADAPTER_NAME,
    async () => (await server.get()).connect({ readOnly: options.readOnly }),
    () => shadow.connect(),
    async () => {
      try {
        await shadow.close();
        await server.close();
        if (server.contentState !== undefined && server.ran) await recordReadOnlySession(dataDir, server.contentState);
      } finally {
        unlock();
      }
    },
    (seed) => shadow.connectFrom(seed),
  );
  return {
    provider: 'postgresql',
    shadow: 'embedded',
    label: `embedded PGlite (${dataDir})${standIn ? ' (does not exist)' : ''}`,
    databaseName: path.basename(dataDir),
    contentState: server.contentState,
    factory,
    dispose: () => factory.dispose(),
  };
}

interface LazyServer {
  /** The folder's content state (pgliteFolderState.ts) where PGlite starts only when first used. */
  readonly contentState: string | undefined;
  /** Whether PGlite started (and so rewrote its bookkeeping files). */
  readonly ran: boolean;
  get(): Promise<PgliteServer>;
  close(): Promise<void>;
}

function lazyServer(start: () => Promise<PgliteServer>, contentState: string | undefined, running?: PgliteServer): LazyServer {
  let server = running && Promise.resolve(running);
  let ran = running !== undefined;
  return {
    contentState,
    get ran() {
      return ran;
    },
    get: () =>
      (server ??= start().then((started) => {
        ran = true;
        return started;
      })),
    async close() {
      const started = await server?.catch(() => undefined);
      await started?.close();
    },
  };
}

function startFailure(dataDir: string, error: unknown): MigrateError {
  return new MigrateError(
    'state',
    `The embedded PGlite database in ${dataDir} could not be started: ${errorMessage(error)}. Delete the folder to start over with an empty database.`,
    { cause: error },
  );
}

/**
 * PGlite initialises any folder it is given, among whatever files are there (`pglite:./src`): only a new
 * or empty folder, or a PostgreSQL data directory (it has PG_VERSION), may be opened. Our lock file and its
 * helpers alone (a first start that never finished, another process taking the lock now) still count as empty,
 * as does an unfinished copy of the template.
 */
export function requirePgliteDataDir(dataDir: string): void {
  let entries: string[];
  try {
    if (!statSync(dataDir).isDirectory()) throw notDataDir(dataDir, 'it is a file');
    entries = readdirSync(dataDir).filter((name) => !name.startsWith(LOCK_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  // A copy from the template cut short carries its marker: the next start finishes it (seedDataDir).
  if (entries.length > 0 && !entries.includes('PG_VERSION') && !entries.includes(SEEDING_MARKER)) throw notDataDir(dataDir, 'it has files but no PG_VERSION');
}

function notDataDir(dataDir: string, why: string): MigrateError {
  return new MigrateError('config', `${dataDir} is not a PGlite database folder (${why}): nothing was touched. Name a new or empty folder, or an existing PGlite data directory.`);
}
