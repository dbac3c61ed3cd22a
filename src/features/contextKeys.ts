import * as vscode from 'vscode';

/** Context keys the manifest's `when` clauses read. */
export type ContextKey = 'prismaMigrations.hasProjects';

export function setContext(key: ContextKey, value: unknown): void {
  void vscode.commands.executeCommand('setContext', key, value);
}
