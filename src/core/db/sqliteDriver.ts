import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { loadNodeSqlite, PrismaNodeSqlite } from './nodeSqliteAdapter';

/** What opens SQLite files for the engine: two drivers whose adapters answer alike (see nodeSqliteAdapter.ts). */
export interface SqliteDriver {
  readonly name: 'node:sqlite' | 'libsql';
  /**
   * Connections to the file. `readOnly` opens it read-only where the driver can (libsql cannot); sqlite.ts
   * makes every read connection query-only on either driver.
   */
  factory(filePath: string, options: { readOnly: boolean }): SqlMigrationAwareDriverAdapterFactory;
}

/** Node's built-in SQLite, where this runtime has the APIs the adapter needs. */
export function nodeSqliteDriver(): SqliteDriver | undefined {
  const sqlite = loadNodeSqlite();
  return sqlite && { name: 'node:sqlite', factory: (filePath, options) => new PrismaNodeSqlite(sqlite, filePath, options) };
}

let selected: SqliteDriver | undefined;

/**
 * node:sqlite (the extension host, the language server, the CLI on Node ≥ 22.16), else libsql (the CLI on
 * Node 20). libsql's native binary comes with a bundle of its own, required only here, which the VS Code
 * extension does not ship.
 */
export function sqliteDriver(): SqliteDriver {
  selected ??= nodeSqliteDriver() ?? (require('./libsqlDriver') as typeof import('./libsqlDriver')).libsqlDriver;
  return selected;
}
