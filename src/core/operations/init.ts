import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MigrationEngine } from '../engine/migrationEngine';
import { MigrateError } from '../errors';
import { LOCKFILE, lockfileContent, type MigrationsFolder, readMigrationsFolder } from '../migrations/folder';
import type { PrismaProject } from '../types';
import { migrationNameProblem, migrationSlug, writeMigrationFolder } from './create';

/** Prisma's baselining guide names the first migration `0_init`: it sorts before any timestamped one. */
export const DEFAULT_INIT_NAME = 'init';

/** How the dev database relates to the first migration: nothing there yet, exactly it, or something else. */
export type DatabaseFit = { kind: 'empty' } | { kind: 'matches' } | { kind: 'differs'; differences: string };

export interface InitPlan {
  /** The folder name, `0_<name>`. */
  name: string;
  script: string;
  fit: DatabaseFit;
}

/**
 * The first migration of a project that has a schema but no history: the schema engine's script from an
 * empty database to the schema, and how the dev database compares (so it can be baselined, not re-run).
 */
export async function planInit(engine: MigrationEngine, project: PrismaProject, name = DEFAULT_INIT_NAME): Promise<InitPlan> {
  const problem = await migrationNameProblem(name);
  if (problem) throw new MigrateError('config', problem);
  const folder = readMigrationsFolder(project.migrationsDir);
  if (folder.migrations.length > 0 || folder.problems.length > 0) {
    throw new MigrateError('state', `${path.basename(project.migrationsDir)} already has migrations: initializing is for a project without any. Create the next migration instead.`);
  }
  const { output: script, hasChanges } = await engine.diff({ kind: 'empty' }, { kind: 'schema', files: project.engineSchemaFiles }, { script: true });
  if (!hasChanges) throw new MigrateError('state', 'The schema has no models yet: there is nothing to migrate. Add models, or pull the schema from the database first.');
  const folderName = `0_${await migrationSlug(name)}`;
  const migration = { name: folderName, dir: path.join(project.migrationsDir, folderName), script };
  const fit = await databaseFit(engine, { dir: project.migrationsDir, lockfile: lockfileContent(engine.provider), migrations: [migration], problems: [] });
  return { name: folderName, script: `${script.trimEnd()}\n`, fit };
}

/**
 * Compares the dev database with a history (without touching the database): empty when it has no tables,
 * else whether replaying the history builds exactly what is there, and if not, what differs.
 */
export async function databaseFit(engine: MigrationEngine, folder: MigrationsFolder): Promise<DatabaseFit> {
  const content = await engine.diff({ kind: 'empty' }, { kind: 'database' }, { script: false });
  if (!content.hasChanges) return { kind: 'empty' };
  const difference = await engine.diff({ kind: 'migrations', folder }, { kind: 'database' }, { script: false });
  return difference.hasChanges ? { kind: 'differs', differences: difference.output } : { kind: 'matches' };
}

/** Writes the first migration and the lockfile. */
export function writeInit(project: PrismaProject, plan: InitPlan, provider: string): string {
  writeMigrationFolder(project.migrationsDir, plan.name, plan.script);
  writeFileSync(path.join(project.migrationsDir, LOCKFILE), lockfileContent(provider));
  return path.join(project.migrationsDir, plan.name);
}

/**
 * Baselining: records the first migration as applied without running it, only when the database is
 * exactly what it builds (checked again here: the database may have changed since the plan).
 */
export async function baseline(engine: MigrationEngine, project: PrismaProject, name: string): Promise<void> {
  const folder = readMigrationsFolder(project.migrationsDir);
  const fit = await databaseFit(engine, { ...folder, migrations: folder.migrations.filter((m) => m.name === name) });
  if (fit.kind === 'empty') throw new MigrateError('refused', `The database is empty: there is nothing to baseline. Apply ${name} instead.`);
  if (fit.kind === 'differs') throw new MigrateError('refused', `The database does not match ${name}, so it cannot be recorded as applied:\n${fit.differences}`);
  await engine.markApplied(folder, name);
}
