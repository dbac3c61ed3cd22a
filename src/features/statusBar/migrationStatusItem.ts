import path from 'node:path';
import * as vscode from 'vscode';
import type { ProjectService } from '../projects/projectService';
import { breakingCount, healthOf, healthWords, pendingCount, type ProjectState } from '../projects/projectState';

/**
 * "✓ migrations up to date" / "2 pending migrations" / "schema not migrated (1 breaking)" / "migration failed" / "drift" for the project of the
 * active editor (for the whole workspace when the editor is in none); click reveals the view.
 */
export class MigrationStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('prismaMigrations.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly service: ProjectService) {
    this.item.name = 'Prisma Migrate';
    this.item.command = 'prismaMigrations.migrations.focus';
    this.subscriptions = [service.onDidChange(() => this.update()), vscode.window.onDidChangeActiveTextEditor(() => this.update())];
    this.update();
  }

  private update(): void {
    const states = activeProjects(this.service.projects, vscode.window.activeTextEditor?.document.uri);
    if (states.length === 0) {
      this.item.hide();
      return;
    }
    const prefix = states.length === 1 && this.service.projects.length > 1 ? `${path.basename(states[0].project.root)}: ` : '';
    this.item.text = textFor(states).replace(/^(\$\([^)]+\) )?/, (icon) => `${icon}${prefix}`);
    this.item.tooltip = states.map((s) => `${path.basename(s.project.root)}: ${healthWords(s)}.${s.versionSkew ? `\n${s.versionSkew}` : ''}`).join('\n');
    this.item.show();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.item.dispose();
  }
}

/** The project holding the active editor's file (the innermost one), else every project. */
function activeProjects(states: readonly ProjectState[], active: vscode.Uri | undefined): readonly ProjectState[] {
  if (active?.scheme !== 'file') return states;
  const inside = (root: string) => {
    const relative = path.relative(root, active.fsPath);
    return !relative.startsWith('..') && !path.isAbsolute(relative);
  };
  const containing = states.filter((s) => inside(s.project.root));
  if (containing.length === 0) return states;
  return [containing.reduce((inner, s) => (s.project.root.length > inner.project.root.length ? s : inner))];
}

function textFor(states: readonly ProjectState[]): string {
  const health = states.map(healthOf);
  if (health.includes('restricted')) return '$(shield) migrations: Restricted Mode';
  if (health.includes('loading')) return '$(loading~spin) migrations';
  if (health.includes('failed')) return '$(error) migration failed';
  if (health.includes('error')) return '$(warning) migrations: no status';
  if (health.includes('drift')) return '$(warning) migrations: drift';
  if (health.includes('attention')) return '$(warning) migrations need attention';
  if (health.includes('unmigrated')) {
    const breaking = states.reduce((sum, s) => sum + (healthOf(s) === 'unmigrated' ? breakingCount(s) : 0), 0);
    return `$(warning) schema not migrated${breaking > 0 ? ` (${breaking} breaking)` : ''}`;
  }
  const pending = states.reduce((sum, s) => sum + pendingCount(s), 0);
  if (pending > 0) return `$(circle-large-outline) ${pending} pending migration${pending === 1 ? '' : 's'}`;
  if (health.includes('checkingSchema')) return '$(loading~spin) migrations: checking the schema';
  return '$(check) migrations up to date';
}
