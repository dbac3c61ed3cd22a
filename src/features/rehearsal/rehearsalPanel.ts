import { randomBytes } from 'node:crypto';
import path from 'node:path';
import * as vscode from 'vscode';
import type { RehearsalReport } from '../../core/rehearsal/rehearse';
import type { ProjectState } from '../projects/projectState';
import { type RehearsalPageMessage, rehearsalHtml } from './rehearsalHtml';

/** A rehearsal shown, for whoever waits for it (the tests). */
export interface ShownRehearsal {
  project: string;
  report: RehearsalReport;
}

/**
 * The rehearsal page: one editor tab, reused and brought forward by each rehearsal. Its buttons run the
 * commands they name on the project rehearsed; a statement's line opens the migration there.
 */
export class RehearsalPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private project: ProjectState | undefined;
  private readonly shown = new vscode.EventEmitter<ShownRehearsal>();
  readonly onDidShow = this.shown.event;

  show(state: ProjectState, report: RehearsalReport): void {
    this.project = state;
    const name = path.basename(state.project.root);
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('prismaMigrations.rehearsal', `Rehearsal: ${name}`, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [] });
      this.panel.webview.onDidReceiveMessage((message: RehearsalPageMessage) => void this.onMessage(message));
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.panel.title = `Rehearsal: ${name}`;
    this.panel.webview.html = rehearsalHtml(report, name, { nonce: randomBytes(16).toString('base64'), cspSource: this.panel.webview.cspSource });
    this.panel.reveal();
    this.shown.fire({ project: state.project.schemaPath, report });
  }

  private async onMessage(message: RehearsalPageMessage): Promise<void> {
    const state = this.project;
    if (!state) return;
    switch (message.kind) {
      case 'apply':
        await vscode.commands.executeCommand('prismaMigrations.applyPending', state.project.schemaPath);
        return;
      case 'rehearseAgain':
        await vscode.commands.executeCommand('prismaMigrations.rehearse', state.project.schemaPath);
        return;
      case 'open': {
        const file = vscode.Uri.file(path.join(state.project.migrationsDir, path.basename(message.migration), 'migration.sql'));
        const position = new vscode.Position(Math.max(0, message.line - 1), 0);
        await vscode.window.showTextDocument(file, { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.Beside });
      }
    }
  }

  dispose(): void {
    this.panel?.dispose();
    this.shown.dispose();
  }
}
