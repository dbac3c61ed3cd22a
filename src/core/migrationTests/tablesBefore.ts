import type { ReplayCacheOptions } from '../db/replayCache';
import type { EngineDatabase } from '../db/target';
import type { MigrationEngine } from '../engine/migrationEngine';
import { MigrateError } from '../errors';
import type { MigrationsFolder } from '../migrations/folder';
import { historyPrefix, positionOf, replayedHistory } from '../operations/historyStates';
import type { PrismaProject } from '../types';
import type { TableName } from './dataChanges';
import type { ColumnBefore, ForeignKeyBefore, TableBefore } from './scaffold';

/**
 * The tables as the history before `migration` leaves them: their columns, primary keys and foreign keys,
 * read from a scratch database the history prefix is replayed on (through the replay cache; on `server`
 * when it offers temporary databases). Prisma's own `_prisma_migrations` table is left out.
 */
export async function readTablesBefore(
  project: PrismaProject,
  folder: MigrationsFolder,
  migration: string,
  options: { server?: EngineDatabase; cache?: ReplayCacheOptions } = {},
): Promise<TableBefore[]> {
  if (project.provider !== 'sqlite' && project.provider !== 'postgresql') {
    throw new MigrateError('unsupported', `Reading the tables before a migration needs Prisma's schema engine, which this build cannot run for ${project.provider}.`);
  }
  const index = positionOf(folder, migration);
  if (index === 0) return [];
  const { engine } = await replayedHistory(project, historyPrefix(folder, index), 'Migration test scaffolds', options.cache, options.server);
  try {
    return project.provider === 'sqlite' ? await sqliteTables(engine) : await postgresTables(engine);
  } finally {
    await engine.dispose().catch(() => undefined);
  }
}

const text = (value: unknown) => String(value ?? '');
const truthy = (value: unknown) => value === true || value === 1 || value === '1' || value === 't' || value === 1n;

function tableIn(tables: Map<string, TableBefore>, table: TableName): TableBefore {
  const key = `${table.schema ?? ''}.${table.name}`;
  let found = tables.get(key);
  if (!found) tables.set(key, (found = { table, columns: [], primaryKey: [], foreignKeys: [] }));
  return found;
}

async function sqliteTables(engine: MigrationEngine): Promise<TableBefore[]> {
  const tables = new Map<string, TableBefore>();
  const USER_TABLES = `m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name <> '_prisma_migrations'`;
  // table_xinfo lists generated columns too (hidden 2 and 3), which cannot be written.
  const columns = await engine.queryRows(
    `SELECT m.name AS tbl, p.name AS col, p.type AS type, p."notnull" AS not_null, p.pk AS pk, p.hidden AS hidden FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p WHERE ${USER_TABLES} ORDER BY m.name, p.cid`,
  );
  const keys: Array<{ table: TableBefore; column: string; position: number }> = [];
  for (const row of columns) {
    const table = tableIn(tables, { name: text(row.tbl) });
    const column: ColumnBefore = { name: text(row.col), type: text(row.type), notNull: truthy(row.not_null) || Number(row.pk) > 0 };
    if (Number(row.hidden) >= 2) column.generated = true;
    table.columns.push(column);
    if (Number(row.pk) > 0) keys.push({ table, column: column.name, position: Number(row.pk) });
  }
  for (const key of keys.sort((a, b) => a.position - b.position)) key.table.primaryKey.push(key.column);
  const foreignKeys = await engine.queryRows(
    `SELECT m.name AS tbl, f.id AS id, f."table" AS ref, f."from" AS col, f."to" AS refcol FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE ${USER_TABLES} ORDER BY m.name, f.id, f.seq`,
  );
  addForeignKeys(tables, foreignKeys, (row) => ({ name: text(row.tbl) }), (row) => ({ name: text(row.ref) }));
  return [...tables.values()];
}

const USER_SCHEMAS = `NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`;

