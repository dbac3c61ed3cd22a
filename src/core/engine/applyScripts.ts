import { randomUUID } from 'node:crypto';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { MigrateError } from '../errors';
import { migrationChecksum } from '../migrations/checksum';
import { MIGRATION_FILE } from '../migrations/folder';
import type { LocalMigration } from '../types';
import type { ApplyProgress } from './backend';
import { isAdapterError } from './migrationsTable';

/*
 * Applying migrations exactly as Prisma's schema engine does (schema-engine/commands/src/commands/
 * apply_migrations.rs and sql_migration_persistence.rs in prisma/prisma-engines), on the connection the
 * engine would use, without the engine: loading and driving it cost more than the SQL on long histories.
 * Per migration: a row is inserted as started (id, checksum of the script, started_at, name) before the
 * script runs; the script goes to the database whole (the connection's `executeScript`, the call the
 * engine makes: one simple-protocol query on PostgreSQL, which runs it as one implicit transaction;
 * statement by statement on SQLite); then the step count and finished_at are set, or on failure the
 * logs, and nothing after it runs. Timestamps are the client's clock in UTC, written as the engine
 * writes them through the adapters.
 */

const TABLE = '_prisma_migrations';

/** A migration to apply: its folder's name and script, in the history's order. */
export type PendingMigration = Pick<LocalMigration, 'name' | 'dir' | 'script'>;

/** The engine's timestamp text through the driver adapters (what SQLite stores and PostgreSQL parses). */
export function adapterTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

function placeholders(connection: SqlDriverAdapter, count: number): string[] {
  return Array.from({ length: count }, (_, i) => (connection.provider === 'sqlite' ? '?' : `$${i + 1}`));
}

async function write(connection: SqlDriverAdapter, sql: (p: string[]) => string, args: Array<string>): Promise<void> {
  await connection.executeRaw({
    sql: sql(placeholders(connection, args.length)),
    args,
    argTypes: args.map(() => ({ scalarType: 'string' as const, arity: 'scalar' as const })),
  });
}

/** A migration whose script succeeded and whose end is recorded with the next one's start, in one commit. */
interface Finished {
  id: string;
  at: string;
}

const FINISH = (p: string[]) => `UPDATE ${TABLE} SET applied_steps_count = applied_steps_count + 1, finished_at = ${p[0]} WHERE id = ${p[1]}`;
const START = (p: string[]) => `INSERT INTO ${TABLE} (id, checksum, started_at, migration_name) VALUES (${p.join(', ')})`;

/** SQLite's string literal: quotes doubled is the whole escaping (no backslash escapes). */
const sqliteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Records a migration as started, and the one before it as finished if one is waiting: one statement
 * on PostgreSQL (a data-modifying WITH), one transaction on SQLite, so one commit and one round trip
 * per migration for the bookkeeping. The end state is the engine's (its two updates set the same columns).
 */
async function recordStart(connection: SqlDriverAdapter, started: string[], finished: Finished | undefined): Promise<void> {
  if (finished === undefined) return write(connection, START, started);
  const finishArgs = [finished.at, finished.id];
  if (connection.provider === 'sqlite') {
    const literals = (args: string[]) => args.map(sqliteLiteral);
    await connection.executeScript(`BEGIN; ${FINISH(literals(finishArgs))}; ${START(literals(started))}; COMMIT;`);
    return;
  }
  await write(connection, (p) => `WITH finished AS (${FINISH(p.slice(0, 2))}) ${START(p.slice(2))}`, [...finishArgs, ...started]);
}

/**
 * Runs `pending` in order, recording each in `_prisma_migrations`; resolves with the names applied. A
 * failing script is recorded as failed with Prisma's P3018 text in `logs` and throws `migrationFailed`;
 * an error of the connection itself (the database went away) is thrown as `unreachable`, for the caller
 * to tell how the history recorded the migration whose record is in doubt, which `onStart` last named.
 */
