import { relativeTime } from '../../core/text/relativeTime';
import { withProgress } from '../progress';
import { loadCore } from '../projects/loadCore';
import type { ProjectState } from '../projects/projectState';
import { projectArgument } from './arguments';
import type { CommandContext } from './commandContext';

/**
 * The full status, drift included, as a read-only document (what `prisma-migrations status` prints, with
 * local dates) that follows the project: every refresh of the view (a reset, an apply, a poll) rewrites it.
 */
export async function showStatusCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const state = await projectArgument(ctx, arg);
  await withProgress('Reading the migration status…', () => ctx.projects.refresh());
  const current = () => ctx.projects.projects.find((s) => s.project.schemaPath === state.project.schemaPath);
  const editor = await ctx.documents.show('Migration status', await statusText(current() ?? state));
  const uri = editor.document.uri;
  // Until the page is closed (its content is gone then).
  const follow = ctx.projects.onDidChange(async () => {
    const now = current();
    if (now && !now.loading && !ctx.documents.update(uri, await statusText(now))) follow.dispose();
  });
}

async function statusText(state: ProjectState): Promise<string> {
  const { formatStatus, readMigrationsFolder } = await loadCore();
  const updated = `Updated ${new Date().toLocaleTimeString()}; this page follows the Migrations view.`;
  if (state.error || !state.report) return `Project: ${state.project.root}\nNo status: ${state.error ?? 'not read yet'}\n${updated}\n`;
  const problems = readMigrationsFolder(state.project.migrationsDir).problems.map((problem) => `Warning: ${problem.message}`);
  // Between the status and its drift, the drift is being checked, not unknown.
  const report = state.checkingDrift ? { ...state.report, drift: undefined, driftUnavailable: undefined } : state.report;
  const text = formatStatus(report, state.databaseLabel, { formatDate: (date) => `${date.toLocaleString()} (${relativeTime(date)})` }) + (state.checkingDrift ? '\nDrift: checking…' : '');
  return [`Project: ${state.project.root}`, text, ...problems, '', updated].join('\n') + '\n';
}
