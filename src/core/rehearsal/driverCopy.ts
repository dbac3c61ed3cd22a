import pg from 'pg';
import { openPostgres } from '../db/postgres';
import { connectClient, type PostgresTarget, withDatabase } from '../db/postgresServer';
import { MigrationEngine } from '../engine/migrationEngine';
import { MigrateError } from '../errors';
import { historyPrefix } from '../operations/historyStates';
import type { MigrationsFolder } from '../migrations/folder';
import { appliedMigrations, migrationStatuses } from '../migrations/history';
import { readMigrationRows } from '../engine/migrationsTable';
import type { MigrationRow, PrismaProject } from '../types';
import { USER_RELATIONS } from './rehearse';

/** Rows fetched and written at a time: a batch is one JSON parameter, well under the protocol's limits. */
const BATCH_ROWS = 1000;

/** Everything the copy must reproduce of the original's structure, one line each, for a comparison that names what differs. */
const STRUCTURE = `
  SELECT 'column ' || table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
    FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
  UNION ALL SELECT 'index ' || schemaname || '.' || indexname FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
  UNION ALL SELECT 'constraint ' || n.nspname || '.' || c.conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE ${USER_RELATIONS}`;

/**
 * The copy PostgreSQL refuses to make as a template while the original has sessions, made through the
 * driver instead: the history the original applied is replayed in the new database `name` (which must
 * exist, empty), its structure compared with the original's (drift cannot be copied this way: refused,
 * naming it), then every table's rows, `_prisma_migrations` included, and the sequences' positions are
 * copied from one read-only snapshot of the original.
 */
export async function copyThroughDriver(project: PrismaProject, folder: MigrationsFolder, original: PostgresTarget, name: string, extensions: string[]): Promise<void> {
  const source = await connectClient(original);
  try {
    // One snapshot for every read, and a session that cannot write.
    await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await replayApplied(project, folder, source, withDatabase(original, name), extensions);
    const copy = await connectClient(withDatabase(original, name));
    try {
      await requireSameStructure(source, copy, original);
      await copyRows(source, copy);
    } finally {
      await copy.end();
    }
  } finally {
    await source.end().catch(() => undefined);
  }
}

/** The migrations the original applied, replayed in the copy as Prisma applies them. */
async function replayApplied(project: PrismaProject, folder: MigrationsFolder, source: pg.Client, target: PostgresTarget, extensions: string[]): Promise<void> {
  const recorded = await source.query<{ exists: boolean }>(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists`);
  if (!recorded.rows[0]?.exists) throw new MigrateError('state', 'The original has no _prisma_migrations table, so no history to replay to copy it. Close its other sessions so that PostgreSQL can copy it whole.');
  const history = await source.query<MigrationRow>(
    `SELECT id, checksum, migration_name AS "migrationName", started_at AS "startedAt", finished_at AS "finishedAt",
            rolled_back_at AS "rolledBackAt", logs, applied_steps_count AS "appliedStepsCount"
       FROM _prisma_migrations`,
  );
  const statuses = migrationStatuses(folder.migrations, history.rows);
  const missing = statuses.find((s) => s.status === 'missingLocally' || s.status === 'failed');
  if (missing) {
    throw new MigrateError('state', `${missing.name} is ${missing.status === 'failed' ? 'failed' : 'applied but missing locally'} in the original: its history cannot be replayed to copy it. Close the original's other sessions so that PostgreSQL can copy it whole.`);
  }
  const applied = new Set(appliedMigrations(statuses));
  const count = folder.migrations.filter((m) => applied.has(m.name)).length;
  if (folder.migrations.slice(0, count).some((m) => !applied.has(m.name))) {
    throw new MigrateError('state', 'The original applied its migrations in another order than the folder lists them: its history cannot be replayed to copy it. Close its other sessions so that PostgreSQL can copy it whole.');
  }
  const engine = new MigrationEngine({ database: await openPostgres(target.url, { extensions }), schemaFiles: project.engineSchemaFiles, configDir: project.root });
  try {
    await engine.applyPending(historyPrefix(folder, count));
    const connection = await engine.database.factory.mainConnection();
    // The original's own history rows replace the replay's.
    if ((await readMigrationRows(connection)) !== null) await connection.executeScript('TRUNCATE _prisma_migrations');
  } finally {
    await engine.dispose();
  }
}

async function structure(client: pg.Client): Promise<Set<string>> {
  return new Set((await client.query<{ line: string }>(`SELECT line FROM (${STRUCTURE}) AS s(line)`)).rows.map((r) => r.line));
}

