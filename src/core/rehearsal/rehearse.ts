import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { databaseFailure } from '../engine/applyScripts';
import { MigrationEngine } from '../engine/migrationEngine';
import { MigrateError } from '../errors';
import { quoteIdentifier, type SqlStatement, splitStatements } from '../lint/sqlStatements';
import type { MigrationsFolder } from '../migrations/folder';
import { migrationStatuses, pendingMigrations } from '../migrations/history';
import type { PrismaProject } from '../types';
import type { CopyMethod, DatabaseCopy } from './databaseCopy';
import { type LockMode, lockModeName, lockStrength, predictedLocks } from './statementLocks';

/** A table lock a statement took: read from `pg_locks` inside its transaction, or predicted from the statement. */
export interface StatementLock {
  table: string;
  mode: LockMode;
  /** Rows the table held when the migration started; null for a table the migration created. */
  rows: number | null;
  /** Read from pg_locks; taken before in the same transaction (the mode held); predicted from the kind of statement. */
  seen: 'pg_locks' | 'already held' | 'statement';
}

export interface RehearsedStatement {
  line: number;
  sql: string;
  ms: number;
  locks: StatementLock[];
  failed: boolean;
}

export interface TableRows {
  table: string;
  /** null: the table did not exist before (or no longer exists after). */
  before: number | null;
  after: number | null;
}

/** A lock held from the statement that took it until the migration's transaction committed. */
export interface HeldLock {
  table: string;
  mode: LockMode;
  ms: number;
}

export interface RehearsedMigration {
  name: string;
  status: 'applied' | 'failed' | 'not run';
  ms: number;
  /** Whether the script ran in one transaction (PostgreSQL), so its locks were held until it ended. */
  transaction: boolean;
  statements: RehearsedStatement[];
  rows: TableRows[];
  held: HeldLock[];
  error?: { code: string; message: string; line?: number };
}

export interface RehearsalReport {
  /** The database that was copied (never a password), and was not written. */
  database: string;
  copy: { method: CopyMethod; bytes: number; ms: number };
  outcome: 'nothing pending' | 'applied' | 'failed';
  migrations: RehearsedMigration[];
  ms: number;
}

export interface RehearsalOptions {
  onMigrationStart?(name: string, index: number, total: number): void;
  signal?: AbortSignal;
}

/**
 * Applies the migrations the copy has not applied, as `apply` would (Prisma's bookkeeping, its checks),
 * but statement by statement, timing each and reading the locks it took and the rows of the tables
 * involved. A PostgreSQL script runs in one transaction as Prisma's single simple-protocol query does, so
 * the locks each statement took are still held and can be read; a script that manages its own
 * transactions, and SQLite, get the locks their statements take by their kind.
 */
export async function rehearse(project: PrismaProject, folder: MigrationsFolder, copy: DatabaseCopy, options: RehearsalOptions = {}): Promise<RehearsalReport> {
  const started = performance.now();
  const provider = copy.database.provider;
  const engine = new MigrationEngine({ database: copy.database, schemaFiles: project.engineSchemaFiles, configDir: project.root });
  const report = (outcome: RehearsalReport['outcome'], migrations: RehearsedMigration[]): RehearsalReport => ({
    database: copy.original,
    copy: { method: copy.method, bytes: copy.bytes, ms: copy.copyMs },
    outcome,
    migrations,
    ms: performance.now() - started,
  });
  try {
    const pending = pendingMigrations(migrationStatuses(folder.migrations, (await engine.readMigrationRows()) ?? []));
    if (pending.length === 0) return report('nothing pending', []);
    const migrations: RehearsedMigration[] = pending.map((name) => ({ name, status: 'not run', ms: 0, transaction: false, statements: [], rows: [], held: [] }));
    let current: RehearsedMigration | undefined;
    let counted: Map<string, number> | undefined;
    try {
      await engine.applyPending(folder, {
        signal: options.signal,
        onMigrationStart: (name, index, total) => {
          current = migrations.find((m) => m.name === name);
          options.onMigrationStart?.(name, index, total);
        },
        runScript: async (connection, script) => {
          if (current === undefined) throw new Error('a migration ran that was not pending');
          // What one migration leaves, the next one starts from: each table is counted once between two migrations.
          counted = await runTimed(connection, provider, script, current, counted ?? (await tableRows(connection, provider)));
        },
      });
    } catch (error) {
      if (!(error instanceof MigrateError && error.kind === 'migrationFailed' && current?.error)) throw error;
      return report('failed', migrations);
    }
    return report('applied', migrations);
  } finally {
    await engine.dispose();
  }
}

