import * as vscode from 'vscode';
import type { ProjectService } from '../projects/projectService';
import { healthOf, pendingCount, type ProjectState } from '../projects/projectState';

/** "✓ migrations up to date" / "2 pending migrations" / "migration failed" / "drift" for the workspace; click reveals the view. */
export class MigrationStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('prismaMigrations.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly service: ProjectService) {
    this.item.name = 'Prisma Migrate';
    this.item.command = 'prismaMigrations.migrations.focus';
    this.subscription = service.onDidChange(() => this.update());
    this.update();
  }

  private update(): void {
    const states = this.service.projects;
    if (states.length === 0) {
      this.item.hide();
      return;
    }
    this.item.text = textFor(states);
    this.item.tooltip = states.map((s) => `${s.project.root}: ${s.error ?? healthOf(s)}`).join('\n');
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}

function textFor(states: readonly ProjectState[]): string {
  const health = states.map(healthOf);
  if (health.includes('restricted')) return '$(shield) migrations: Restricted Mode';
  if (health.includes('loading')) return '$(loading~spin) migrations';
  if (health.includes('failed')) return '$(error) migration failed';
  if (health.includes('error')) return '$(warning) migrations: no status';
  if (health.includes('drift')) return '$(warning) migrations: drift';
  if (health.includes('attention')) return '$(warning) migrations need attention';
  const pending = states.reduce((sum, s) => sum + pendingCount(s), 0);
  if (pending > 0) return `$(circle-large-outline) ${pending} pending migration${pending === 1 ? '' : 's'}`;
  return '$(check) migrations up to date';
}
