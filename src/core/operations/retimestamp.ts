import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { MigrationEngine } from '../engine/migrationEngine';
import { errorMessage, MigrateError } from '../errors';
import type { MigrationsFolder } from '../migrations/folder';
import { migrationStatuses } from '../migrations/history';
import type { LocalMigration } from '../types';
import { type CarriedStatement, carriedStatements, describeCarried, withCarried } from './carriedStatements';
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
  /** The replaced migration's SQL, for the user to compare (hand edits to schema statements are not carried over). */
  previous: string;
  /** Its statements that are not schema (rows, extensions, functions…), carried into the replacement in order. */
  carried: CarriedStatement[];
}

/**
 * The other fix for a migration written on another branch: drop it and create its replacement from the
 * schema on top of the history as merged, after the last migration; its statements that are not schema
 * are carried into the replacement (extensions before the schema SQL, the rest after), and the
 * replacement must replay on the dev database's shadow, or it is refused naming them. Refused for a
 * migration the dev database applied (its name is in `_prisma_migrations`). Without `write` it only plans.
 * The replaced SQL is returned, so it is never lost silently.
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
  const { script, carried } = withCarried('', plan.hasChanges ? plan.script : '', carriedStatements([migration]));
  const renamed = plan.hasChanges || carried.length > 0 ? await nextMigrationName(name.replace(/^\d{14}_/, ''), options.now ?? new Date(), rest.migrations.at(-1)?.name) : null;
  if (renamed && carried.length > 0) await replaysWithCarried(engine, rest, { name: renamed, dir: path.join(folder.dir, renamed), script }, carried);
  if (options.write) {
    // The replacement is written before the original goes: a failed write leaves the original in place.
    if (renamed) writeMigrationFolder(folder.dir, renamed, script);
    rmSync(migration.dir, { recursive: true, force: true });
  }
  return { name: renamed, script: renamed ? script : '', previous, carried };
}

/** The replacement with its carried statements must replay after the rest of the history and reach the schema. */
async function replaysWithCarried(engine: MigrationEngine, rest: MigrationsFolder, replacement: LocalMigration, carried: readonly CarriedStatement[]): Promise<void> {
  const refuse = (what: string) => new MigrateError('refused', `The regenerated migration cannot carry ${describeCarried(carried)}: ${what}. Nothing was changed; edit the migration by hand instead.`);
  let left;
  try {
    left = await engine.diff({ kind: 'migrations', folder: { ...rest, migrations: [...rest.migrations, replacement] } }, { kind: 'schema', files: engine.schemaFiles }, { script: false });
  } catch (error) {
    throw refuse(`replaying it failed: ${errorMessage(error)}`);
  }
  if (left.hasChanges) throw refuse(`with them the history no longer reaches the schema: ${left.output}`);
}
