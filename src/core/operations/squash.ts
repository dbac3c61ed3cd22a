import path from 'node:path';
import type { MigrationEngine } from '../engine/migrationEngine';
import { errorMessage, MigrateError } from '../errors';
import { compareMigrationNames, type MigrationsFolder, readMigrationsFolder } from '../migrations/folder';
import { migrationStatuses } from '../migrations/history';
import type { LocalMigration, PrismaProject } from '../types';
import { usableSlug, writeMigrationFolder } from './create';
import { type CarriedStatement, carriedStatements, describeCarried, withCarried } from './carriedStatements';
import { historyPrefix, historySource, positionOf, scratchEngine } from './historyStates';
import { withoutUnsupportedSortOrder } from './indexStatements';
import { type Contents, contentDifferences, indexesNotReproduced, replayedContents } from './replayedContents';

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

/**
 * The squashed migration's folder name: the last replaced one's number (its timestamp, or `19` of
 * `19_add_session_replay`) with `name`; where that would not sort between the range's neighbours (the
 * range's migrations share one timestamp, say), the last replaced name itself with `name`. It must sort
 * after the migration before the range and before the one after it, so the history keeps its order.
 */
async function squashedName(folder: MigrationsFolder, range: { start: number; end: number }, name: string): Promise<string> {
  const last = folder.migrations[range.end].name;
  const slug = await usableSlug(name);
  const number = /^\d+(?=_|$)/.exec(last)?.[0];
  const previous = folder.migrations[range.start - 1]?.name;
  const next = folder.migrations[range.end + 1]?.name;
  const sortsBefore = (a: string, b: string) => compareMigrationNames(a, b) < 0;
  const fits = (candidate: string) => (previous === undefined || sortsBefore(previous, candidate)) && (next === undefined || sortsBefore(candidate, next));
  const candidates = [...(number ? [`${number}_${slug}`] : []), `${last}_${slug}`];
  const taken = folder.migrations.find((m, i) => m.name === candidates[0] && (i < range.start || i > range.end));
  if (taken) throw new MigrateError('migrationsFolder', `A migration named ${taken.name} already exists.`, { migration: taken.name });
  const migration = candidates.find(fits);
  if (!migration) {
    const bounds = [previous && `after ${previous}`, next && `before ${next}`].filter(Boolean).join(' and ');
    throw new MigrateError('refused', `${candidates.join(' and ')} would not sort ${bounds}, where the squashed range is: choose another --name. Nothing was written.`, { migration: last });
  }
  return migration;
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
  const migration = await squashedName(folder, { start, end }, options.name);

  const engine = replay ?? scratchEngine(project, upTo, 'Squashes');
  try {
    const diff = await engine.diff(historySource(before), historySource(upTo), { script: true });
    const header = `-- Squashed from ${replaced.length} migrations: ${replaced[0].name} … ${replaced[replaced.length - 1].name}`;
    const squash = (indexes: readonly string[]): Squashed => {
      const { script, carried } = withCarried(header, diff.hasChanges ? withoutUnsupportedSortOrder(diff.output) : '', carriedStatements(replaced, indexes));
      const squashed: LocalMigration = { name: migration, dir: path.join(folder.dir, migration), script };
      return { script, carried, shortened: { ...folder, migrations: [...before.migrations, squashed] } };
    };
    const { script, carried } = await verifiedSquash(engine, upTo, squash);
    return { replaced: replaced.map((m) => m.name), migration, script, carried };
  } finally {
    if (!replay) await engine.dispose();
  }
}

const scriptsOf = (history: MigrationsFolder) => history.migrations.map((m) => m.script ?? '');

type Squashed = { script: string; carried: CarriedStatement[]; shortened: MigrationsFolder };

/**
 * The squash, checked: the shortened history must build what the original did, the engine's schema diff
 * and everything else. An index the engine's diff does not reproduce exactly (a hand-written partial,
 * expression, INCLUDE or operator-class index) is carried as the range wrote it, then checked again.
 */
async function verifiedSquash(
  engine: MigrationEngine,
  original: MigrationsFolder,
  squash: (indexes: readonly string[]) => Squashed,
): Promise<Squashed> {
  let squashed = squash([]);
  const refuse = (what: string) => {
    const carried = squashed.carried.length > 0 ? ` It carries ${describeCarried(squashed.carried)}.` : '';
    return new MigrateError(
      'refused',
      `The squashed migration does not reproduce the history it replaces, so nothing was written. ${what}.${carried} A data migration that only made sense mid-history, or schema the engine cannot rebuild, cannot be squashed: squash a range that leaves it out.`,
    );
  };
  /** The engine's schema diff first: its replay names a failing migration and statement. */
  const rebuild = async (candidate: Squashed): Promise<Contents> => {
    const left = await engine.diff(historySource(candidate.shortened), historySource(original), { script: false });
    if (left.hasChanges) throw refuse(`Its schema differs: ${left.output}`);
    return replayedContents(engine, scriptsOf(candidate.shortened));
  };
  let differences: string[];
  try {
    let rebuilt = await rebuild(squashed);
    const built = await replayedContents(engine, scriptsOf(original));
    const indexes = indexesNotReproduced(built, rebuilt);
    if (indexes.length > 0) {
      squashed = squash(indexes);
      rebuilt = await rebuild(squashed);
    }
    differences = contentDifferences(built, rebuilt);
  } catch (error) {
    if (error instanceof MigrateError && error.kind === 'refused') throw error;
    throw refuse(`Replaying it failed: ${errorMessage(error)}`);
  }
  if (differences.length > 0) throw refuse(`The databases differ: ${differences.join('; ')}`);
  return squashed;
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
