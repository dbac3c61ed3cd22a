import * as vscode from 'vscode';

/** Context keys the manifest's `when` clauses and the walkthrough's completion events read. */
export type ContextKey =
  | 'prismaMigrations.hasProjects'
  | 'prismaMigrations.hasDrift'
  | 'prismaMigrations.viewSeen'
  | 'prismaMigrations.walkthroughOpen'
  | 'prismaMigrations.devDatabaseReady'
  | 'prismaMigrations.hasMigrations'
  | 'prismaMigrations.sawBreakingChange'
  | 'prismaMigrations.ranCiCheck';

export function setContext(key: ContextKey, value: unknown): void {
  void vscode.commands.executeCommand('setContext', key, value);
}
