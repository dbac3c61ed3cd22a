import path from 'node:path';
import * as vscode from 'vscode';
import { isMigrateError } from '../../core/errors';
import { validateMigrationName } from './migrationNameInput';
import { DEFAULT_INIT_NAME } from '../../core/operations/init';
import { withProgress } from '../progress';
import type { ProjectState } from '../projects/projectState';
import { applyPending } from './apply';
import { projectArgument } from './arguments';
import type { CommandContext } from './commandContext';
import { requireEngine } from './requireEngine';
import { Cancelled, UserFacingError } from './userError';

const INITIALIZE = 'Initialize Migrations';
const PULL = 'Pull Schema from Database';

/**
 * The first migration of a project that has a schema but no history. When the dev database already has
 * exactly those tables (db push, or made by hand) it is baselined — recorded as applied, never run — after
 * the user agrees; when it has something else, nothing is written and the differences are shown.
 */
export async function initializeMigrationsCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const state = await projectArgument(ctx, arg);
  const name = await ctx.prompts.input({
    title: INITIALIZE,
    prompt: 'Name of the first migration (its folder is 0_<name>, before any later migration)',
    value: DEFAULT_INIT_NAME,
    validateInput: validateMigrationName,
  });
  if (name === undefined) throw new Cancelled();
  const plan = await withProgress('Comparing the schema with the dev database…', () =>
    ctx.access.write(state.project, INITIALIZE, (db, core, project) => core.planInit(requireEngine(db, INITIALIZE), project, name)),
  );
  const label = state.databaseLabel || 'The dev database';
  if (plan.fit.kind === 'differs') {
    await ctx.documents.show(`${label} compared with ${plan.name}`, `-- What the dev database has that ${plan.name} would not build (nothing was written):\n\n${plan.fit.differences}\n`);
    throw new UserFacingError(`${INITIALIZE} stopped: ${label} already has tables that differ from the schema, so ${plan.name} could neither run there nor be recorded as applied. Nothing was written.`, [
      { title: `${PULL}…`, run: () => vscode.commands.executeCommand('prismaMigrations.pullSchema', state.project.schemaPath) },
    ]);
  }
  let baselined = false;
  if (plan.fit.kind === 'matches') {
    const choice = await ctx.prompts.confirm(
      `${label} already has exactly the tables of ${plan.name}. Baseline it?`,
      `Baselining records ${plan.name} as applied without running it, so the existing tables and their rows stay as they are. Other databases that already have these tables need the same: prisma migrate resolve --applied ${plan.name}.`,
      'Baseline',
      'Create Migration Only',
    );
    if (choice === undefined) throw new Cancelled();
    baselined = choice === 'Baseline';
  }
  await ctx.access
    .write(state.project, INITIALIZE, async (db, core, project) => {
      core.writeInit(project, plan, project.provider);
      if (baselined) await core.baseline(requireEngine(db, INITIALIZE), project, plan.name);
    })
    .finally(() => void ctx.projects.refresh());
  ctx.log.info(`Created ${plan.name}${baselined ? ', baselined on the dev database' : ''}`);
  await vscode.window.showTextDocument(vscode.Uri.file(path.join(state.project.migrationsDir, plan.name, 'migration.sql')));
  if (baselined) {
    void ctx.prompts.info(`Created ${plan.name} and recorded it as applied on ${label}: the history now starts from the existing tables.`);
  } else if (plan.fit.kind === 'empty') {
    if ((await ctx.prompts.info(`Created ${plan.name}. ${label} is empty: apply it to create the tables.`, 'Apply')) === 'Apply') await applyPending(ctx, state);
  } else {
    void ctx.prompts.info(`Created ${plan.name}; it is pending on ${label}.`);
  }
}

/**
 * `db pull` for a project whose database came first: the schema's models from the dev database's tables.
 * Replacing models the schema already has needs the user's consent.
 */
export async function pullSchemaCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const state = await projectArgument(ctx, arg);
  if (state.databaseMissing) throw new UserFacingError(`There is no dev database to pull from yet (${state.databaseLabel}). Configure the database that has the tables first.`, [
    { title: 'Configure Dev Database…', run: () => vscode.commands.executeCommand('prismaMigrations.configureDevDatabase', state.project.schemaPath) },
  ]);
  const pull = (force: boolean) =>
    withProgress('Pulling the schema from the dev database…', () => ctx.access.read(state.project, (db, core, project) => core.pullSchema(requireEngine(db, PULL), project, { force })));
  const result = await pull(false).catch(async (error: unknown) => {
    if (!isMigrateError(error) || error.kind !== 'refused') throw error;
    const choice = await ctx.prompts.confirm(`${error.message.replace(/ Nothing was written\.$/, '')}.`, 'The models, their names, maps and relations are replaced by what introspection finds; undo (Ctrl+Z in the editor, or git) brings them back.', 'Replace Models');
    if (choice !== 'Replace Models') throw new Cancelled();
    return pull(true);
  });
  void ctx.projects.refresh();
  ctx.log.info(`Pulled ${result.models} models into ${result.files.map((f) => f.path).join(', ')}`);
  await vscode.window.showTextDocument(vscode.Uri.file(result.files[0].path));
  await offerInitialize(ctx, state, result.models);
}

async function offerInitialize(ctx: CommandContext, state: ProjectState, models: number): Promise<void> {
  const message = `Pulled ${models} model${models === 1 ? '' : 's'} from ${state.databaseLabel}.`;
  if (state.report && state.report.migrations.length > 0) {
    void ctx.prompts.info(message);
    return;
  }
  if ((await ctx.prompts.info(`${message} Create the first migration and baseline it on this database?`, `${INITIALIZE}…`)) !== undefined) {
    await vscode.commands.executeCommand('prismaMigrations.initializeMigrations', state.project.schemaPath);
  }
}
