import { outOfOrderMigrations } from '../../core/check/integrity';
import { loadCore } from '../projects/loadCore';
import { migrationArgument } from './arguments';
import type { CommandContext } from './commandContext';

/** Moves a migration a merge brought in behind what the database applied to the end of the history (renames its folder). */
export async function retimestampMigrationCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const outOfOrder = new Set(ctx.projects.projects.flatMap((s) => [...outOfOrderMigrations(s.report?.migrations ?? []).keys()]));
  const { state, migration } = await migrationArgument(ctx, arg, (m) => outOfOrder.has(m.name), 'Re-timestamp which out-of-order migration?');
  const core = await loadCore();
  const renamed = core.retimestampMigration(core.readMigrationsFolder(state.project.migrationsDir), migration.name);
  ctx.log.info(`Renamed ${migration.name} to ${renamed}`);
  await ctx.projects.refresh();
  void ctx.prompts.info(`Renamed ${migration.name} to ${renamed}: it now comes after the last migration.`);
}
