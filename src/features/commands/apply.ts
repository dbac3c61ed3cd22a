import path from 'node:path';
import * as vscode from 'vscode';
import { isMigrateError } from '../../core/errors';
import { withProgress } from '../progress';
import type { ProjectState } from '../projects/projectState';
import { projectArgument } from './arguments';
import type { CommandContext } from './commandContext';
import { markMigration } from './resolve';
import { UserFacingError } from './userError';

export async function applyPendingCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  await applyPending(ctx, await projectArgument(ctx, arg));
}

/**
 * Applies the pending migrations one by one with a progress notification; cancelling stops between two
 * migrations, never inside one. A failing migration becomes a message with its error and the ways out.
 */
export async function applyPending(ctx: CommandContext, state: ProjectState): Promise<string[]> {
  const title = 'Apply Pending Migrations';
  try {
    const applied = await ctx.access.write(state.project, title, (db, core) => {
      const folder = core.historyToApply(state.project);
      return withProgress(
        `Applying migrations to ${db.label}`,
        (progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          return db.backend.applyPending(folder, {
            signal: controller.signal,
            onWait: (message) => {
              progress.report({ message });
              ctx.log.info(message);
            },
            onMigrationStart: (name, index, total) => {
              progress.report({ message: `${index + 1}/${total}: ${name}`, increment: index === 0 ? 0 : 100 / total });
              ctx.log.info(`Applying ${name} (${index + 1}/${total})`);
            },
          });
        },
        { cancellable: true },
      );
    });
    ctx.log.info(applied.length === 0 ? 'No pending migrations.' : `Applied ${applied.join(', ')}`);
    void ctx.prompts.info(applied.length === 0 ? 'No pending migrations.' : `Applied ${applied.length} migration${applied.length === 1 ? '' : 's'}.`);
    return applied;
  } catch (error) {
    if (isMigrateError(error) && error.kind === 'migrationFailed' && error.details?.migration) throw failedMigrationError(ctx, state, error.details.migration, error.message);
    throw error;
  } finally {
    // Not awaited: a refused command must say so at once, not after the command it waited for.
    void ctx.projects.refresh();
  }
}

/** The database's error for the failed migration, and the actions that resolve it. */
function failedMigrationError(ctx: CommandContext, state: ProjectState, migration: string, message: string): UserFacingError {
  const file = vscode.Uri.file(path.join(state.project.migrationsDir, migration, 'migration.sql'));
  return new UserFacingError(`${message.replace(/\.?\s*$/, '.')} Fix the database or the migration, then resolve it.`, [
    { title: 'Open Migration', run: () => vscode.window.showTextDocument(file) },
    { title: 'Mark Rolled Back', run: () => markMigration(ctx, state, migration, 'rolledBack') },
    { title: 'Mark Applied', run: () => markMigration(ctx, state, migration, 'applied') },
  ]);
}
