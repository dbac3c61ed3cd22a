import path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { PrismaProject } from '../../core/types';
import type { Logger } from '../logger';
import type { ProjectState } from './projectState';

/**
 * Owns the Prisma projects of the workspace and their migration status; the view and the status bar
 * only render it. Connections are opened per refresh and closed right after: the engine's SQLite
 * connection holds an exclusive lock the user's own app would otherwise wait on.
 */
export class ProjectService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private states: ProjectState[] = [];
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

  constructor(private readonly log: Logger) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/{*.prisma,migration.sql,migration_lock.toml,prisma.config.*}');
    const onFileChange = (uri: vscode.Uri) => {
      if (!uri.path.includes('/node_modules/')) void this.refresh();
    };
    watcher.onDidChange(onFileChange, this, this.disposables);
    watcher.onDidCreate(onFileChange, this, this.disposables);
    watcher.onDidDelete(onFileChange, this, this.disposables);
    vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh(), this, this.disposables);
    vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh(), this, this.disposables);
    this.disposables.push(watcher);
  }

  get projects(): readonly ProjectState[] {
    return this.states;
  }

  /** Re-discovers projects and re-reads every status; concurrent calls coalesce into one more run. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = this.run().finally(() => {
      this.refreshing = undefined;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  private async run(): Promise<void> {
    const started = performance.now();
    const projects = await this.discover();
    const { configuredDatabase } = await loadStatusReader();
    this.states = projects.map((project) => ({
      project,
      databaseLabel: shortLabel(configuredDatabase(project), project.root),
      loading: true,
      report: this.states.find((s) => s.project.schemaPath === project.schemaPath)?.report,
    }));
    this.changed.fire();
    await Promise.all(this.states.map((state) => this.readState(state)));
    this.changed.fire();
    this.log.debug(`Refreshed ${this.states.length} project(s) in ${Math.round(performance.now() - started)} ms`);
  }

  private async discover(): Promise<PrismaProject[]> {
    const trusted = vscode.workspace.isTrusted;
    const folders = vscode.workspace.workspaceFolders ?? [];
    const { findProjects } = await loadStatusReader();
    const found = await Promise.all(
      folders.map((folder) =>
        findProjects(folder.uri.fsPath, {
          trusted,
          onError: (where, error) => this.log.warn(`${where}: ${error.message}`),
        }),
      ),
    );
    const projects = found.flat();
    for (const project of projects) for (const warning of project.warnings) this.log.warn(`${project.schemaPath}: ${warning}`);
    return projects;
  }

  private async readState(state: ProjectState): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      state.error = 'Trust this workspace to read the migration status: it connects to the database.';
      state.loading = false;
      return;
    }
    try {
      const { readProjectStatus } = await loadStatusReader();
      const { label, report } = await readProjectStatus(state.project, (line) => this.log.debug(line));
      state.databaseLabel = shortLabel(label, state.project.root);
      state.report = report;
      state.error = undefined;
    } catch (error) {
      state.error = errorMessage(error);
      this.log.error(`Could not read the migration status of ${state.project.schemaPath}`, error);
    } finally {
      state.loading = false;
    }
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function loadStatusReader(): Promise<typeof import('./statusReader.js')> {
  return import('./statusReader.js');
}

/** Files inside the project are shown relative to it: the view is narrow. */
function shortLabel(label: string, root: string): string {
  const embedded = /^embedded PGlite \((.*)\)$/.exec(label);
  const file = embedded ? embedded[1] : label;
  if (!path.isAbsolute(file)) return label;
  const relative = path.relative(root, file);
  if (relative.startsWith('..')) return label;
  return embedded ? `embedded PGlite (${relative})` : relative;
}
