import { writeFileSync } from 'node:fs';
import type { MigrationEngine } from '../engine/migrationEngine';
import { errorMessage, MigrateError } from '../errors';
import { readDatamodel } from '../schema/datamodel';
import type { PrismaProject, SchemaFile } from '../types';

export interface PullResult {
  files: SchemaFile[];
  models: number;
}

/**
 * `prisma db pull` on the WebAssembly engine: introspects the database into the schema. A schema that
 * already has models is kept unless `force`: pulling replaces them, and their names, maps and relations
 * are the user's work.
 */
export async function pullSchema(engine: MigrationEngine, project: PrismaProject, options: { force: boolean }): Promise<PullResult> {
  const existing = readDatamodel(project.engineSchemaFiles).models.length;
  if (existing > 0 && !options.force) {
    throw new MigrateError('refused', `The schema already has ${existing} model${existing === 1 ? '' : 's'}; pulling would replace ${existing === 1 ? 'it' : 'them'} with what the database has. Nothing was written.`);
  }
  const files = await engine.introspect().catch((error: unknown) => {
    if (/P4001|introspected database was empty/i.test(errorMessage(error))) throw new MigrateError('state', 'The database has no tables: there is nothing to pull.');
    throw error;
  });
  const models = readDatamodel(files).models.length;
  for (const file of files) writeFileSync(file.path, file.content);
  return { files, models };
}
