import type { MigrationEngine } from '../engine/migrationEngine';
import { catalog, comparable, objectLabel, toObjects } from '../objects/databaseObjects';

type Query = (sql: string) => Promise<Array<Record<string, unknown>>>;

/**
 * What a replayed history leaves beyond the schema the engine diffs: each item by name, with its value; and
 * its PostgreSQL indexes by name, each with the database's own definition (`pg_get_indexdef`).
 */
export interface Contents {
  items: Map<string, string>;
  indexes: Map<string, string>;
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Row-level security, comments, grants, check and exclusion constraints: the engine's diff does not see them. */
const POSTGRES_EXTRAS = `
SELECT 'row level security on ' || c.relname AS item, CASE WHEN c.relforcerowsecurity THEN 'forced' ELSE 'enabled' END AS value
  FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relrowsecurity
UNION ALL
SELECT 'comment on ' || c.relname || COALESCE('.' || a.attname, ''), d.description
  FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
  WHERE c.relnamespace = current_schema()::regnamespace
UNION ALL
SELECT 'grant ' || privilege_type || ' on ' || table_name || ' to ' || grantee, 'granted'
  FROM information_schema.role_table_grants WHERE table_schema = current_schema()
UNION ALL
SELECT 'constraint ' || conname || ' on ' || conrelid::regclass::text, pg_get_constraintdef(oid)
  FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND contype IN ('c', 'x')`;

/** Index definitions: the engine's diff leaves out predicates, expressions, INCLUDE columns and some operator classes. */
const POSTGRES_INDEXES = `SELECT indexname AS name, tablename AS tbl, indexdef AS definition FROM pg_indexes WHERE schemaname = current_schema()`;

const TABLES = {
  postgresql: `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`,
  sqlite: `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1`,
};

async function readContents(provider: MigrationEngine['provider'], objectsQuery: string, query: Query): Promise<Contents> {
  const { items, indexes }: Contents = { items: new Map(), indexes: new Map() };
  for (const object of toObjects(await query(objectsQuery))) items.set(objectLabel(object), comparable(object.definition));
  if (provider === 'postgresql') {
    for (const row of await query(POSTGRES_EXTRAS)) items.set(String(row.item), comparable(String(row.value ?? '')));
    for (const row of await query(POSTGRES_INDEXES)) {
      indexes.set(String(row.name), comparable(String(row.definition)));
      items.set(`index ${String(row.name)} on ${String(row.tbl)}`, comparable(String(row.definition)));
    }
  }
  const tables = (await query(TABLES[provider])).map((row) => String(row.name));
  if (tables.length > 0) {
    const counts = await query(tables.map((table) => `SELECT '${table.replace(/'/g, "''")}' AS tbl, COUNT(*) AS n FROM ${quoted(table)}`).join(' UNION ALL '));
    for (const row of counts) items.set(`rows in ${String(row.tbl)}`, String(row.n));
  }
  return { items, indexes };
}

/** What `scripts` leave in a fresh shadow database of `engine`, beyond the schema the engine diffs. */
export function replayedContents(engine: MigrationEngine, scripts: readonly string[]): Promise<Contents> {
  return engine.inShadow(scripts, (query) => readContents(engine.provider, catalog(engine), query));
}

/** The indexes the original history builds that the rewritten one builds differently or not at all. */
export function indexesNotReproduced(original: Contents, rewritten: Contents): string[] {
  return [...original.indexes].filter(([name, definition]) => rewritten.indexes.get(name) !== definition).map(([name]) => name);
}

/**
 * How the databases two histories build differ beyond the schema: extensions and the objects raw SQL
 * manages, row-level security, comments, grants, constraints and indexes the engine may not describe, and
 * row counts per table. Empty when equal.
 */
export function contentDifferences(original: Contents, rewritten: Contents): string[] {
  const [before, after] = [original.items, rewritten.items];
  const differences: string[] = [];
  for (const [item, value] of before) {
    if (!after.has(item)) differences.push(`${item}: only in the original history`);
    else if (after.get(item) !== value) differences.push(item.startsWith('rows in ') ? `${item}: ${value} in the original history, ${after.get(item)} after the rewrite` : `${item}: differs`);
  }
  for (const item of after.keys()) if (!before.has(item)) differences.push(`${item}: only after the rewrite`);
  return differences;
}
