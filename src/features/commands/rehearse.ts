import * as vscode from 'vscode';
import { isMigrateError } from '../../core/errors';
import type { RehearsalReport } from '../../core/rehearsal/rehearse';
import { withProgress } from '../progress';
import type { ProjectState } from '../projects/projectState';
import { readSettings } from '../settings';
import { projectArgument } from './arguments';
import type { CommandContext } from './commandContext';
import { UserFacingError } from './userError';

export async function rehearseCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  await rehearsePending(ctx, await projectArgument(ctx, arg));
}

/**
 * The pending migrations rehearsed on a copy of the dev database, the report shown as a page. A copy
 * larger than the setting allows is asked for by name; cancelling stops between two migrations and still
 * drops the copy.
 */
export async function rehearsePending(ctx: CommandContext, state: ProjectState, maxBytes = readSettings(vscode.Uri.file(state.project.root)).rehearsalMaxSizeMB * 1e6): Promise<RehearsalReport> {
  try {
    const report = await withProgress(
      'Rehearsing pending migrations on a copy of the dev database',
      (progress, token) =>
        ctx.access.copy(state.project, (core, project, url) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          progress.report({ message: 'copying…' });
          return core.rehearseOnCopy(project, url, {
            maxBytes,
            signal: controller.signal,
            onMigrationStart: (name, index, total) => progress.report({ message: `${index + 1}/${total}: ${name}` }),
          });
        }),
      { cancellable: true },
    );
    ctx.log.info(`Rehearsal of ${state.project.schemaPath}: ${report.outcome}`);
    ctx.rehearsals.show(state, report);
    return report;
  } catch (error) {
    if (!isMigrateError(error) || error.kind !== 'refused') throw error;
    throw new UserFacingError(error.message, [{ title: 'Copy It Anyway', run: () => rehearsePending(ctx, state, Infinity) }]);
  }
}
