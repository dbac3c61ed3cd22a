import path from 'node:path';
import * as vscode from 'vscode';
import { validateMigrationName } from './migrationNameInput';
import { withProgress } from '../progress';
import { projectArgument } from './arguments';
import type { CommandContext } from './commandContext';
import { requireEngine } from './requireEngine';
import { Cancelled } from './userError';

/** Captures the dev database's drift as a migration, recorded as applied there (the database already has it). */
export async function createMigrationFromDriftCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const state = await projectArgument(ctx, arg);
  if (!state.report?.drift) {
    void ctx.prompts.info(`The dev database of ${path.basename(state.project.root)} matches its migration history: there is no drift to capture.`);
    return;
  }
  const name = await ctx.prompts.input({
    title: 'Capture Drift as a Migration',
    prompt: 'Name of the migration that brings the history to what the dev database is',
    placeHolder: 'e.g. capture_manual_changes',
    validateInput: validateMigrationName,
  });
  if (name === undefined) throw new Cancelled();
  const migration = await withProgress('Capturing the drift…', () =>
    ctx.access.write(state.project, 'Capture Drift as a Migration', (db, core, project) => core.createMigrationFromDrift(requireEngine(db, 'Capturing drift'), project.migrationsDir, name)),
  ).finally(() => void ctx.projects.refresh());
  ctx.log.info(`Created ${migration} from drift, recorded as applied`);
  await vscode.window.showTextDocument(vscode.Uri.file(path.join(state.project.migrationsDir, migration, 'migration.sql')));
  void ctx.prompts.info(`Created ${migration} from the drift; the dev database records it as applied.`);
}
