import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Pool, PoolConnection } from 'mariadb';
import type { ApplyProgress, HistoryBackend } from '../engine/backend';
import { MigrateError } from '../errors';
import { migrationChecksum } from '../migrations/checksum';
import { lockfileProvider, MIGRATION_FILE, type MigrationsFolder } from '../migrations/folder';
import { migrationStatuses, pendingMigrations } from '../migrations/history';
import type { MigrationRow } from '../types';
import { toMigrateError, type MysqlTarget } from './mysqlConnection';
import { failureMessage, mysqlFailureLogs, runScript } from './mysqlScript';

/*
 * `_prisma_migrations` bookkeeping exactly as Prisma's native schema engine does it on MySQL, from
 * prisma/prisma-engines:
 * - schema-engine/connectors/sql-schema-connector/src/flavour/mysql.rs (create_migrations_table, reset,
 *   acquire_lock, system databases),
 * - schema-engine/connectors/sql-schema-connector/src/sql_migration_persistence.rs (the row writes),
 * - schema-engine/core/src/commands/{apply_migrations,mark_migration_applied,mark_migration_rolled_back}.rs,
 * - libs/user-facing-errors/src/schema_engine.rs (message texts).
 * Timestamps are chrono::Utc::now() bound as DATETIME values, i.e. UTC wall-clock time whatever the
 * session time zone; we write and read them as UTC strings so neither Node's nor the server's time zone
 * matters (and the session time zone is left alone, as Prisma leaves it, because scripts may use NOW()).
 */

const MIGRATIONS_TABLE = '_prisma_migrations';

/** Prisma's DDL, byte for byte apart from the table name being qualified with the URL's database. */
function createMigrationsTableSql(database: string): string {
  return `CREATE TABLE ${quoteIdentifier(database)}.${MIGRATIONS_TABLE} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
`;
}

/** Prisma's advisory lock: one name for the whole server, 10 s timeout. */
const LOCK_NAME = 'prisma_migrate';
const LOCK_TIMEOUT_S = 10;

export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A Date as a DATETIME(3) literal in UTC. */
export function toUtcDatetime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** A DATETIME string (read with dateStrings) as the UTC instant it stands for. */
export function fromUtcDatetime(value: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(value);
  if (!match) throw new MigrateError('engine', `Unexpected DATETIME value in ${MIGRATIONS_TABLE}: ${value}`);
  const [, y, mo, d, h, mi, s, fraction = ''] = match;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms));
}

