import path from 'node:path';
import { READY_TO_DEPLOY } from '../../core/check/findings';
import { formatFindings } from '../../core/check/findingFormats';
import { withProgress } from '../progress';
import { projectArgument } from './arguments';
import type { CommandContext } from './commandContext';

/**
 * `prisma-migrations check --ci` in the editor: the same gate, offline, on the saved files, its findings in
 * a read-only document worded as the pipeline prints them. Without a target or a base branch (the editor
 * has no natural one), it raises no conflicting-migrations, as the pipeline without them does not.
 */
export async function runCiCheckCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const state = await projectArgument(ctx, arg);
  const { findings, fails } = await withProgress('Running the CI check…', () =>
    ctx.access.scratch(state.project, async (core, project) => {
      const found = await core.ciGate(project, core.readMigrationsFolder(project.migrationsDir), null, null);
      return { findings: found, fails: core.failsGate(found, 'warning') };
    }),
  );
  ctx.walkthrough.done('prismaMigrations.ranCiCheck');
  const folder = path.basename(state.project.root);
  ctx.log.info(`CI check of ${state.project.root}: ${findings.length} finding(s)${fails ? ', fails the build' : ''}`);
  if (findings.length === 0) {
    void ctx.prompts.info(`CI check of ${folder}: ${READY_TO_DEPLOY}`);
    return;
  }
  await ctx.documents.show(`CI check — ${folder}`, `${formatFindings(findings, 'text', state.project.root)}\n`);
  const summary = `${findings.length} finding${findings.length === 1 ? '' : 's'}`;
  if (fails) void ctx.prompts.error(`CI check of ${folder} would fail the build: ${summary}.`);
  else void ctx.prompts.info(`CI check of ${folder} passes, with ${summary} for information.`);
}
