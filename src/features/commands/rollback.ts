import * as vscode from 'vscode';
import { withProgress } from '../progress';
import { loadCore } from '../projects/loadCore';
import { isLocal, migrationArgument, projectArgument } from './arguments';
import type { CommandContext } from './commandContext';
import { requireEngine } from './requireEngine';
import { Cancelled } from './userError';

/**
 * Prisma has no down migrations: this computes one (the engine's diff back to the history before the
 * migration, on scratch databases), verifies it by replay, and shows it unsaved; "Write down.sql" puts it
 * beside the migration, where Prisma ignores it.
 */
export async function generateDownMigrationCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const { state, migration } = await migrationArgument(ctx, arg, isLocal, 'Generate the down script of which migration?');
  const { text, roundTrips } = await withProgress(`Computing and verifying the down script of ${migration.name}…`, () =>
    ctx.access.scratch(state.project, async (core, project) => {
      const folder = core.readMigrationsFolder(project.migrationsDir);
      const down = await core.downScript(project, folder, migration.name);
      const verification = await core.verifyDownScript(project, folder, down);
      return { text: core.downScriptText(down, verification), roundTrips: verification.roundTrips };
    }),
  );
  await ctx.documents.show(`${migration.name} down.sql`, text);
  const verdict = roundTrips ? 'verified: it takes the history back exactly' : 'NOT verified: see the difference at its top';
  const picked = await ctx.prompts.pick(
    [
      { label: 'Write down.sql', detail: `Beside ${migration.name}/migration.sql; Prisma ignores the file.`, write: true },
      { label: 'Keep It Unsaved', detail: 'Leave the script in the editor only.', write: false },
    ],
    { placeHolder: `The down script of ${migration.name} is open (${verdict}). Write it beside the migration?` },
  );
  if (!picked?.write) return;
  const core = await loadCore();
  const file = core.downFilePath(migration.dir!);
  if (core.downFileState(file) === 'edited') {
    const replace = 'Replace down.sql';
    const answer = await ctx.prompts.confirm(
      `${migration.name}/down.sql was written or edited by hand. Replace it?`,
      'Its current text is lost; the new script is open in the editor.',
      replace,
    );
    if (answer !== replace) throw new Cancelled();
  }
  core.writeDownFile(file, text);
  ctx.log.info(`Wrote ${file}`);
  await vscode.window.showTextDocument(vscode.Uri.file(file));
}

/**
 * Undoes the dev database's last applied migration: plans it (verified down script, what it drops with the
 * database's counts), shows the script, asks with the losses named, then runs it and records the migration
 * rolled back, so that it is pending again.
 */
export async function rollBackLastCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const state = await projectArgument(ctx, arg);
  const title = 'Roll Back Last Migration';
  const plan = await withProgress('Planning the rollback (down script verified on a scratch database)…', () =>
    ctx.access.read(state.project, (db, core, project) => core.planRollback(requireEngine(db, 'Rolling back'), project, core.readMigrationsFolder(project.migrationsDir))),
  );
  const core = await loadCore();
  await ctx.documents.show(`${plan.migration} down.sql`, core.downScriptText(plan.down, { roundTrips: true }));
  const losses = core.describeLosses(plan);
  const action = losses.length > 0 ? 'Roll Back, Losing This Data' : 'Roll Back';
  const answer = await ctx.prompts.confirm(
    `Roll back ${plan.migration} on ${state.databaseLabel}?`,
    `${losses.length > 0 ? `${losses.map((l) => `• It ${l}`).join('\n')}\n\n` : ''}The down script is open in the editor. The migration becomes pending: Apply Pending Migrations applies it again.`,
    action,
  );
  if (answer !== action) throw new Cancelled();
  await withProgress(`Rolling back ${plan.migration}…`, () =>
    ctx.access.write(state.project, title, (db, loaded) => loaded.executeRollback(requireEngine(db, 'Rolling back'), plan)),
  ).finally(() => void ctx.projects.refresh());
  ctx.log.info(`Rolled back ${plan.migration}`);
  void ctx.prompts.info(`Rolled back ${plan.migration}; it is pending again.`);
}