/** How chrono prints a DateTime<Utc> (the P3009 text): fractional seconds only when non-zero. */
function chronoUtc(date: Date): string {
  const iso = date.toISOString();
  const ms = date.getUTCMilliseconds();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === 0 ? '' : `.${String(ms).padStart(3, '0')}`} UTC`;
}

export class MysqlHistoryBackend implements HistoryBackend {
  readonly provider = 'mysql' as const;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    private readonly target: MysqlTarget,
  ) {
    this.table = `${quoteIdentifier(target.database)}.${MIGRATIONS_TABLE}`;
  }

  readMigrationRows(): Promise<MigrationRow[] | null> {
    return this.exclusive('Reading _prisma_migrations', (connection) => this.listRows(connection));
  }

  applyPending(folder: MigrationsFolder, progress: ApplyProgress = {}): Promise<string[]> {
    return this.exclusive('Applying migrations', async (connection) => {
      this.checkLockfileProvider(folder);
      return this.withLock(connection, async () => {
        await this.initialize(connection);
        const rows = (await this.listRows(connection)) ?? [];
        this.refuseWhenFailed(rows);

        const pending = pendingMigrations(migrationStatuses(folder.migrations, rows));
        const byName = new Map(folder.migrations.map((m) => [m.name, m]));
        const applied: string[] = [];
        for (const [index, name] of pending.entries()) {
          if (progress.signal?.aborted) {
            throw new MigrateError(
              'cancelled',
              `Cancelled after applying ${applied.length} of ${pending.length} pending migration(s); the rest were not started.`,
            );
          }
          progress.onMigrationStart?.(name, index, pending.length);
          const migration = byName.get(name)!;
          if (migration.script === null) {
            const file = path.join(migration.dir, MIGRATION_FILE);
            throw new MigrateError(
              'migrationsFolder',
              `Could not find the migration file at ${file}. Please delete the directory or restore the migration file.`,
              { migration: name, file },
            );
          }
          await this.applyOne(connection, name, migration.script);
          applied.push(name);
        }
        return applied;
      });
    });
  }

  markApplied(folder: MigrationsFolder, name: string): Promise<void> {
    return this.exclusive('Marking the migration applied', async (connection) => {
      this.checkLockfileProvider(folder);
      await this.withLock(connection, async () => {
        const migration = folder.migrations.find((m) => m.name === name);
        if (!migration || migration.script === null) {
          throw new MigrateError(
            'migrationsFolder',
            `The migration ${name} could not be found. Please make sure that the migration exists, and that you included the whole name of the directory. (example: "20201207184859_initial_migration")`,
            { migration: name },
          );
        }
        let rows = await this.listRows(connection);
        if (rows === null) {
          // Baselining: Prisma creates the table here without requiring an empty database.
          await connection.query(createMigrationsTableSql(this.target.database));
          rows = [];
        }
        const relevant = rows.filter((row) => row.migrationName === name);
        if (relevant.some((row) => row.finishedAt !== null)) {
          throw new MigrateError('state', `The migration \`${name}\` is already recorded as applied in the database.`, {
            migration: name,
          });
        }
        for (const row of relevant) {
          if (row.finishedAt === null && row.rolledBackAt === null) await this.markRowRolledBack(connection, row.id);
        }
        const now = toUtcDatetime(new Date());
        // Prisma's mark_migration_applied_impl: logs '' (not NULL), started_at = finished_at, 0 steps.
        await connection.query(
          `INSERT INTO ${this.table} (id, checksum, logs, started_at, finished_at, migration_name) VALUES (?, ?, '', ?, ?, ?)`,
          [randomUUID(), migrationChecksum(migration.script), now, now, name],
        );
      });
    });
  }

  markRolledBack(name: string): Promise<void> {
    return this.exclusive('Marking the migration rolled back', (connection) =>
      this.withLock(connection, async () => {
        const rows = await this.listRows(connection);
        const relevant = (rows ?? []).filter((row) => row.migrationName === name);
        if (relevant.length === 0) {
          throw new MigrateError(
            'state',
            `Migration \`${name}\` cannot be rolled back because it was never applied to the database. Hint: did you pass in the whole migration name? (example: "20201207184859_initial_migration")`,
            { migration: name },
          );
        }
        if (relevant.every((row) => row.finishedAt !== null)) {
          throw new MigrateError('state', `Migration \`${name}\` cannot be rolled back because it is not in a failed state.`, {
            migration: name,
          });
        }
        for (const row of relevant) {
          if (row.finishedAt === null && row.rolledBackAt === null) await this.markRowRolledBack(connection, row.id);
        }
      }),
    );
  }

  /**
   * Prisma's MySQL reset: DROP DATABASE, CREATE DATABASE (server default character set, as Prisma does
   * not name one), USE. When that is not allowed it falls back to dropping what it can describe: views,
   * foreign keys, tables, `_prisma_migrations` (its best_effort_reset); so does this.
   */
  reset(): Promise<void> {
    return this.exclusive('Resetting the database', async (connection) => {
      const db = quoteIdentifier(this.target.database);
      try {
        await connection.query(`DROP DATABASE ${db}`);
        await connection.query(`CREATE DATABASE ${db}`);
        await connection.query(`USE ${db}`);
      } catch (error) {
        try {
          await this.dropEverything(connection);
        } catch (fallbackError) {
          throw new MigrateError(
            'state',
            `Could not reset ${this.target.display}: dropping the database failed (${messageOf(error)}) and so did dropping its tables (${messageOf(fallbackError)}).`,
            { cause: fallbackError },
          );
        }
      }
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    await this.pool.end().catch(() => undefined);
  }

  /** Serialises operations on the single connection and types every error. */
  private exclusive<T>(doing: string, operation: (connection: PoolConnection) => Promise<T>): Promise<T> {
    // Checked at call time, so operations queued before dispose() still run.
    if (this.disposed) {
      return Promise.reject(new MigrateError('state', `${doing} failed: the connection to ${this.target.display} is closed.`));
    }
    const run = this.queue.then(async () => {
      let connection: PoolConnection;
      try {
        connection = await this.pool.getConnection();
      } catch (error) {
        throw toMigrateError(error, this.target, doing);
      }
      try {
        // Prisma starts every command on a fresh connection to the URL's database; a previous script
        // may have switched ours with USE.
        await connection.query(`USE ${quoteIdentifier(this.target.database)}`);
        return await operation(connection);
      } catch (error) {
        throw toMigrateError(error, this.target, doing);
      } finally {
        await connection.release().catch(() => undefined);
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async withLock<T>(connection: PoolConnection, operation: () => Promise<T>): Promise<T> {
    if (this.target.isPlanetScale) return operation();
    const [row] = (await connection.query(`SELECT GET_LOCK('${LOCK_NAME}', ${LOCK_TIMEOUT_S}) AS locked`)) as Array<{ locked: unknown }>;
    // Prisma ignores the result and goes ahead; running two migrators at once is worse than stopping.
    if (row === undefined || row.locked === null || Number(row.locked) !== 1) {
      throw new MigrateError(
        'state',
        `Another migration command holds the \`${LOCK_NAME}\` lock on the server at ${this.target.address}; gave up after ${LOCK_TIMEOUT_S} s. Try again when it has finished.`,
      );
    }
    try {
      return await operation();
    } finally {
      // Prisma's engine exits, and its connection with the lock; ours lives on, so let go explicitly.
      await connection.query(`SELECT RELEASE_LOCK('${LOCK_NAME}')`).catch(() => undefined);
    }
  }

  private checkLockfileProvider(folder: MigrationsFolder): void {
    const expected = lockfileProvider(folder.lockfile);
    if (expected !== null && expected !== 'mysql') {
      throw new MigrateError(
        'migrationsFolder',
        `The datasource provider \`mysql\` specified in your schema does not match the one specified in the migration_lock.toml, \`${expected}\`. Please remove your current migration directory and start a new migration history with prisma migrate dev. Read more: https://pris.ly/d/migrate-provider-switch`,
        { file: path.join(folder.dir, 'migration_lock.toml') },
      );
    }
  }

  /** Prisma's `initialize`: create the table on an empty database, refuse (P3005) on a non-empty one. */
  private async initialize(connection: PoolConnection): Promise<void> {
    const tables = (await connection.query(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'`,
      [this.target.database],
    )) as Array<{ name: string }>;
    if (tables.some((t) => t.name === MIGRATIONS_TABLE)) return;
    if (tables.length > 0) {
      throw new MigrateError(
        'state',
        'The database schema is not empty. Read more about how to baseline an existing production database: https://pris.ly/d/migrate-baseline',
      );
    }
    await connection.query(createMigrationsTableSql(this.target.database));
  }

  /** Prisma's detect_failed_migrations (P3009). Its engine no longer loads `logs` for this text. */
  private refuseWhenFailed(rows: readonly MigrationRow[]): void {
    const failed = rows.filter((row) => row.finishedAt === null && row.rolledBackAt === null);
    if (failed.length === 0) return;
    const details = failed.map((row) => `The \`${row.migrationName}\` migration started at ${chronoUtc(row.startedAt)} failed\n`).join('');
    throw new MigrateError(
      'state',
      `migrate found failed migrations in the target database, new migrations will not be applied. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n${details}`,
      { migration: failed[0]!.migrationName },
    );
  }

  /** record_migration_started → script → record_successful_step + record_migration_finished, or record_failed_step. */
  private async applyOne(connection: PoolConnection, name: string, script: string): Promise<void> {
    const id = randomUUID();
    await connection.query(`INSERT INTO ${this.table} (id, checksum, started_at, migration_name) VALUES (?, ?, ?, ?)`, [
      id,
      migrationChecksum(script),
      toUtcDatetime(new Date()),
      name,
    ]);

    const failure = await runScript(connection, script);
    if (failure === null) {
      await connection.query(`UPDATE ${this.table} SET applied_steps_count = applied_steps_count + 1 WHERE id = ?`, [id]);
      await connection.query(`UPDATE ${this.table} SET finished_at = ? WHERE id = ?`, [toUtcDatetime(new Date()), id]);
      return;
    }

    let message = failureMessage(name, script, failure);
    try {
      // A script that opened a transaction and failed would otherwise take the log write down with it.
      await connection.query('ROLLBACK');
      await connection.query(`UPDATE ${this.table} SET logs = ? WHERE id = ?`, [mysqlFailureLogs(name, failure), id]);
    } catch (recordError) {
      message += `\n\nThe failure could not be recorded in _prisma_migrations: ${messageOf(recordError)}`;
    }
    throw new MigrateError('migrationFailed', message, { migration: name, cause: failure.error });
  }

  private async markRowRolledBack(connection: PoolConnection, id: string): Promise<void> {
    await connection.query(`UPDATE ${this.table} SET rolled_back_at = ? WHERE id = ?`, [toUtcDatetime(new Date()), id]);
  }

  private async listRows(connection: PoolConnection): Promise<MigrationRow[] | null> {
    let rows: Array<Record<string, unknown>>;
    try {
      rows = await connection.query({
        sql: `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count FROM ${this.table} ORDER BY started_at ASC`,
        dateStrings: true,
      });
    } catch (error) {
      if ((error as { errno?: unknown }).errno === 1146) return null;
      throw error;
    }
    return rows.map((row) => ({
      id: String(row.id),
      checksum: String(row.checksum),
      migrationName: String(row.migration_name),
      startedAt: fromUtcDatetime(String(row.started_at)),
      finishedAt: row.finished_at == null ? null : fromUtcDatetime(String(row.finished_at)),
      rolledBackAt: row.rolled_back_at == null ? null : fromUtcDatetime(String(row.rolled_back_at)),
      logs: row.logs == null ? null : String(row.logs),
      appliedStepsCount: Number(row.applied_steps_count),
    }));
  }

  private async dropEverything(connection: PoolConnection): Promise<void> {
    const schema = this.target.database;
    const db = quoteIdentifier(schema);
    const views = (await connection.query(`SELECT table_name AS name FROM information_schema.views WHERE table_schema = ?`, [
      schema,
    ])) as Array<{ name: string }>;
    for (const view of views) await connection.query(`DROP VIEW ${db}.${quoteIdentifier(view.name)}`);
    const foreignKeys = (await connection.query(
      `SELECT table_name AS tableName, constraint_name AS name FROM information_schema.referential_constraints WHERE constraint_schema = ?`,
      [schema],
    )) as Array<{ tableName: string; name: string }>;
    for (const fk of foreignKeys) {
      await connection.query(`ALTER TABLE ${db}.${quoteIdentifier(fk.tableName)} DROP FOREIGN KEY ${quoteIdentifier(fk.name)}`);
    }
    const tables = (await connection.query(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'`,
      [schema],
    )) as Array<{ name: string }>;
    for (const table of tables) await connection.query(`DROP TABLE ${db}.${quoteIdentifier(table.name)}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
