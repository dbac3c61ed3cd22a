import { validateMigrationName } from './migrationNameInput';
import { withProgress } from '../progress';
import { loadCore } from '../projects/loadCore';
import { isLocal, projectArgument } from './arguments';
import type { CommandContext } from './commandContext';
import { requireEngine } from './requireEngine';
import { Cancelled, UserFacingError } from './userError';

/**
 * Replaces a range of migrations with one: picked range and name, the squashed SQL verified by replay and
 * shown, a modal saying what happens to the folders, the dev database and the other databases; then the
 * folders are replaced and, where the dev database applied the range, the new migration recorded.
 */
export async function squashMigrationsCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const state = await projectArgument(ctx, arg);
  const local = (state.report?.migrations ?? []).filter(isLocal);
  if (local.length < 2) throw new UserFacingError(`Squashing needs at least two migrations; ${state.project.root} has ${local.length}.`);
  const from = await ctx.prompts.pick(
    local.slice(0, -1).map((m) => ({ label: m.name, description: m.status, name: m.name })),
    { placeHolder: 'Squash starting with which migration? (the first one squashes everything up to a point)' },
  );
  if (!from) throw new Cancelled();
  const to = await ctx.prompts.pick(
    local.slice(local.findIndex((m) => m.name === from.name) + 1).map((m) => ({ label: m.name, description: m.status, name: m.name })),
    { placeHolder: `Squash ${from.name} up to which migration?` },
  );
  if (!to) throw new Cancelled();
  const name = await ctx.prompts.input({ title: 'Squash Migrations', prompt: 'Name of the squashed migration', placeHolder: 'e.g. baseline', validateInput: validateMigrationName });
  if (name === undefined) throw new Cancelled();

  const plan = await withProgress('Squashing and replaying the shortened history…', () =>
    ctx.access.scratch(state.project, (core, project) => core.planSquash(project, core.readMigrationsFolder(project.migrationsDir), { from: from.name, to: to.name, name })),
  );
  const applied = state.databaseMissing
    ? 'none'
    : await ctx.access.read(state.project, (db, core, project) => core.squashDatabaseState(requireEngine(db, 'Squashing'), core.readMigrationsFolder(project.migrationsDir), plan));
  if (applied === 'partial') {
    throw new UserFacingError(`The dev database applied only some of ${plan.replaced[0]} … ${plan.replaced[plan.replaced.length - 1]}: apply the rest (or roll them back) first, so it can follow the squash.`);
  }
  const core = await loadCore();
  await ctx.documents.show(`${plan.migration}.sql`, plan.script);
  const answer = await ctx.prompts.confirm(
    `Replace ${plan.replaced.length} migrations with ${plan.migration}?`,
    [
      'The shortened history replays to the same database: schema, extensions, functions, triggers, views, policies and row counts (verified on a scratch database). The squashed SQL is open in the editor.',
      plan.carried.length > 0 ? `It carries ${core.describeCarried(plan.carried)}.` : 'Every replaced statement is schema the engine rebuilds.',
      `The folders ${plan.replaced[0]} … ${plan.replaced[plan.replaced.length - 1]} are deleted (your version control keeps them).`,
      applied === 'all' ? `${state.databaseLabel} applied them: it records ${plan.migration} as applied instead.` : `${state.databaseLabel} applied none of them: it will apply ${plan.migration}.`,
      core.squashGuidance(plan),
    ].join('\n\n'),
    'Squash',
  );
  if (answer !== 'Squash') throw new Cancelled();
  const replaceFolders = () => core.writeSquash(core.readMigrationsFolder(state.project.migrationsDir), plan);
  try {
    // With the dev database to update, the folders change only once the write is allowed (dev host, no other command).
    if (applied === 'all') {
      await ctx.access.write(state.project, 'Squash Migrations', async (db, loaded) => {
        replaceFolders();
        await loaded.recordSquash(requireEngine(db, 'Squashing'), state.project.migrationsDir, plan);
      });
    } else {
      replaceFolders();
    }
  } finally {
    void ctx.projects.refresh();
  }
  ctx.log.info(`Squashed ${plan.replaced.join(', ')} into ${plan.migration}`);
  const carried = plan.carried.length > 0 ? ` Carried ${core.describeCarried(plan.carried)}.` : '';
  void ctx.prompts.info(`Squashed ${plan.replaced.length} migrations into ${plan.migration}.${carried}`);
}