async function requireSameStructure(source: pg.Client, copy: pg.Client, original: PostgresTarget): Promise<void> {
  const [theirs, ours] = await Promise.all([structure(source), structure(copy)]);
  const differences = [...[...theirs].filter((line) => !ours.has(line)).map((line) => `only in the original: ${line}`), ...[...ours].filter((line) => !theirs.has(line)).map((line) => `only in its history: ${line}`)];
  if (differences.length === 0) return;
  throw new MigrateError(
    'state',
    `${original.display} differs from the history it applied (drift), so it cannot be rebuilt from it while its other sessions keep PostgreSQL from copying it whole: ${differences.slice(0, 3).join('; ')}${differences.length > 3 ? `; and ${differences.length - 3} more` : ''}. Close its other sessions and rehearse again.`,
  );
}

interface Table {
  schema: string;
  name: string;
  /** Columns a row is written with: generated ones are computed by the copy. */
  columns: string[];
  /** It has an identity column the copy would otherwise number itself. */
  identity: boolean;
}

const quote = (name: string) => pg.escapeIdentifier(name);
const qualified = (table: Table) => `${quote(table.schema)}.${quote(table.name)}`;

/**
 * Every table's rows, in an order that writes the rows a foreign key points to first; foreign keys and
 * triggers are switched off for the copy's session where the user may (`session_replication_role`), which
 * also lets a cycle of foreign keys be copied.
 */
async function copyRows(source: pg.Client, copy: pg.Client): Promise<void> {
  const tables = (
    await source.query<{ schema: string; name: string; columns: string[]; identity: boolean }>(`
      SELECT n.nspname AS schema, c.relname AS name,
             array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE a.attgenerated = '') AS columns,
             bool_or(a.attidentity = 'a') AS identity
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${USER_RELATIONS}
       GROUP BY n.nspname, c.relname`)
  ).rows;
  const references = (
    await source.query<{ from: string; to: string }>(`
      SELECT fn.nspname || '.' || f.relname AS from, tn.nspname || '.' || t.relname AS to
        FROM pg_constraint c
        JOIN pg_class f ON f.oid = c.conrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace
        JOIN pg_class t ON t.oid = c.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
       WHERE c.contype = 'f' AND c.conrelid <> c.confrelid`)
  ).rows;
  await copy.query('BEGIN');
  try {
    await copy.query('SET LOCAL session_replication_role = replica').catch(async () => {
      await copy.query('ROLLBACK');
      await copy.query('BEGIN');
    });
    for (const table of referencedFirst(tables, references)) await copyTable(source, copy, table);
    await copySequences(source, copy);
    await copy.query('COMMIT');
  } catch (error) {
    await copy.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Tables ordered so that each comes after the tables its foreign keys point to (a cycle keeps its order). */
function referencedFirst(tables: readonly Table[], references: ReadonlyArray<{ from: string; to: string }>): Table[] {
  const key = (table: Table) => `${table.schema}.${table.name}`;
  const byKey = new Map(tables.map((table) => [key(table), table]));
  const ordered: Table[] = [];
  const visiting = new Set<Table>();
  const visit = (table: Table | undefined) => {
    if (!table || ordered.includes(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const reference of references) if (reference.from === key(table)) visit(byKey.get(reference.to));
    ordered.push(table);
  };
  for (const table of tables) visit(table);
  return ordered;
}

async function copyTable(source: pg.Client, copy: pg.Client, table: Table): Promise<void> {
  const columns = table.columns.map(quote).join(', ');
  await source.query(`DECLARE rehearsal_rows NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS row FROM (SELECT ${columns} FROM ${qualified(table)}) t`);
  try {
    // Rows as JSON and back through json_populate_recordset: PostgreSQL converts every type itself.
    const insert = `INSERT INTO ${qualified(table)} (${columns}) ${table.identity ? 'OVERRIDING SYSTEM VALUE ' : ''}SELECT ${columns} FROM json_populate_recordset(NULL::${qualified(table)}, $1::json)`;
    for (;;) {
      const batch = await source.query<{ row: string }>(`FETCH ${BATCH_ROWS} FROM rehearsal_rows`);
      if (batch.rows.length === 0) break;
      await copy.query(insert, [`[${batch.rows.map((r) => r.row).join(',')}]`]);
    }
  } finally {
    await source.query('CLOSE rehearsal_rows');
  }
}

/** Each sequence continues where the original's is, so the next row numbered in the copy is the next one there. */
async function copySequences(source: pg.Client, copy: pg.Client): Promise<void> {
  const sequences = await source.query<{ name: string; value: string | null }>(
    `SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) AS name, last_value::text AS value FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
  );
  for (const { name, value } of sequences.rows) {
    if (value !== null) await copy.query('SELECT setval($1::regclass, $2::bigint, true)', [name, value]);
  }
}
