import * as vscode from 'vscode';
import type { CommandContext } from './features/commands/commandContext';
import { registerCommands } from './features/commands/commandTable';
import { type Prompts, vscodePrompts } from './features/commands/prompts';
import { DevDatabaseStore } from './features/devDatabase/devDatabaseStore';
import { DriftDiagnostics } from './features/driftDiagnostics/driftDiagnostics';
import { GitMigrations } from './features/git/gitMigrations';
import { MigrationsLanguageClient } from './features/languageClient/languageClient';
import { Logger } from './features/logger';
import { MigrationsTreeProvider } from './features/migrationsView/migrationsTree';
import { DatabaseAccess } from './features/projects/databaseAccess';
import { ProjectService } from './features/projects/projectService';
import { MigrationTestController } from './features/migrationTests/migrationTestController';
import { MigrationTestLenses } from './features/migrationTests/migrationTestLenses';
import { RehearsalPanel } from './features/rehearsal/rehearsalPanel';
import { PreviewDecisions } from './features/sqlDocuments/previewDecisions';
import { SqlDocuments } from './features/sqlDocuments/sqlDocuments';
import { MigrationSqlLanguage } from './features/sqlLanguage/migrationSqlLanguage';
import { MigrationStatusItem } from './features/statusBar/migrationStatusItem';
import { WalkthroughProgress } from './features/walkthrough/walkthroughProgress';

/** What activate() returns: the activation time, and the seams the extension-host tests use. */
export interface ExtensionApi {
  activationMs: number;
  projects: ProjectService;
  tree: MigrationsTreeProvider;
  rehearsals: RehearsalPanel;
  migrationTests: MigrationTestController;
  /** Where the log channel's file lives. */
  logUri: vscode.Uri;
  /** Replaces the user's prompts (input boxes, picks, modals) with scripted answers; returns the previous ones. */
  setPrompts(prompts: Prompts): Prompts;
}

/** Composition only: build the services, register the features, start the first refresh. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const log = new Logger();
  const store = new DevDatabaseStore(context.secrets);
  const access = new DatabaseAccess(store, log);
  const git = new GitMigrations();
  const projects = new ProjectService(log, access, store, git);
  const tree = new MigrationsTreeProvider(projects);
  const view = vscode.window.createTreeView('prismaMigrations.migrations', { treeDataProvider: tree });
  const documents = new SqlDocuments();
  const decisions = new PreviewDecisions();
  const walkthrough = new WalkthroughProgress(context.globalState, projects, view);
  const rehearsals = new RehearsalPanel();
  const migrationTests = new MigrationTestController(projects, access, log);
  const ctx: CommandContext = { projects, access, store, documents, log, walkthrough, rehearsals, prompts: vscodePrompts(decisions) };
  const languageClient = new MigrationsLanguageClient(context, log, projects, access);
  context.subscriptions.push(
    log,
    store,
    git,
    projects,
    tree,
    view,
    documents,
    decisions,
    rehearsals,
    migrationTests,
    new MigrationTestLenses(migrationTests),
    new MigrationStatusItem(projects),
    new DriftDiagnostics(projects),
    new MigrationSqlLanguage(projects),
    walkthrough,
    view.onDidChangeVisibility((event) => projects.setVisible(event.visible)),
    ...registerCommands(ctx),
    languageClient,
  );
  projects.setVisible(view.visible);
  // After activation has returned: the first refresh loads the core (drivers, engine glue, config loader),
  // about a second of work the extension host should not count as, or wait for in, activation; the
  // language server is a process of its own.
  const firstRefresh = setTimeout(() => {
    void projects.refresh();
    void languageClient.start();
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(firstRefresh) });
  void revealOnce(context);
  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms`);
  return {
    activationMs,
    projects,
    tree,
    rehearsals,
    migrationTests,
    logUri: context.logUri,
    setPrompts(prompts) {
      const previous = ctx.prompts;
      ctx.prompts = prompts;
      return previous;
    },
  };
}

/** The first time the extension meets a workspace, it shows its view; after that, the user's layout wins. */
async function revealOnce(context: vscode.ExtensionContext): Promise<void> {
  const key = 'prismaMigrations.viewRevealed';
  if (context.workspaceState.get<boolean>(key)) return;
  await context.workspaceState.update(key, true);
  await vscode.commands.executeCommand('prismaMigrations.migrations.focus');
}