async function postgresTables(engine: MigrationEngine): Promise<TableBefore[]> {
  const tables = new Map<string, TableBefore>();
  const enums = new Map<string, string[]>();
  for (const row of await engine.queryRows(`SELECT t.typname::text AS type, e.enumlabel::text AS label FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid ORDER BY t.typname, e.enumsortorder`)) {
    enums.set(text(row.type), [...(enums.get(text(row.type)) ?? []), text(row.label)]);
  }
  const columns = await engine.queryRows(
    `SELECT c.table_schema::text AS sch, c.table_name::text AS tbl, c.column_name::text AS col, c.udt_name::text AS type, c.data_type::text AS data_type,
            (c.is_nullable = 'NO') AS not_null, (c.is_generated = 'ALWAYS' OR c.identity_generation = 'ALWAYS') AS generated,
            (c.is_identity = 'YES' OR c.column_default LIKE 'nextval(%') AS auto_increment, c.character_maximum_length AS max_length
     FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE t.table_type = 'BASE TABLE' AND c.table_schema ${USER_SCHEMAS} AND c.table_name <> '_prisma_migrations'
     ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
  );
  // Tables on the search path go by their names alone, as migrations name them.
  const [{ schema: searched } = {}] = await engine.queryRows('SELECT current_schema()::text AS schema');
  const tableOf = (schema: unknown, name: unknown): TableName => (text(schema) === text(searched) ? { name: text(name) } : { schema: text(schema), name: text(name) });
  for (const row of columns) {
    const column: ColumnBefore = { name: text(row.col), type: text(row.type), notNull: truthy(row.not_null) };
    if (truthy(row.generated)) column.generated = true;
    if (truthy(row.auto_increment)) column.autoIncrement = true;
    if (row.max_length !== null && row.max_length !== undefined) column.maxLength = Number(row.max_length);
    if (text(row.data_type) === 'USER-DEFINED' && enums.has(column.type)) column.enumValues = enums.get(column.type);
    tableIn(tables, tableOf(row.sch, row.tbl)).columns.push(column);
  }
  const keys = await engine.queryRows(
    `SELECT k.table_schema::text AS sch, k.table_name::text AS tbl, k.column_name::text AS col
     FROM information_schema.table_constraints c JOIN information_schema.key_column_usage k ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name AND k.table_name = c.table_name
     WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema ${USER_SCHEMAS}
     ORDER BY k.table_schema, k.table_name, k.ordinal_position`,
  );
  for (const row of keys) tableIn(tables, tableOf(row.sch, row.tbl)).primaryKey.push(text(row.col));
  const foreignKeys = await engine.queryRows(
    `SELECT n.nspname::text AS sch, c.relname::text AS tbl, con.oid::text AS id, fn.nspname::text AS ref_sch, fc.relname::text AS ref, a.attname::text AS col, fa.attname::text AS refcol
     FROM pg_constraint con
     JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_class fc ON fc.oid = con.confrelid JOIN pg_namespace fn ON fn.oid = fc.relnamespace
     CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, ref_attnum, position)
     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
     JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.ref_attnum
     WHERE con.contype = 'f' AND n.nspname ${USER_SCHEMAS}
     ORDER BY n.nspname, c.relname, con.oid, k.position`,
  );
  addForeignKeys(tables, foreignKeys, (row) => tableOf(row.sch, row.tbl), (row) => tableOf(row.ref_sch, row.ref));
  return [...tables.values()];
}

/** Foreign keys from rows of (table, constraint id, referenced table, column, referenced column), in column order. */
function addForeignKeys(
  tables: Map<string, TableBefore>,
  rows: ReadonlyArray<Record<string, unknown>>,
  tableOf: (row: Record<string, unknown>) => TableName,
  referencedOf: (row: Record<string, unknown>) => TableName,
): void {
  const byConstraint = new Map<string, ForeignKeyBefore>();
  for (const row of rows) {
    const table = tableIn(tables, tableOf(row));
    const key = `${table.table.schema ?? ''}.${table.table.name}\0${text(row.id)}`;
    let fk = byConstraint.get(key);
    if (!fk) {
      byConstraint.set(key, (fk = { columns: [], table: referencedOf(row), references: [] }));
      table.foreignKeys.push(fk);
    }
    fk.columns.push(text(row.col));
    // SQLite leaves `to` NULL for a reference to the primary key.
    if (row.refcol !== null && row.refcol !== undefined) fk.references.push(text(row.refcol));
  }
}
