import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { MigrationEngine } from '../engine/migrationEngine';
import { MigrateError } from '../errors';
import type { MigrationsFolder } from '../migrations/folder';
import { migrationStatuses } from '../migrations/history';
import { nextMigrationName, writeMigrationFolder } from './create';

/**
 * Moves a migration that came in with a merge after the last one: its folder gets a timestamp later than
 * every other migration's, keeping its name. Only for migrations no database has applied (the caller
 * checks): an applied migration's name is in `_prisma_migrations`.
 */
export async function retimestampMigration(folder: MigrationsFolder, name: string, now = new Date()): Promise<string> {
  const migration = folder.migrations.find((m) => m.name === name);
  if (!migration) throw new MigrateError('config', `There is no migration ${name} in ${folder.dir}.`, { migration: name });
  const label = name.replace(/^\d{14}_/, '');
  const last = folder.migrations.filter((m) => m.name !== name).at(-1)?.name;
  const renamed = await nextMigrationName(label, now, last);
  if (existsSync(path.join(folder.dir, renamed))) throw new MigrateError('migrationsFolder', `A migration named ${renamed} already exists.`, { migration: renamed });
  renameSync(migration.dir, path.join(folder.dir, renamed));
  return renamed;
}

export interface Regenerated {
  /** The new migration, or null when the rest of the history already reaches the schema (nothing to write). */
  name: string | null;
  script: string;
  /** The replaced migration's SQL, for the user to compare (hand edits are not carried over). */
  previous: string;
}

/**
 * The other fix for a migration written on another branch: drop it and create its replacement from the
 * schema on top of the history as merged, after the last migration. Refused for a migration the dev
 * database applied (its name is in `_prisma_migrations`). Without `write` it only plans. The replaced SQL
 * is returned, so it is never lost silently.
 */
export async function regenerateMigration(engine: MigrationEngine, folder: MigrationsFolder, name: string, options: { write: boolean; now?: Date }): Promise<Regenerated> {
  const migration = folder.migrations.find((m) => m.name === name);
  if (!migration) throw new MigrateError('config', `There is no migration ${name} in ${folder.dir}.`, { migration: name });
  const status = migrationStatuses(folder.migrations, (await engine.readMigrationRows()) ?? []).find((s) => s.name === name);
  if (status?.status !== 'pending' && status?.status !== 'rolledBack') {
    throw new MigrateError('refused', `${name} is applied on the dev database: regenerating it would leave the database with SQL no migration has. Roll it back first.`, { migration: name });
  }
  const rest = { ...folder, migrations: folder.migrations.filter((m) => m.name !== name) };
  const plan = await engine.planMigration(rest);
  const previous = migration.script ?? '';
  const renamed = plan.hasChanges ? await nextMigrationName(name.replace(/^\d{14}_/, ''), options.now ?? new Date(), rest.migrations.at(-1)?.name) : null;
  if (options.write) {
    // The replacement is written before the original goes: a failed write leaves the original in place.
    if (renamed) writeMigrationFolder(folder.dir, renamed, plan.script);
    rmSync(migration.dir, { recursive: true, force: true });
  }
  return { name: renamed, script: renamed ? plan.script : '', previous };
}