/** Statements a transaction block refuses: run on their own, they run outside one (as Prisma sends a one-statement script). */
const OUTSIDE_TRANSACTION = /^(?:CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY|DROP\s+INDEX\s+CONCURRENTLY|REINDEX\b.*\bCONCURRENTLY|VACUUM|CREATE\s+DATABASE|DROP\s+DATABASE|ALTER\s+SYSTEM)\b/is;
const TRANSACTION_CONTROL = /^(?:BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

/**
 * Prisma sends a PostgreSQL script as one simple-protocol query, which PostgreSQL runs as one implicit
 * transaction unless the script manages its own; a lone statement that refuses transactions runs alone.
 */
function runsInTransaction(provider: 'sqlite' | 'postgresql', statements: readonly SqlStatement[]): boolean {
  if (provider !== 'postgresql' || statements.some((s) => TRANSACTION_CONTROL.test(s.text.trim()))) return false;
  return !(statements.length === 1 && OUTSIDE_TRANSACTION.test(statements[0]!.text.trim()));
}

/** Runs a migration's script statement by statement, filling `migration` in; resolves with the rows of the tables after it. */
async function runTimed(
  connection: SqlDriverAdapter,
  provider: 'sqlite' | 'postgresql',
  script: string,
  migration: RehearsedMigration,
  before: ReadonlyMap<string, number>,
): Promise<Map<string, number>> {
  const started = performance.now();
  const statements = splitStatements(script).statements;
  const transaction = runsInTransaction(provider, statements);
  migration.transaction = transaction;
  const rowsOf = (table: string) => before.get(table) ?? null;
  const acquired = new Map<string, { mode: LockMode; at: number }>();
  try {
    if (transaction) await connection.executeScript('BEGIN');
    for (const statement of statements) {
      const rehearsed: RehearsedStatement = { line: statement.line, sql: statement.text, ms: 0, locks: [], failed: false };
      migration.statements.push(rehearsed);
      const statementStart = performance.now();
      try {
        await connection.executeScript(statement.text);
      } catch (error) {
        rehearsed.ms = performance.now() - statementStart;
        rehearsed.failed = true;
        const failure = databaseFailure(error);
        if (failure) migration.error = { ...failure, line: statement.line };
        throw error;
      }
      rehearsed.ms = performance.now() - statementStart;
      const observed = transaction ? newLocks(await heldLocks(connection), acquired, statementStart) : [];
      rehearsed.locks = statementLocks(provider, statement, observed, acquired).map((lock) => ({ ...lock, rows: rowsOf(lock.table) }));
    }
    if (transaction) await connection.executeScript('COMMIT');
  } catch (error) {
    migration.status = 'failed';
    migration.ms = performance.now() - started;
    if (transaction) await connection.executeScript('ROLLBACK').catch(() => undefined);
    throw error;
  }
  const ended = performance.now();
  migration.status = 'applied';
  migration.ms = ended - started;
  migration.held = [...acquired].map(([table, lock]) => ({ table, mode: lock.mode, ms: ended - lock.at }));
  const after = await tableRows(connection, provider);
  migration.rows = [...new Set([...before.keys(), ...after.keys()])]
    .sort()
    .map((table) => ({ table, before: before.get(table) ?? null, after: after.get(table) ?? null }));
  return after;
}

/**
 * What the statement locked: what pg_locks showed it take, and the tables it names whose lock the
 * transaction already held; outside a transaction (or a table pg_locks no longer shows, one it dropped),
 * the lock its kind takes.
 */
function statementLocks(
  provider: 'sqlite' | 'postgresql',
  statement: SqlStatement,
  observed: ReadonlyArray<{ table: string; mode: LockMode }>,
  acquired: ReadonlyMap<string, { mode: LockMode }>,
): Array<Omit<StatementLock, 'rows'>> {
  const locks: Array<Omit<StatementLock, 'rows'>> = observed.map((lock) => ({ ...lock, seen: 'pg_locks' }));
  for (const predicted of predictedLocks(provider, statement)) {
    if (locks.some((lock) => lock.table === predicted.table)) continue;
    const held = acquired.get(predicted.table);
    locks.push(held ? { table: predicted.table, mode: held.mode, seen: 'already held' } : { ...predicted, seen: 'statement' });
  }
  return locks;
}

/** The locks now held that are new or stronger than the ones held before; `acquired` is updated. */
function newLocks(held: Map<string, LockMode>, acquired: Map<string, { mode: LockMode; at: number }>, at: number): Array<{ table: string; mode: LockMode }> {
  const fresh: Array<{ table: string; mode: LockMode }> = [];
  for (const [table, mode] of held) {
    const earlier = acquired.get(table);
    if (earlier !== undefined && lockStrength(earlier.mode) >= lockStrength(mode)) continue;
    acquired.set(table, { mode, at: earlier?.at ?? at });
    fresh.push({ table, mode });
  }
  return fresh;
}

/** Relations of the user's schemas (`n` their namespace), PostgreSQL's own aside. */
export const USER_RELATIONS = String.raw`n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'`;
/** The user's tables (`c`), the migrations table aside: what the report counts and names. */
const USER_TABLES = `${USER_RELATIONS} AND c.relname <> '_prisma_migrations'`;

/** A table as the report names it: unqualified in the connection's own schema, as migrations usually write it. */
const PG_TABLE_NAME = `CASE WHEN n.nspname = current_schema() THEN c.relname ELSE n.nspname || '.' || c.relname END`;

/** The strongest lock this session holds on each table (the view `pg_locks`, granted ones). */
async function heldLocks(connection: SqlDriverAdapter): Promise<Map<string, LockMode>> {
  const result = await connection.queryRaw({
    sql: `SELECT ${PG_TABLE_NAME}, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND c.relkind IN ('r', 'p', 'm') AND ${USER_TABLES}`,
    args: [],
    argTypes: [],
  });
  const held = new Map<string, LockMode>();
  for (const [table, pgMode] of result.rows as Array<[string, string]>) {
    const mode = lockModeName(pgMode);
    const known = held.get(table);
    if (known === undefined || lockStrength(mode) > lockStrength(known)) held.set(table, mode);
  }
  return held;
}

/** Every user table's row count (the migrations table aside), by the names the report uses. */
async function tableRows(connection: SqlDriverAdapter, provider: 'sqlite' | 'postgresql'): Promise<Map<string, number>> {
  const query = async (sql: string) => (await connection.queryRaw({ sql, args: [], argTypes: [] })).rows as unknown[][];
  const tables =
    provider === 'sqlite'
      ? (await query(String.raw`SELECT name, name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> '_prisma_migrations'`)).map(
          ([name]) => ({ name: String(name), from: quoteIdentifier(String(name)) }),
        )
      : (
          await query(
            `SELECT ${PG_TABLE_NAME}, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${USER_TABLES}`,
          )
        ).map(([name, schema, relation]) => ({ name: String(name), from: `${quoteIdentifier(String(schema))}.${quoteIdentifier(String(relation))}` }));
  const counts = new Map<string, number>();
  if (tables.length === 0) return counts;
  const rows = await query(tables.map((table, index) => `SELECT ${index} AS i, count(*) AS n FROM ${table.from}`).join(' UNION ALL '));
  for (const [index, count] of rows) counts.set(tables[Number(index)]!.name, Number(count));
  return counts;
}
