import type { ProjectState } from '../projects/projectState';
import { migrationArgument } from './arguments';
import type { CommandContext } from './commandContext';
import { Cancelled } from './userError';

export type Resolution = 'applied' | 'rolledBack';

const WORDS: Record<Resolution, string> = { applied: 'applied', rolledBack: 'rolled back' };

/** `migrate resolve` for a failed migration: the user says which way it was resolved. */
export async function resolveFailedCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const { state, migration } = await migrationArgument(ctx, arg, (m) => m.status === 'failed', 'Resolve which failed migration?');
  const choice = await ctx.prompts.pick(
    [
      { label: 'Mark as rolled back', detail: 'You undid what it changed; it will run again with the next apply.', resolution: 'rolledBack' as const },
      { label: 'Mark as applied', detail: 'You finished its changes by hand; it will not run again.', resolution: 'applied' as const },
    ],
    { placeHolder: `How was ${migration.name} resolved?` },
  );
  if (!choice) throw new Cancelled();
  await markMigration(ctx, state, migration.name, choice.resolution);
}

export async function markAppliedCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const { state, migration } = await migrationArgument(ctx, arg, (m) => m.status === 'failed', 'Mark which failed migration as applied?');
  await markMigration(ctx, state, migration.name, 'applied');
}

export async function markRolledBackCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const { state, migration } = await migrationArgument(ctx, arg, (m) => m.status === 'failed', 'Mark which failed migration as rolled back?');
  await markMigration(ctx, state, migration.name, 'rolledBack');
}

export async function markMigration(ctx: CommandContext, state: ProjectState, name: string, resolution: Resolution): Promise<void> {
  try {
    await ctx.access.write(state.project, `Mark ${name} ${WORDS[resolution]}`, async (db, core) => {
      if (resolution === 'applied') await db.backend.markApplied(core.readMigrationsFolder(state.project.migrationsDir), name);
      else await db.backend.markRolledBack(name);
    });
  } finally {
    void ctx.projects.refresh();
  }
  ctx.log.info(`Marked ${name} ${WORDS[resolution]}`);
  void ctx.prompts.info(`Migration ${name} marked as ${WORDS[resolution]}.`);
}
