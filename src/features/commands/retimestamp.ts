import { outOfOrderMigrations } from '../../core/check/integrity';
import type { MigrationStatus } from '../../core/types';
import { withProgress } from '../progress';
import { loadCore } from '../projects/loadCore';
import { migrationArgument } from './arguments';
import type { CommandContext } from './commandContext';
import { requireEngine } from './requireEngine';
import { Cancelled } from './userError';

/** Moves a migration a merge brought in behind what the database applied to the end of the history (renames its folder). */
export async function retimestampMigrationCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const outOfOrder = new Set(ctx.projects.projects.flatMap((s) => [...outOfOrderMigrations(s.report?.migrations ?? []).keys()]));
  const { state, migration } = await migrationArgument(ctx, arg, (m) => outOfOrder.has(m.name), 'Re-timestamp which out-of-order migration?');
  const core = await loadCore();
  const renamed = await core.retimestampMigration(core.readMigrationsFolder(state.project.migrationsDir), migration.name);
  ctx.log.info(`Renamed ${migration.name} to ${renamed}`);
  await ctx.projects.refresh();
  void ctx.prompts.info(`Renamed ${migration.name} to ${renamed}: it now comes after the last migration.`);
}

/**
 * Replaces an unapplied migration (from another branch) with one generated from the schema on the merged
 * history: the new SQL and the old are shown first, and nothing changes without the user's yes.
 */
export async function regenerateMigrationCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const unapplied = (m: MigrationStatus) => m.status === 'pending' || m.status === 'rolledBack';
  const { state, migration } = await migrationArgument(ctx, arg, unapplied, 'Regenerate which unapplied migration from the schema?');
  const title = 'Regenerate from Schema';
  const plan = await withProgress('Planning the replacement…', () =>
    ctx.access.read(state.project, (db, core, project) => core.regenerateMigration(requireEngine(db, title), core.readMigrationsFolder(project.migrationsDir), migration.name, { write: false })),
  );
  const core = await loadCore();
  await ctx.documents.show(`${migration.name} (current).sql`, plan.previous);
  if (plan.name) await ctx.documents.show(`${plan.name} (replacement).sql`, plan.script);
  const choice = await ctx.prompts.confirm(
    plan.name ? `Replace ${migration.name} with ${plan.name}, generated from the schema?` : `Remove ${migration.name}? The rest of the history already reaches the schema.`,
    [
      'Its current SQL (open beside) is replaced; the dev database has not applied it.',
      plan.carried.length > 0 ? `The replacement carries ${core.describeCarried(plan.carried)}.` : 'It has no statements that are not schema: its schema SQL comes from the schema now.',
    ].join('\n\n'),
    plan.name ? 'Replace' : 'Remove',
  );
  if (choice === undefined) throw new Cancelled();
  const done = await ctx.access
    .write(state.project, title, (db, core, project) => core.regenerateMigration(requireEngine(db, title), core.readMigrationsFolder(project.migrationsDir), migration.name, { write: true }))
    .finally(() => void ctx.projects.refresh());
  ctx.log.info(done.name ? `Replaced ${migration.name} with ${done.name}` : `Removed ${migration.name}`);
  const carried = done.carried.length > 0 ? ` Carried ${core.describeCarried(done.carried)}.` : '';
  void ctx.prompts.info(done.name ? `Replaced ${migration.name} with ${done.name}.${carried}` : `Removed ${migration.name}.`);
}
