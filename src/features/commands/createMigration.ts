import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ProjectDatabase } from '../../core/connect';
import type { MigrationPlan } from '../../core/engine/migrationEngine';
import { plainText } from '../../core/text/plainText';
import { validateMigrationName } from './migrationNameInput';
import { withProgress } from '../progress';
import { type Core, loadCore } from '../projects/loadCore';
import { projectArgument } from './arguments';
import type { CommandContext } from './commandContext';
import { addMigrationTest } from './addMigrationTest';
import { rehearsePending } from './rehearse';
import { requireEngine } from './requireEngine';
import { Cancelled } from './userError';

/** `rehearse`: written like a draft, then rehearsed on a copy of the dev database, whose page offers Apply. */
type Mode = 'apply' | 'draft' | 'rehearse';

/**
 * `migrate dev` with the questions asked first: the plan (SQL and the engine's warnings, with the dev
 * database's row counts) is shown before anything is asked, with the decision beside it; then the name;
 * data loss needs a modal yes that names what is lost; a migration that cannot run can only be created
 * as a draft to edit. The preview closes once the decision is made.
 */
export async function createMigrationCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const state = await projectArgument(ctx, arg);
  const plan = await withProgress('Planning the migration…', () =>
    ctx.access.read(state.project, (db, core) => requireEngine(db, 'Creating a migration').planMigration(core.readMigrationsFolder(state.project.migrationsDir))),
  );
  const preview = plan.hasChanges ? await ctx.documents.show('Planned migration.sql', previewText(plan)) : undefined;
  const { mode, name } = await decideAndName(ctx, plan, preview?.document.uri).finally(() => preview && ctx.documents.close(preview.document.uri));

  // A draft only reads the database; creating and applying rewrites it, so it passes the dev-host guard.
  const create = async (db: ProjectDatabase, core: Core) =>
    core.createMigration(requireEngine(db, 'Creating a migration'), state.project.migrationsDir, { name, draft: mode !== 'apply', acceptDataLoss: plan.warnings.length > 0 });
  const result = await withProgress(mode === 'apply' ? 'Creating and applying the migration…' : 'Writing the migration…', () =>
    mode === 'apply' ? ctx.access.write(state.project, 'Create Migration', create) : ctx.access.read(state.project, create),
  ).finally(() => void ctx.projects.refresh());
  if (!result.dir || !result.name) {
    void ctx.prompts.info('Already in sync: the schema matches the migration history, no migration was created.');
    return;
  }
  const file = vscode.Uri.file(path.join(result.dir, 'migration.sql'));
  ctx.log.info(`Created ${result.name}${result.applied.length > 0 ? `; applied ${result.applied.join(', ')}` : ' (draft)'}`);
  if (mode === 'draft') await vscode.window.showTextDocument(file);
  if (mode === 'rehearse') await rehearsePending(ctx, state);
  const done = mode === 'apply' ? `Migration ${result.name} created and applied.` : mode === 'draft' ? `Draft migration ${result.name} created; edit it, then apply it.` : `Migration ${result.name} created.`;
  const core = await loadCore();
  if (!core.changesData(await readFile(file.fsPath, 'utf8'))) {
    if (mode !== 'rehearse') void ctx.prompts.info(done);
    return;
  }
  // A migration that rewrites rows is the one worth a test: offered, not forced.
  const answer = await ctx.prompts.info(`${done} It changes rows: a test beside it can prove what it does to them.`, ADD_TEST);
  if (answer === ADD_TEST) await addMigrationTest(ctx, state, result.name);
}

const ADD_TEST = 'Add a Test';

async function decideAndName(ctx: CommandContext, plan: MigrationPlan, preview: vscode.Uri | undefined): Promise<{ mode: Mode; name: string }> {
  const mode = await chooseMode(ctx, plan, preview);
  const name = await ctx.prompts.input({
    title: mode === 'apply' ? 'Create Migration' : mode === 'draft' ? 'Create Migration (draft)' : 'Create Migration (rehearsed before it is applied)',
    prompt: 'Name of the new migration (becomes part of its folder name)',
    placeHolder: 'e.g. add_user_roles',
    validateInput: validateMigrationName,
  });
  if (name === undefined) throw new Cancelled();
  return { mode, name };
}

const APPLY = 'Create and Apply';
const REHEARSE = 'Create and Rehearse';
const DRAFT = 'Create Draft';

async function chooseMode(ctx: CommandContext, plan: MigrationPlan, preview: vscode.Uri | undefined): Promise<Mode> {
  if (!plan.hasChanges || !preview) {
    const answer = await ctx.prompts.info('The schema matches the migration history: there is nothing to migrate.', 'Create Empty Draft');
    if (answer !== 'Create Empty Draft') throw new Cancelled();
    return 'draft';
  }
  if (plan.unexecutableSteps.length > 0) {
    const answer = await ctx.prompts.confirm(
      'This migration cannot run on the dev database as it is.',
      `${bullets(plan.unexecutableSteps)}\n\nCreate it as a draft, edit its SQL (e.g. fill the new column first), then apply it.`,
      DRAFT,
    );
    if (answer !== DRAFT) throw new Cancelled();
    return 'draft';
  }
  if (plan.warnings.length > 0) {
    const answer = await ctx.prompts.confirm(
      'This migration loses data on the dev database.',
      `${bullets(plan.warnings)}\n\nThe data cannot be recovered once the migration is applied.`,
      'Create and Apply, Losing This Data',
      'Create and Rehearse on a Copy First',
      'Create Draft Only',
    );
    if (answer === 'Create and Apply, Losing This Data') return 'apply';
    if (answer === 'Create and Rehearse on a Copy First') return 'rehearse';
    if (answer === 'Create Draft Only') return 'draft';
    throw new Cancelled();
  }
  // Beside the preview, not over it: the SQL stays readable while deciding.
  const answer = await ctx.prompts.decide(
    preview,
    'Create this migration? Its SQL is open in the editor. Rehearsing runs it on a copy of the dev database first; a draft is written without being applied, for editing.',
    APPLY,
    REHEARSE,
    DRAFT,
  );
  if (answer === APPLY) return 'apply';
  if (answer === REHEARSE) return 'rehearse';
  if (answer === DRAFT) return 'draft';
  throw new Cancelled();
}

/** The planned SQL, headed by what the engine warned about, as SQL comments. */
function previewText(plan: MigrationPlan): string {
  const notes = [
    ...plan.unexecutableSteps.map((step) => `-- Cannot run: ${step.message}`),
    ...plan.warnings.map((warning) => `-- Data loss: ${warning.message}`),
  ];
  return `${notes.length > 0 ? `${notes.join('\n')}\n\n` : ''}${plan.script}`;
}

function bullets(feedback: ReadonlyArray<{ message: string }>): string {
  return feedback.map((f) => `• ${plainText(f.message)}`).join('\n');
}
