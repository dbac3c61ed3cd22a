import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrismaLibSql } from '@prisma/adapter-libsql';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { delegate, ManagedAdapterFactory } from './managedFactory';
import { executeSqliteScript } from './sqliteDoubleQuotedStrings';
import type { EngineDatabase } from './target';

/** `file:./dev.db` → absolute path, relative paths resolved against `baseDir` (Prisma resolves them next to the schema or config). */
export function sqliteFilePath(url: string, baseDir: string): string {
  const withoutScheme = url.replace(/^(file|sqlite):(\/\/)?/, '').replace(/\?.*$/, '');
  return path.resolve(baseDir, withoutScheme);
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

/** A SQLite file; the shadow database is a temporary file, so nothing of the user's but this file is touched. */
export function openSqlite(filePath: string): EngineDatabase {
  const factory = sqliteFactory(filePath);
  return {
    provider: 'sqlite',
    label: filePath,
    databaseName: path.basename(filePath),
    factory,
    async recreate() {
      // The engine's exclusive lock goes with the connection; the next call reopens a fresh file.
      await factory.closeConnections();
      for (const suffix of ['', '-journal', '-wal', '-shm']) {
        if (existsSync(filePath + suffix)) rmSync(filePath + suffix);
      }
    },
    dispose: () => factory.dispose(),
  };
}
