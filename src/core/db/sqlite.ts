import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DriverAdapterError, isDriverAdapterError, type SqlDriverAdapter, type SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { MigrateError } from '../errors';
import { delegate, ManagedAdapterFactory } from './managedFactory';
import { executeSqliteScript } from './sqliteDoubleQuotedStrings';
import { type SqliteDriver, sqliteDriver } from './sqliteDriver';
import type { EngineDatabase } from './target';

/** `file:./dev.db` → absolute path, relative paths resolved against `baseDir` (Prisma resolves them next to the schema or config). */
export function sqliteFilePath(url: string, baseDir: string): string {
  const withoutScheme = url.replace(/^(file|sqlite):(\/\/)?/, '').replace(/\?.*$/, '');
  return path.resolve(baseDir, withoutScheme);
}

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * A file: URL may name any file (`file:./prisma/schema.prisma`), and opening or resetting it would turn it
 * into a database: only an absent file, an empty one or a SQLite database may be used. Returns whether
 * the file exists.
 */
export function requireSqliteFile(filePath: string): boolean {
  let size: number;
  try {
    const stats = statSync(filePath);
    if (!stats.isFile()) throw notSqlite(filePath, 'it is not a file');
    size = stats.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if (size === 0) return true;
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(filePath, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!header.equals(SQLITE_HEADER)) throw notSqlite(filePath, 'it does not start with the SQLite header');
  return true;
}

function notSqlite(filePath: string, why: string): MigrateError {
  return new MigrateError('config', `${filePath} is not a SQLite database (${why}): nothing was touched. Check the file: URL.`);
}

/** A connection whose scripts run as SQLite's default build runs them (see `executeSqliteScript`). */
async function connect(file: SqlDriverAdapterFactory): Promise<SqlDriverAdapter> {
  const adapter = await file.connect();
  return delegate(adapter, {
    queryRaw: (query) => adapter.queryRaw(query).catch(missingTableError),
    executeScript: (script) => executeSqliteScript(adapter, script),
  });
}

/**
 * The engine replays shadow migrations statement by statement through `executeRaw`, which both drivers
 * run as a single statement (silently dropping the rest of a multi-statement migration). Argument-less
 * calls are whole scripts: run them as scripts.
 */
function shadowConnection(adapter: SqlDriverAdapter): SqlDriverAdapter {
  return delegate(adapter, {
    executeRaw: async (query) => {
      if (query.args.length > 0) return adapter.executeRaw(query);
      await adapter.executeScript(query.sql);
      return 0;
    },
  });
}

/**
 * An empty, throw-away database file, removed with its connection: the shadow database, and what a read
 * sees in place of a database that does not exist. A file, not `:memory:`: the libsql client hands its
 * connection to each transaction and opens a new one afterwards, and a new `:memory:` connection is a
 * new, empty database — the shadow replay then intermittently loses the tables it just created.
 */
async function openTemporaryFile(driver: SqliteDriver, seed?: Buffer): Promise<SqlDriverAdapter> {
  const dir = mkdtempSync(path.join(tmpdir(), 'prisma-migrations-shadow-'));
  if (seed) writeFileSync(path.join(dir, 'shadow.db'), seed);
  const adapter = await connect(driver.factory(path.join(dir, 'shadow.db'), { readOnly: false }));
  // A throw-away file: durability only costs a disk sync per replayed statement.
  await adapter.executeScript('PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY;');
  return delegate(adapter, {
    dispose: async () => {
      await adapter.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/**
 * A connection that cannot change its database: SQLite's `query_only` refuses every write, on top of
 * node:sqlite's read-only open (the libsql client takes no `mode=ro`). The libsql client hands its
 * connection to each transaction and opens a new one afterwards: that one is made query-only too, before
 * anything else runs on it.
 */
async function readOnly(adapter: SqlDriverAdapter): Promise<SqlDriverAdapter> {
  const refuseWrites = () => adapter.executeScript('PRAGMA query_only = ON;');
  await refuseWrites();
  return delegate(adapter, {
    startTransaction: async (isolationLevel) => {
      const transaction = await adapter.startTransaction(isolationLevel);
      const [commit, rollback] = [transaction.commit.bind(transaction), transaction.rollback.bind(transaction)];
      return Object.assign(transaction, {
        commit: () => commit().finally(refuseWrites),
        rollback: () => rollback().finally(refuseWrites),
      });
    },
  });
}

/** How the dev database file is opened: to change it, to read it, or — to read it — when it does not exist. */
type SqliteAccess = 'write' | 'read' | 'readMissing';

function sqliteFactory(filePath: string, access: SqliteAccess, driver: SqliteDriver): ManagedAdapterFactory {
  const file = driver.factory(filePath, { readOnly: access === 'read' });
  const openMain = async () => {
    if (access === 'readMissing') return readOnly(await openTemporaryFile(driver));
    if (access === 'read') return readOnly(await connect(file));
    mkdirSync(path.dirname(filePath), { recursive: true });
    return connect(file);
  };
  return new ManagedAdapterFactory(
    'sqlite',
    file.adapterName,
    openMain,
    async () => shadowConnection(await openTemporaryFile(driver)),
    undefined,
    async (seed) => shadowConnection(await openTemporaryFile(driver, seed)),
  );
}

/**
 * A SQLite file; the shadow database is a temporary file, so nothing of the user's but this file is
 * touched. Refuses a file that is not a SQLite database before anything opens it. Read-only, the file is
 * never written, nor created: a read of a file that does not exist reads an empty database. The driver is
 * the runtime's (see `sqliteDriver`) unless given.
 */
export function openSqlite(filePath: string, options: { readOnly?: boolean; driver?: SqliteDriver } = {}): EngineDatabase {
  const exists = requireSqliteFile(filePath);
  const access: SqliteAccess = !options.readOnly ? 'write' : exists ? 'read' : 'readMissing';
  const factory = sqliteFactory(filePath, access, options.driver ?? sqliteDriver());
  const database: EngineDatabase = {
    provider: 'sqlite',
    shadow: 'embedded',
    label: access === 'readMissing' ? `${filePath} (does not exist)` : filePath,
    databaseName: path.basename(filePath),
    factory,
    dispose: () => factory.dispose(),
  };
  if (options.readOnly) return database;
  return {
    ...database,
    async recreate() {
      // The engine's exclusive lock goes with the connection; the next call reopens a fresh file.
      await factory.closeConnections();
      // Checked again at the moment of deleting: the file may have been replaced since it was opened.
      // Without the database itself, files beside it named like its journal are not its journal.
      if (!requireSqliteFile(filePath)) return;
      for (const suffix of ['', '-journal', '-wal', '-shm']) {
        if (existsSync(filePath + suffix)) rmSync(filePath + suffix);
      }
    },
  };
}

/**
 * `@prisma/adapter-libsql` 7.10 recognises a missing table only by a message starting "no such table",
 * but libsql prefixes its messages with the result code ("SQLITE_ERROR: no such table: …"), as the
 * node:sqlite adapter does too, so the engine never learns that `_prisma_migrations` is absent and fails
 * where it would read an empty history.
 */
function missingTableError(error: unknown): never {
  // By shape: the CLI's libsql driver is a bundle of its own, with its own copy of DriverAdapterError.
  if (isDriverAdapterError(error) && error.cause.kind === 'sqlite') {
    const table = /^SQLITE_ERROR: no such table: (.+)$/.exec(error.cause.message)?.[1];
    if (table !== undefined) throw new DriverAdapterError({ kind: 'TableDoesNotExist', table });
  }
  throw error;
}
