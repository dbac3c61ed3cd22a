import { withProgress } from '../progress';
import { projectArgument } from './arguments';
import type { CommandContext } from './commandContext';

/** The full status, drift included, as a read-only text document (what `prisma-migrations status` prints). */
export async function showStatusCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const state = await projectArgument(ctx, arg);
  const text = await withProgress('Reading the migration status…', () =>
    ctx.access.read(state.project, async (db, core) => {
      const folder = core.readMigrationsFolder(state.project.migrationsDir);
      const report = await core.readStatus(db.backend, folder, { drift: true });
      const problems = folder.problems.map((problem) => `Warning: ${problem.message}`);
      return [`Project: ${state.project.root}`, core.formatStatus(report, db.label), ...problems].join('\n');
    }),
  );
  await ctx.documents.show('Migration status', `${text}\n`);
}
