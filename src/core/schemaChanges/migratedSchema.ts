import type { MigrationsFolder } from '../migrations/folder';
import { replayedHistory } from '../operations/historyStates';
import type { PrismaProject, SchemaFile } from '../types';

/** The schema a migration history leaves behind, as Prisma schema text (down scripts diff towards it). */
export interface MigratedSchema {
  provider: 'sqlite' | 'postgresql';
  files: SchemaFile[];
}

/** Replays the history into a scratch database (through the replay cache) and introspects it. The dev database is never opened. */
export async function migratedSchema(project: PrismaProject, folder: MigrationsFolder): Promise<MigratedSchema> {
  const { engine } = await replayedHistory(project, folder, 'Schema comparisons');
  try {
    const files = folder.migrations.length === 0 ? [] : await engine.introspect().catch((error: unknown) => (isEmptyIntrospection(error) ? [] : Promise.reject(error)));
    return { provider: engine.provider, files: files.map((f, i) => ({ path: `${project.schemaPath}#migrated-${i}`, content: f.content })) };
  } finally {
    await engine.dispose();
  }
}

/** Migrations that create nothing leave an empty database, which introspection refuses (P4001). */
export function isEmptyIntrospection(error: unknown): boolean {
  return error instanceof Error && /P4001|introspected database was empty/.test(error.message);
}
