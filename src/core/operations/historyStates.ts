import { requiredExtensions } from '../db/extensions';
import { openScratchDatabase } from '../db/scratch';
import { type DiffSource, MigrationEngine } from '../engine/migrationEngine';
import { MigrateError } from '../errors';
import type { MigrationsFolder } from '../migrations/folder';
import type { PrismaProject } from '../types';

/** The migrations folder cut to its first `count` migrations: the history at a point in time. */
export function historyPrefix(folder: MigrationsFolder, count: number): MigrationsFolder {
  return { ...folder, migrations: folder.migrations.slice(0, count) };
}

/** Where a migration sits in the history; a name that is not there, or a migration without SQL before it, is an error. */
export function positionOf(folder: MigrationsFolder, name: string): number {
  const index = folder.migrations.findIndex((m) => m.name === name);
  if (index === -1) throw new MigrateError('config', `There is no migration ${name} in ${folder.dir}.`, { migration: name });
  const broken = folder.migrations.slice(0, index + 1).find((m) => m.script === null);
  if (broken) throw new MigrateError('migrationsFolder', `${broken.name} has no migration.sql: the history cannot be replayed.`, { migration: broken.name });
  return index;
}

/** A history as a diff side: nothing before the first migration is the empty database. */
export function historySource(folder: MigrationsFolder): DiffSource {
  return folder.migrations.length === 0 ? { kind: 'empty' } : { kind: 'migrations', folder };
}

/** An engine on a scratch database for replaying histories; `what` names the feature in the refusal for other providers. */
export function scratchEngine(project: PrismaProject, folder: MigrationsFolder, what: string): MigrationEngine {
  const provider = project.provider;
  if (provider !== 'sqlite' && provider !== 'postgresql') {
    throw new MigrateError('unsupported', `${what} need Prisma's schema engine, which this build cannot run for ${provider}.`);
  }
  const extensions = requiredExtensions(folder.migrations.flatMap((m) => (m.script === null ? [] : [m.script])));
  return new MigrationEngine({ database: openScratchDatabase(provider, extensions), schemaFiles: project.engineSchemaFiles, configDir: project.root });
}

/**
 * Applies the whole history to a scratch engine's empty database. A migration failing there is the
 * history's fault, whatever a database that resolved it records: said so, not as a failure on the target.
 */
export async function replayHistory(engine: MigrationEngine, folder: MigrationsFolder): Promise<string[]> {
  try {
    return await engine.applyPending(folder);
  } catch (error) {
    const name = error instanceof MigrateError && error.kind === 'migrationFailed' ? error.details?.migration : undefined;
    if (name === undefined) throw error;
    const detail = (error as MigrateError).message.replace(`Migration ${name} failed: `, '');
    throw new MigrateError(
      'migrationFailed',
      `The migration history does not replay on an empty database: ${name} fails there (${detail}). Every new database would fail the same way, even where ${name} is marked applied: fix its SQL.`,
      { cause: error, migration: name },
    );
  }
}
