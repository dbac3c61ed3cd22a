import type { MigrationsFolder } from '../migrations/folder';
import { replayHistory, scratchEngine } from '../operations/historyStates';
import type { PrismaProject, SchemaFile } from '../types';

/** The schema the migration history leaves behind, as a datamodel: the "before" of every schema change. */
export interface MigratedSchema {
  provider: 'sqlite' | 'postgresql';
  files: SchemaFile[];
  /** The migrations it replays, oldest first. */
  migrations: string[];
}

/**
 * Replays the whole local history into a scratch database and introspects it. Costs one replay (seconds
 * for long histories), so callers keep the result until the migrations folder changes; then diffing
 * datamodel to datamodel takes milliseconds. The dev database is never opened.
 */
export async function migratedSchema(project: PrismaProject, folder: MigrationsFolder): Promise<MigratedSchema> {
  const engine = scratchEngine(project, folder, 'Schema comparisons');
  try {
    const applied = await replayHistory(engine, folder);
    const files = applied.length === 0 ? [] : await engine.introspect().catch(emptyDatabase);
    return { provider: engine.provider, files: files.map((f, i) => ({ path: `${project.schemaPath}#migrated-${i}`, content: f.content })), migrations: applied };
  } finally {
    await engine.dispose();
  }
}

/** Migrations that create nothing leave an empty database, which introspection refuses (P4001). */
function emptyDatabase(error: unknown): SchemaFile[] {
  if (error instanceof Error && /P4001|introspected database was empty/.test(error.message)) return [];
  throw error;
}
