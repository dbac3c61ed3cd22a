import { withProgress } from '../progress';
import { projectArgument } from './arguments';
import type { CommandContext } from './commandContext';
import { Cancelled } from './userError';

/**
 * Drops everything in the dev database and re-applies every migration. The user confirms by typing the
 * database's name, so a reset is never one careless Enter away.
 */
export async function resetDatabaseCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const state = await projectArgument(ctx, arg);
  const applied = await ctx.access
    .write(state.project, 'Reset Dev Database', async (db, core) => {
      // Read first: a history in the wrong place must stop the reset before any data is deleted.
      const folder = core.historyToApply(state.project);
      const typed = await ctx.prompts.input({
        title: `Reset ${db.label}`,
        prompt: `This deletes ALL data in ${db.label} and re-applies the migrations. Type "${db.databaseName}" to confirm.`,
        placeHolder: `Type ${db.databaseName} to confirm`,
        validateInput: (value) => (value === db.databaseName ? undefined : `Type "${db.databaseName}" exactly, or press Escape to cancel.`),
        whenEmpty: `Type "${db.databaseName}" to reset it, or press Escape to cancel.`,
      });
      if (typed !== db.databaseName) throw new Cancelled();
      return withProgress(`Resetting ${db.label}`, async (progress) => {
        ctx.log.info(`Resetting ${db.label}`);
        await db.backend.reset();
        return db.backend.applyPending(folder, {
          onMigrationStart: (name, index, total) => progress.report({ message: `applying ${index + 1}/${total}: ${name}`, increment: index === 0 ? 0 : 100 / total }),
        });
      });
    })
    .finally(() => void ctx.projects.refresh());
  ctx.log.info(`Reset done; applied ${applied.length} migration(s)`);
  void ctx.prompts.info(`Dev database reset; ${applied.length} migration${applied.length === 1 ? '' : 's'} applied.`);
}
