import * as vscode from 'vscode';
import { loadCore } from '../projects/loadCore';

/**
 * The input box's check of a migration name as it is typed: an error when Prisma could not use it, else,
 * before anything is created, what the folder name will say when Prisma's rules change it (`café` → `cafe`).
 */
export async function validateMigrationName(value: string): Promise<string | vscode.InputBoxValidationMessage | undefined> {
  const core = await loadCore();
  const problem = await core.migrationNameProblem(value);
  if (problem) return problem;
  const note = await core.migrationNameNote(value);
  return note ? { message: note, severity: vscode.InputBoxValidationSeverity.Info } : undefined;
}
