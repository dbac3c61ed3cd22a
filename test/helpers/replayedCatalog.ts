import type { MigrationEngine } from '../../src/core/engine/migrationEngine';

/**
 * What a replayed database holds, for comparing two replays: its schema objects as the catalog
 * describes them, the history's migration names and checksums, and every table's row count
 * (`_prisma_migrations`' ids and timestamps differ between any two replays).
 */
export async function replayedCatalog(engine: MigrationEngine): Promise<Record<string, unknown>> {
  const sqlite = engine.provider === 'sqlite';
  const tables = sqlite
    ? await engine.queryRows(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name`)
    : await engine.queryRows(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`);
  const counts: Record<string, number> = {};
  for (const { name } of tables) counts[String(name)] = await engine.queryNumber(`SELECT count(*) FROM "${String(name)}"`);
  const history = await engine.queryRows(`SELECT migration_name, checksum, applied_steps_count, logs FROM _prisma_migrations ORDER BY migration_name`);
  if (sqlite) {
    return { objects: await engine.queryRows(`SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name`), counts, history };
  }
  return {
    columns: await engine.queryRows(
      `SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default
         FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, 2`,
    ),
    indexes: await engine.queryRows(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1, 2`),
    constraints: await engine.queryRows(
      `SELECT conrelid::regclass::text AS "table", conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
         WHERE connamespace = current_schema()::regnamespace ORDER BY 1, 2`,
    ),
    types: await engine.queryRows(
      `SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
         GROUP BY 1 ORDER BY 1`,
    ),
    extensions: await engine.queryRows(`SELECT extname FROM pg_extension ORDER BY 1`),
    counts,
    history,
  };
}
