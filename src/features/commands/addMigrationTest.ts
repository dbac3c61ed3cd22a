import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { NO_ROW_CHANGES } from '../../core/migrationTests/dataChanges';
import { SCAFFOLD_FILE } from '../../core/migrationTests/testFiles';
import { withProgress } from '../progress';
import type { ProjectState } from '../projects/projectState';
import { isLocal, migrationArgument } from './arguments';
import type { CommandContext } from './commandContext';
import { UserFacingError } from './userError';

export async function addMigrationTestCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const { state, migration } = await migrationArgument(ctx, arg, isLocal, 'Add a test to which migration?');
  await addMigrationTest(ctx, state, migration.name);
}

/**
 * Opens the migration's test file, writing a starter one first when there is none: a test that inserts rows
 * as the tables are before the migration (read from the history replayed on a scratch database), migrates,
 * and asserts what the migration does to them. A migration that changes no rows gets no scaffold.
 */
export async function addMigrationTest(ctx: CommandContext, state: ProjectState, migration: string): Promise<void> {
  const file = path.join(state.project.migrationsDir, path.basename(migration), SCAFFOLD_FILE);
  if (!existsSync(file)) {
    const scaffold = await withProgress(`Writing a test for ${migration}…`, () =>
      ctx.access.scratch(state.project, (core, project) => core.migrationTestScaffold(project, core.readMigrationsFolder(project.migrationsDir), migration)),
    );
    if (!scaffold) throw new UserFacingError(`${migration} ${NO_ROW_CHANGES}: there is nothing for a test to check yet.`);
    if (scaffold.problem) ctx.log.warn(`The tables before ${migration} could not be read, so the test's rows are templates: ${scaffold.problem}`);
    await vscode.workspace.fs.writeFile(vscode.Uri.file(file), Buffer.from(scaffold.text, 'utf8'));
    ctx.log.info(`Wrote ${file}`);
  }
  await vscode.window.showTextDocument(vscode.Uri.file(file));
}
