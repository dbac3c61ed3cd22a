import type { MigrationEngine } from '../engine/migrationEngine';
import { errorMessage, MigrateError } from '../errors';
import type { MigrationsFolder } from '../migrations/folder';
import { migrationStatuses } from '../migrations/history';
import type { PrismaProject } from '../types';
import { type DownLoss, type DownScript, downScript, verifyDownScript } from './down';

/** What rolling back the last migration on a database would do, before anything is done. */
export interface RollbackPlan {
  migration: string;
  down: DownScript;
  /** The losses, with this database's counts where it could count them (rows, non-null values). */
  losses: Array<DownLoss & { count?: number }>;
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * Plans undoing the database's last applied migration: its down script, verified on a scratch database to
 * take the history back exactly, and what it would destroy here. Refuses when the history is not in a state
 * a down script can be trusted on (a failed migration, an edited or missing last migration).
 */
export async function planRollback(engine: MigrationEngine, project: PrismaProject, folder: MigrationsFolder): Promise<RollbackPlan> {
  const rows = (await engine.readMigrationRows()) ?? [];
  const statuses = migrationStatuses(folder.migrations, rows);
  const failed = statuses.find((s) => s.status === 'failed');
  if (failed) throw new MigrateError('state', `${failed.name} failed on this database: resolve it first (mark it applied or rolled back).`, { migration: failed.name });
  const done = statuses.filter((s) => s.status === 'applied' || s.status === 'edited' || s.status === 'missingLocally');
  const last = done[done.length - 1];
  if (!last) throw new MigrateError('state', 'No migration is applied on this database: there is nothing to roll back.');
  if (last.status === 'missingLocally') throw new MigrateError('state', `The last applied migration, ${last.name}, has no folder here: its down script cannot be computed.`, { migration: last.name });
  if (last.status === 'edited') {
    throw new MigrateError('state', `${last.name} was edited after it was applied: a down script computed from the file would not undo what the database ran.`, { migration: last.name });
  }

  const down = await downScript(project, folder, last.name);
  const verification = await verifyDownScript(project, folder, down);
  if (!verification.roundTrips) {
    throw new MigrateError('state', `The down script of ${last.name} does not take the history back exactly (checked on a scratch database): ${verification.differences}`, { migration: last.name });
  }
  const losses: RollbackPlan['losses'] = [];
  for (const loss of down.losses) {
    const count = await engine.queryNumber(countQuery(loss)).catch(() => undefined);
    losses.push({ ...loss, ...(count !== undefined && { count }) });
  }
  const blocked = losses.find((l) => l.kind === 'requiresColumn' && (l.count ?? 0) > 0);
  if (blocked) {
    throw new MigrateError('state', `The down script of ${last.name} cannot run on this database: it ${blocked.description}, and the database holds ${blocked.count} ${unitOf(blocked)}${blocked.count === 1 ? '' : 's'} there. Undo it by hand, or fix the data first.`, {
      migration: last.name,
    });
  }
  return { migration: last.name, down, losses };
}

/** What the database holds that a loss is about: rows of a table, a column's values, or its NULLs when it becomes required. */
function countQuery(loss: DownLoss): string {
  if (!loss.column) return `SELECT count(*) FROM ${quote(loss.table)}`;
  return `SELECT count(*) FROM ${quote(loss.table)} WHERE ${quote(loss.column)} IS ${loss.kind === 'requiresColumn' ? '' : 'NOT '}NULL`;
}

function unitOf(loss: DownLoss): string {
  if (!loss.column) return 'row';
  return loss.kind === 'requiresColumn' ? 'NULL' : 'non-null value';
}

/**
 * Runs a planned rollback: the down script, then the migration recorded as rolled back (pending again).
 * The database may have moved on since the plan (a confirmation in between): then nothing is run.
 */
export async function executeRollback(engine: MigrationEngine, plan: RollbackPlan): Promise<void> {
  const rows = (await engine.readMigrationRows()) ?? [];
  const last = rows.filter((r) => r.finishedAt && !r.rolledBackAt).at(-1);
  if (last?.migrationName !== plan.migration) {
    throw new MigrateError('state', `The database changed since the rollback was planned: its last applied migration is ${last?.migrationName ?? 'none'}, not ${plan.migration}. Nothing was run.`, { migration: plan.migration });
  }
  if (plan.down.script) {
    try {
      await engine.execute(plan.down.script);
    } catch (error) {
      throw new MigrateError('migrationFailed', `The down script of ${plan.migration} failed on the database: ${errorMessage(error)}. The migration is still recorded as applied.`, {
        migration: plan.migration,
        cause: error,
      });
    }
  }
  await engine.recordRolledBack(plan.migration);
}

/** "drops the table `Post` and its rows (12 rows)", for confirmations and the CLI. */
export function describeLosses(plan: RollbackPlan): string[] {
  return plan.losses.map((loss) => {
    if (loss.count === undefined) return loss.description;
    return `${loss.description} (${loss.count.toLocaleString('en-US')} ${unitOf(loss)}${loss.count === 1 ? '' : 's'})`;
  });
}