export async function applyMigrationScripts(
  connection: SqlDriverAdapter,
  pending: readonly PendingMigration[],
  progress: ApplyProgress & { onStart?(name: string): void },
): Promise<string[]> {
  const applied: string[] = [];
  let finished: Finished | undefined;
  const recordFinished = async () => {
    if (finished !== undefined) await write(connection, FINISH, [finished.at, finished.id]).catch((error: unknown) => Promise.reject(connectionError(error)));
    finished = undefined;
  };
  for (const [index, migration] of pending.entries()) {
    if (progress.signal?.aborted) {
      await recordFinished();
      throw new MigrateError('cancelled', `Cancelled after ${applied.length} of ${pending.length} migrations; the rest were not started.`);
    }
    if (migration.script === null) {
      await recordFinished();
      const file = `${migration.dir}/${MIGRATION_FILE}`;
      throw new MigrateError('migrationsFolder', `Could not find the migration file at ${file}. Please delete the directory or restore the migration file.`, {
        migration: migration.name,
        file,
      });
    }
    progress.onMigrationStart?.(migration.name, index, pending.length);
    const id = randomUUID();
    await recordStart(connection, [id, migrationChecksum(migration.script), adapterTimestamp(new Date()), migration.name], finished).catch(
      (error: unknown) => Promise.reject(connectionError(error)),
    );
    finished = undefined;
    progress.onStart?.(migration.name);
    try {
      await (progress.runScript ? progress.runScript(connection, migration.script) : connection.executeScript(migration.script));
    } catch (error) {
      const failure = databaseFailure(error);
      if (failure === undefined) throw connectionError(error);
      // A connection that fails to record the failure has failed itself: its error is the one to report.
      await write(connection, (p) => `UPDATE ${TABLE} SET logs = ${p[0]} WHERE id = ${p[1]}`, [
        prismaFailureLogs(migration.name, failure.code, failure.message),
        id,
      ]).catch((recordError: unknown) => Promise.reject(connectionError(recordError)));
      throw new MigrateError('migrationFailed', `Migration ${migration.name} failed: ${failure.message}`, { cause: error, migration: migration.name });
    }
    finished = { id, at: adapterTimestamp(new Date()) };
    applied.push(migration.name);
  }
  await recordFinished();
  return applied;
}

/** What the database said about a failing script: its own code and words. */
export interface DatabaseFailure {
  code: string;
  message: string;
}

interface AdapterCause {
  kind: string;
  originalCode?: unknown;
  originalMessage?: unknown;
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  hint?: unknown;
}

/** Adapter error kinds that say the connection failed, not the statement. */
const CONNECTION_KINDS = new Set(['ConnectionClosed', 'SocketTimeout', 'DatabaseNotReachable', 'TlsConnectionError', 'TooManyConnections']);
/** SQLSTATE classes of a connection that failed or was ended under the statement (08 connection exception, 57 operator intervention). */
const CONNECTION_SQLSTATE = /^(08|57)/;

function adapterCause(error: unknown): AdapterCause | undefined {
  return isAdapterError(error) ? (error.cause as AdapterCause) : undefined;
}

/**
 * The database's error behind a driver adapter error, or undefined for an error that is not the
 * script's (a lost connection, a timeout, a busy file): those leave the migration's outcome unknown.
 */
export function databaseFailure(error: unknown): DatabaseFailure | undefined {
  const cause = adapterCause(error);
  if (cause === undefined || CONNECTION_KINDS.has(cause.kind)) return undefined;
  const code = cause.originalCode ?? cause.code;
  const message = cause.originalMessage ?? cause.message;
  if (typeof message !== 'string' || (typeof code !== 'string' && typeof code !== 'number')) return undefined;
  if (CONNECTION_SQLSTATE.test(String(code))) return undefined;
  const extra = [cause.detail, cause.hint].filter((line): line is string => typeof line === 'string' && line !== '');
  return { code: String(code), message: [message, ...extra].join('\n') };
}

/** An adapter's error of the connection itself in words (its kind alone says little), as `unreachable`; any other error unchanged. */
function connectionError(error: unknown): unknown {
  const cause = adapterCause(error);
  // SQLite's busy file (libsql says SocketTimeout with SQLite's code) is another process's lock, not a lost connection.
  if (cause === undefined || (cause.kind === 'SocketTimeout' && cause.originalCode !== undefined)) return error;
  const words = [cause.originalMessage, cause.message].find((text) => typeof text === 'string') ?? cause.kind;
  return new MigrateError('unreachable', String(words), { cause: error });
}

/**
 * The `logs` text Prisma writes for a failed migration: the P3018 message (ApplyMigrationError in
 * libs/user-facing-errors/src/schema_engine.rs) and a newline. Prisma appends a tracing span trace that
 * depends on the engine build; it is left out, as rows written by other builds lack it too.
 */
export function prismaFailureLogs(migrationName: string, code: string, databaseError: string): string {
  return (
    'A migration failed to apply. New migrations cannot be applied before the error is recovered from. ' +
    'Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n' +
    `Migration name: ${migrationName}\n\n` +
    `Database error code: ${code}\n\n` +
    `Database error:\n${databaseError}\n\n`
  );
}

/**
 * Whether the database holds nothing at all, so that creating `_prisma_migrations` in it is what the
 * engine would do. The engine refuses (P3005) a database with tables and no history; anything this
 * cannot rule out (a view, a type, a function, a missing schema) is left to the engine to decide.
 */
export async function isProvablyEmpty(connection: SqlDriverAdapter): Promise<boolean> {
  const sql =
    connection.provider === 'sqlite'
      ? `SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`
      : `SELECT CASE WHEN current_schema() IS NULL THEN 1 ELSE
           (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema')
         + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0)
         + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema')
         END`;
  const result = await connection.queryRaw({ sql, args: [], argTypes: [] });
  return Number(result.rows[0]?.[0]) === 0;
}
