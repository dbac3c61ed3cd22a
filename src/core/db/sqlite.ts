import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PrismaLibSql } from '@prisma/adapter-libsql';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { delegate, ManagedAdapterFactory } from './managedFactory';
import type { EngineDatabase } from './target';

/** `file:./dev.db` → absolute path, relative paths resolved against `baseDir` (Prisma resolves them next to the schema or config). */
export function sqliteFilePath(url: string, baseDir: string): string {
  const withoutScheme = url.replace(/^(file|sqlite):(\/\/)?/, '').replace(/\?.*$/, '');
  return path.resolve(baseDir, withoutScheme);
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

function sqliteFactory(filePath: string): ManagedAdapterFactory {
  const libsql = new PrismaLibSql({ url: `file:${filePath}` });
  return new ManagedAdapterFactory(
    'sqlite',
    libsql.adapterName,
    () => {
      mkdirSync(path.dirname(filePath), { recursive: true });
      return libsql.connect();
    },
    async () => shadowConnection(await libsql.connectToShadowDb()),
  );
}

/** A SQLite file; the shadow database is in memory, so nothing but the file is ever touched. */
export function openSqlite(filePath: string): EngineDatabase {
  const factory = sqliteFactory(filePath);
  return {
    provider: 'sqlite',
    label: filePath,
    databaseName: path.basename(filePath),
    factory,
    async recreate() {
      // The engine's exclusive lock goes with the connection; the next call reopens a fresh file.
      await factory.dispose();
      for (const suffix of ['', '-journal', '-wal', '-shm']) {
        if (existsSync(filePath + suffix)) rmSync(filePath + suffix);
      }
    },
    dispose: () => factory.dispose(),
  };
}
