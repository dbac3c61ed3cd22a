import {
  ColumnTypeEnum,
  DriverAdapterError,
  isDriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import { delegate } from '../db/managedFactory';
import type { MigrationRow } from '../types';

const TABLE = '_prisma_migrations';

/**
 * Reads Prisma's bookkeeping table through the engine's own connection (SQLite's exclusive lock and the
 * session's search_path both make any other connection the wrong one). null when it does not exist yet.
 */
export async function readMigrationRows(connection: SqlDriverAdapter): Promise<MigrationRow[] | null> {
  const exists =
    connection.provider === 'sqlite'
      ? `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${TABLE}'`
      : `SELECT 1 WHERE to_regclass('${TABLE}') IS NOT NULL`;
  const found = await connection.queryRaw({ sql: exists, args: [], argTypes: [] });
  if (found.rows.length === 0) return null;
  const result = await connection.queryRaw({
    sql: `SELECT id, checksum, migration_name, started_at, finished_at, rolled_back_at, logs, applied_steps_count FROM ${TABLE} ORDER BY started_at`,
    args: [],
    argTypes: [],
  });
  return toRows(result);
}

/** The history with no migration in it: the columns the engine selects, no rows. */
const EMPTY_HISTORY: SqlResultSet = {
  columnNames: ['id', 'checksum', 'finished_at', 'migration_name', 'logs', 'rolled_back_at', 'started_at', 'applied_steps_count'],
  columnTypes: [
    ColumnTypeEnum.Text,
    ColumnTypeEnum.Text,
    ColumnTypeEnum.DateTime,
    ColumnTypeEnum.Text,
    ColumnTypeEnum.Text,
    ColumnTypeEnum.DateTime,
    ColumnTypeEnum.DateTime,
    ColumnTypeEnum.Int32,
  ],
  rows: [],
};

/**
 * The engine's view of the database: where `_prisma_migrations` does not exist, reading it reads an empty
 * history. Prisma's engine means to do that itself (a missing table is "persistence not initialized", an
 * empty list), but 7.10's WASM build does not recognise the driver adapters' missing-table error and fails
 * with P1014 — so `devDiagnostic`, and the data-loss evaluation that needs it, would have to create the
 * table on a database they only read.
 */
export function absentHistoryReadsEmpty(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connectToShadowDb: () => factory.connectToShadowDb(),
    connect: async () => {
      const connection = await factory.connect();
      return delegate(connection, {
        queryRaw: (query) =>
          connection.queryRaw(query).catch((error: unknown) => {
            if (isMissingHistory(error)) return EMPTY_HISTORY;
            throw error;
          }),
      });
    },
  };
}

/** A driver adapter's error, told by shape: the CLI's libsql driver is a bundle of its own, with its own copy of the class. */
export function isAdapterError(error: unknown): error is DriverAdapterError {
  return typeof error === 'object' && error !== null && isDriverAdapterError(error);
}

function isMissingHistory(error: unknown): boolean {
  if (!isAdapterError(error) || error.cause.kind !== 'TableDoesNotExist') return false;
  return error.cause.table?.split('.').pop() === TABLE;
}

/** Prisma's own DDL for the bookkeeping table (as its engine writes it when applying migrations). */
const CREATE_TABLE = {
  sqlite: `CREATE TABLE IF NOT EXISTS "${TABLE}" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
);`,
  postgres: `CREATE TABLE IF NOT EXISTS ${TABLE} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`,
};

/**
 * Creates the bookkeeping table in a database that has other tables. The engine creates it only when it
 * applies migrations, and refuses to apply into a non-empty database without it (P3005): baselining
 * records a migration as applied there instead.
 */
export async function createMigrationsTable(connection: SqlDriverAdapter): Promise<void> {
  await connection.executeScript(connection.provider === 'sqlite' ? CREATE_TABLE.sqlite : CREATE_TABLE.postgres);
}

function toRows(result: SqlResultSet): MigrationRow[] {
  const column = (name: string) => result.columnNames.indexOf(name);
  const [id, checksum, name, started, finished, rolledBack, logs, steps] = [
    'id',
    'checksum',
    'migration_name',
    'started_at',
    'finished_at',
    'rolled_back_at',
    'logs',
    'applied_steps_count',
  ].map(column);
  return result.rows.map((row) => ({
    id: String(row[id]),
    checksum: String(row[checksum]),
    migrationName: String(row[name]),
    startedAt: toDate(row[started]) ?? new Date(0),
    finishedAt: toDate(row[finished]),
    rolledBackAt: toDate(row[rolledBack]),
    logs: row[logs] == null ? null : String(row[logs]),
    appliedStepsCount: Number(row[steps] ?? 0),
  }));
}

/** Rows as a JSON round trip leaves them (the result cache's), with their dates back. */
export function revivedRows(rows: readonly MigrationRow[]): MigrationRow[] {
  return rows.map((row) => ({ ...row, startedAt: toDate(row.startedAt) ?? new Date(0), finishedAt: toDate(row.finishedAt), rolledBackAt: toDate(row.rolledBackAt) }));
}

/** Adapters return timestamps as strings: ISO with offset (libsql) or `YYYY-MM-DD HH:MM:SS.mmm` in UTC (pg, timestamptz). */
function toDate(value: unknown): Date | null {
  if (value == null) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(text)) return new Date(text);
  return new Date(`${text.replace(' ', 'T')}Z`);
}

/**
 * Records that an applied migration was undone (its down script ran): Prisma's own "rolled back" only
 * applies to failed migrations. The row stays, as Prisma keeps rolled-back rows; the migration is pending again.
 */
export async function recordRolledBack(connection: SqlDriverAdapter, migrationName: string, at: Date): Promise<number> {
  const placeholder = (n: number) => (connection.provider === 'sqlite' ? '?' : `$${n}`);
  return connection.executeRaw({
    sql: `UPDATE ${TABLE} SET rolled_back_at = ${placeholder(1)} WHERE migration_name = ${placeholder(2)} AND rolled_back_at IS NULL AND finished_at IS NOT NULL`,
    args: [at.toISOString().replace('Z', '+00:00'), migrationName],
    argTypes: [
      { scalarType: 'string', arity: 'scalar' },
      { scalarType: 'string', arity: 'scalar' },
    ],
  });
}

/** Removes migrations from the bookkeeping table (a squash replaced them with one recorded as applied). */
export async function deleteMigrationRows(connection: SqlDriverAdapter, names: readonly string[]): Promise<number> {
  if (names.length === 0) return 0;
  const placeholders = names.map((_, i) => (connection.provider === 'sqlite' ? '?' : `$${i + 1}`)).join(', ');
  return connection.executeRaw({
    sql: `DELETE FROM ${TABLE} WHERE migration_name IN (${placeholders})`,
    args: [...names],
    argTypes: names.map(() => ({ scalarType: 'string' as const, arity: 'scalar' as const })),
  });
}
