import * as vscode from 'vscode';
import { Logger } from './features/logger';
import { MigrationsTreeProvider } from './features/migrationsView/migrationsTree';
import { ProjectService } from './features/projects/projectService';
import { MigrationStatusItem } from './features/statusBar/migrationStatusItem';

/** Composition only: build the services, register the features, start the first refresh. */
export function activate(context: vscode.ExtensionContext): { activationMs: number } {
  const started = performance.now();
  const log = new Logger();
  const projects = new ProjectService(log);
  const tree = new MigrationsTreeProvider(projects);
  context.subscriptions.push(
    log,
    projects,
    tree,
    vscode.window.createTreeView('prismaMigrations.migrations', { treeDataProvider: tree, showCollapseAll: true }),
    new MigrationStatusItem(projects),
    vscode.commands.registerCommand('prismaMigrations.refresh', () => projects.refresh()),
    vscode.commands.registerCommand('prismaMigrations.showLog', () => log.show()),
  );
  void projects.refresh().catch((error: unknown) => log.error('Refreshing the migration status failed', error));
  void revealOnce(context);
  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs };
}

/** The first time the extension meets a workspace, it shows its view; after that, the user's layout wins. */
async function revealOnce(context: vscode.ExtensionContext): Promise<void> {
  const key = 'prismaMigrations.viewRevealed';
  if (context.workspaceState.get<boolean>(key)) return;
  await context.workspaceState.update(key, true);
  await vscode.commands.executeCommand('prismaMigrations.migrations.focus');
}
