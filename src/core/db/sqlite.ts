import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrismaLibSql } from '@prisma/adapter-libsql';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { MigrateError } from '../errors';
import { delegate, ManagedAdapterFactory } from './managedFactory';
import { executeSqliteScript } from './sqliteDoubleQuotedStrings';
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

/** A libsql connection whose scripts run as SQLite's default build runs them (see `executeSqliteScript`). */
async function connectLibsql(libsql: PrismaLibSql): Promise<SqlDriverAdapter> {
  const adapter = await libsql.connect();
  return delegate(adapter, { executeScript: (script) => executeSqliteScript(adapter, script) });
}

/**
 * The engine replays shadow migrations statement by statement through `executeRaw`, which libsql runs
 * as a single statement (silently dropping the rest of a multi-statement migration). Argument-less
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
 * The shadow database is a throw-away file, not libsql's `:memory:`: the libsql client hands its
 * connection to each transaction and opens a new one afterwards, and a new `:memory:` connection is a
 * new, empty database — the shadow replay then intermittently loses the tables it just created.
 */
async function openShadowFile(): Promise<SqlDriverAdapter> {
  const dir = mkdtempSync(path.join(tmpdir(), 'prisma-migrations-shadow-'));
  const adapter = await connectLibsql(new PrismaLibSql({ url: `file:${path.join(dir, 'shadow.db')}` }));
  // A throw-away file: durability only costs a disk sync per replayed statement.
  await adapter.executeScript('PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY;');
  return delegate(shadowConnection(adapter), {
    dispose: async () => {
      await adapter.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

function sqliteFactory(filePath: string): ManagedAdapterFactory {
  const libsql = new PrismaLibSql({ url: `file:${filePath}` });
  return new ManagedAdapterFactory(
    'sqlite',
    libsql.adapterName,
    () => {
      mkdirSync(path.dirname(filePath), { recursive: true });
      return connectLibsql(libsql);
    },
    openShadowFile,
  );
}

/**
 * A SQLite file; the shadow database is a temporary file, so nothing of the user's but this file is
 * touched. Refuses a file that is not a SQLite database before anything opens it.
 */
export function openSqlite(filePath: string): EngineDatabase {
  requireSqliteFile(filePath);
  const factory = sqliteFactory(filePath);
  return {
    provider: 'sqlite',
    label: filePath,
    databaseName: path.basename(filePath),
    factory,
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
    dispose: () => factory.dispose(),
  };
}
