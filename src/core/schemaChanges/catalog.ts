import type { MigrationEngine } from '../engine/migrationEngine';
import { columnList } from './migrationSteps';

export interface CatalogTable {
  columns: Map<string, { type: string; notNull: boolean }>;
  primaryKey: string[];
}

export interface CatalogIndex {
  name: string;
  table: string;
  unique: boolean;
  primaryKey: boolean;
  columns: string[];
  /** The database's own definition (`CREATE INDEX … USING gin …`), for saying what a dropped index was. */
  definition: string;
}

/**
 * What the database a migration would run on holds, in the database's words: what the engine's SQL
 * leaves implicit (which table an index belongs to, what a SQLite redefinition replaces) is read here.
 */
export interface Catalog {
  tables: Map<string, CatalogTable>;
  indexes: Map<string, CatalogIndex>;
  enums: Map<string, string[]>;
}

export const EMPTY_CATALOG: Catalog = { tables: new Map(), indexes: new Map(), enums: new Map() };

const USER_SCHEMAS = `NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`;

export async function readCatalog(engine: MigrationEngine): Promise<Catalog> {
  return engine.provider === 'sqlite' ? sqliteCatalog(engine) : postgresCatalog(engine);
}

const text = (value: unknown) => String(value ?? '');
const truthy = (value: unknown) => value === true || value === 1 || value === '1' || value === 't' || value === 1n;

async function postgresCatalog(engine: MigrationEngine): Promise<Catalog> {
  const catalog: Catalog = { tables: new Map(), indexes: new Map(), enums: new Map() };
  const columns = await engine.queryRows(
    `SELECT table_name::text AS tbl, column_name::text AS col, udt_name::text AS type, (is_nullable = 'NO') AS not_null FROM information_schema.columns WHERE table_schema ${USER_SCHEMAS} ORDER BY ordinal_position`,
  );
  for (const row of columns) tableIn(catalog, text(row.tbl)).columns.set(text(row.col), { type: text(row.type), notNull: truthy(row.not_null) });
  const indexes = await engine.queryRows(
    `SELECT c.relname::text AS idx, t.relname::text AS tbl, i.indisunique AS is_unique, i.indisprimary AS is_primary, pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname ${USER_SCHEMAS}`,
  );
  for (const row of indexes) {
    const definition = text(row.def);
    const list = /\((.*)\)(?:\s+WHERE\s+.*)?$/.exec(definition)?.[1] ?? '';
    const index: CatalogIndex = { name: text(row.idx), table: text(row.tbl), unique: truthy(row.is_unique), primaryKey: truthy(row.is_primary), columns: columnList(list), definition };
    catalog.indexes.set(index.name, index);
    if (index.primaryKey) tableIn(catalog, index.table).primaryKey = index.columns;
  }
  const values = await engine.queryRows(`SELECT t.typname::text AS enum, e.enumlabel::text AS value FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid ORDER BY t.typname, e.enumsortorder`);
  for (const row of values) catalog.enums.set(text(row.enum), [...(catalog.enums.get(text(row.enum)) ?? []), text(row.value)]);
  return catalog;
}

async function sqliteCatalog(engine: MigrationEngine): Promise<Catalog> {
  const catalog: Catalog = { tables: new Map(), indexes: new Map(), enums: new Map() };
  const columns = await engine.queryRows(
    `SELECT m.name AS tbl, p.name AS col, p.type AS type, p."notnull" AS not_null, p.pk AS pk FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.pk, p.cid`,
  );
  for (const row of columns) {
    const table = tableIn(catalog, text(row.tbl));
    table.columns.set(text(row.col), { type: text(row.type), notNull: truthy(row.not_null) || Number(row.pk) > 0 });
    if (Number(row.pk) > 0) table.primaryKey.push(text(row.col));
  }
  const indexes = await engine.queryRows(
    `SELECT m.name AS idx, m.tbl_name AS tbl, m.sql AS def, l."unique" AS is_unique, l.origin AS origin, i.name AS col
     FROM sqlite_master m JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name JOIN pragma_index_info(m.name) i
     WHERE m.type = 'index' ORDER BY m.name, i.seqno`,
  );
  for (const row of indexes) {
    const name = text(row.idx);
    const index = catalog.indexes.get(name) ?? { name, table: text(row.tbl), unique: truthy(row.is_unique), primaryKey: text(row.origin) === 'pk', columns: [], definition: text(row.def) };
    index.columns.push(text(row.col));
    catalog.indexes.set(name, index);
  }
  return catalog;
}

function tableIn(catalog: Catalog, name: string): CatalogTable {
  let table = catalog.tables.get(name);
  if (!table) catalog.tables.set(name, (table = { columns: new Map(), primaryKey: [] }));
  return table;
}
