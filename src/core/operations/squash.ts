import path from 'node:path';
import type { MigrationEngine } from '../engine/migrationEngine';
import { errorMessage, MigrateError } from '../errors';
import { type MigrationsFolder, readMigrationsFolder } from '../migrations/folder';
import { migrationStatuses } from '../migrations/history';
import type { LocalMigration, PrismaProject } from '../types';
import { migrationFolderName, writeMigrationFolder } from './create';
import { type CarriedStatement, carriedStatements, describeCarried, withCarried } from './carriedStatements';
import { historyPrefix, historySource, positionOf, scratchEngine } from './historyStates';
import { contentDifferences } from './replayedContents';

export interface SquashPlan {
  /** The migrations replaced, oldest first. */
  replaced: string[];
  /** The new migration's folder name: it takes the last replaced one's place in the order. */
  migration: string;
  script: string;
  /** Statements of the range that are not schema, carried into the new migration in their order. */
  carried: CarriedStatement[];
}

/** Whether a database applied the range: a squash can be recorded on it only when it applied all or none. */
export type SquashDatabaseState = 'all' | 'none' | 'partial';

function stampDate(name: string): Date {
  const stamp = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(name);
  if (!stamp) throw new MigrateError('migrationsFolder', `${name} does not start with a timestamp: a squash cannot take its place in the order.`, { migration: name });
  const [, y, mo, d, h, mi, s] = stamp.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/**
 * One migration for a range of them: the range's extensions, the engine's diff from the history before the
 * range to the history at its end, then the range's other statements that are not schema (rows, grants,
 * functions, triggers…), in order. Checked by replaying the shortened history against the original: the
 * same schema, objects, extensions and row counts, or refused. Writes nothing. `replay` is the engine
 * whose shadow databases replay the histories (the project's PostgreSQL server); by default scratch ones.
 */
export async function planSquash(project: PrismaProject, folder: MigrationsFolder, options: { from?: string; to: string; name: string }, replay?: MigrationEngine): Promise<SquashPlan> {
  const end = positionOf(folder, options.to);
  const start = options.from ? positionOf(folder, options.from) : 0;
  if (start >= end) throw new MigrateError('config', `A squash needs at least two migrations: ${options.from ?? folder.migrations[0]?.name} to ${options.to} is ${end - start + 1}.`);
  const replaced = folder.migrations.slice(start, end + 1);
  const before = historyPrefix(folder, start);
  const upTo = historyPrefix(folder, end + 1);
  const migration = await migrationFolderName(options.name, stampDate(options.to));
  const taken = folder.migrations.find((m) => m.name === migration && !replaced.includes(m));
  if (taken) throw new MigrateError('migrationsFolder', `A migration named ${migration} already exists.`, { migration });

  const engine = replay ?? scratchEngine(project, upTo, 'Squashes');
  try {
    const diff = await engine.diff(historySource(before), historySource(upTo), { script: true });
    const header = `-- Squashed from ${replaced.length} migrations: ${replaced[0].name} … ${replaced[replaced.length - 1].name}`;
    const { script, carried } = withCarried(header, diff.hasChanges ? diff.output : '', carriedStatements(replaced));
    const squashed: LocalMigration = { name: migration, dir: path.join(folder.dir, migration), script };
    const shortened = { ...folder, migrations: [...before.migrations, squashed] };
    await verifySquash(engine, { original: upTo, shortened, carried });
    return { replaced: replaced.map((m) => m.name), migration, script, carried };
  } finally {
    if (!replay) await engine.dispose();
  }
}

const scriptsOf = (history: MigrationsFolder) => history.migrations.map((m) => m.script ?? '');

/** The shortened history must build what the original did: the engine's schema diff, then everything else. */
async function verifySquash(engine: MigrationEngine, histories: { original: MigrationsFolder; shortened: MigrationsFolder; carried: readonly CarriedStatement[] }): Promise<void> {
  const refuse = (what: string) => {
    const carried = histories.carried.length > 0 ? ` It carries ${describeCarried(histories.carried)}.` : '';
    return new MigrateError(
      'refused',
      `The squashed migration does not reproduce the history it replaces, so nothing was written. ${what}.${carried} A data migration that only made sense mid-history, or schema the engine cannot rebuild, cannot be squashed: squash a range that leaves it out.`,
    );
  };
  let differences: string[];
  try {
    const left = await engine.diff(historySource(histories.shortened), historySource(histories.original), { script: false });
    if (left.hasChanges) throw refuse(`Its schema differs: ${left.output}`);
    differences = await contentDifferences(engine, scriptsOf(histories.original), scriptsOf(histories.shortened));
  } catch (error) {
    if (error instanceof MigrateError && error.kind === 'refused') throw error;
    throw refuse(`Replaying it failed: ${errorMessage(error)}`);
  }
  if (differences.length > 0) throw refuse(`The databases differ: ${differences.join('; ')}`);
}

/** How much of the range a database applied (failed or rolled-back migrations count as not applied). */
export async function squashDatabaseState(engine: MigrationEngine, folder: MigrationsFolder, plan: SquashPlan): Promise<SquashDatabaseState> {
  const statuses = migrationStatuses(folder.migrations, (await engine.readMigrationRows()) ?? []);
  const applied = plan.replaced.filter((name) => statuses.find((s) => s.name === name)?.status === 'applied');
  if (applied.length === 0) return 'none';
  return applied.length === plan.replaced.length ? 'all' : 'partial';
}

/**
 * Replaces the range with the squashed migration in the folder: the new folder is written first, then the
 * old ones are removed, so a failure leaves the history complete (possibly twice), never missing.
 */
export function writeSquash(folder: MigrationsFolder, plan: SquashPlan): void {
  writeMigrationFolder(folder.dir, plan.migration, plan.script, plan.replaced);
}

/** On a database that applied the whole range: the squashed migration recorded as applied, the old rows gone. */
export async function recordSquash(engine: MigrationEngine, migrationsDir: string, plan: SquashPlan): Promise<void> {
  await engine.markApplied(readMigrationsFolder(migrationsDir), plan.migration);
  await engine.forgetMigrations(plan.replaced);
}

/** What other databases that applied the replaced migrations must do; a fresh database just applies the new one. */
export function squashGuidance(plan: SquashPlan): string {
  return (
    'Databases that applied the old migrations (teammates, staging, production) must record the new one instead: ' +
    `delete the old rows from _prisma_migrations, then prisma migrate resolve --applied ${plan.migration}. A fresh database just applies it.`
  );
}
