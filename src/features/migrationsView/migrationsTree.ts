import path from 'node:path';
import * as vscode from 'vscode';
import type { MigrationStatus, MigrationStatusKind } from '../../core/types';
import type { ProjectService } from '../projects/projectService';
import { healthOf, type ProjectState } from '../projects/projectState';

export type MigrationsNode =
  | { kind: 'project'; state: ProjectState }
  | { kind: 'migration'; state: ProjectState; migration: MigrationStatus }
  | { kind: 'message'; state: ProjectState; text: string };

const STATUS_ICON: Record<MigrationStatusKind, [icon: string, color?: string]> = {
  applied: ['pass', 'testing.iconPassed'],
  pending: ['circle-large-outline', 'charts.yellow'],
  failed: ['error', 'testing.iconFailed'],
  rolledBack: ['discard', 'charts.orange'],
  edited: ['edit', 'charts.orange'],
  missingLocally: ['question', 'charts.purple'],
};

const STATUS_WORDS: Record<MigrationStatusKind, string> = {
  applied: 'applied',
  pending: 'pending',
  failed: 'failed',
  rolledBack: 'rolled back',
  edited: 'edited after apply',
  missingLocally: 'missing locally',
};

/** Maps the project service's data to tree items; owns no data itself. */
export class MigrationsTreeProvider implements vscode.TreeDataProvider<MigrationsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<MigrationsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly service: ProjectService) {
    this.subscription = service.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: MigrationsNode): MigrationsNode[] {
    if (!node) return this.service.projects.map((state) => ({ kind: 'project', state }));
    if (node.kind !== 'project') return [];
    const { state } = node;
    if (state.error) return [{ kind: 'message', state, text: state.error }];
    if (!state.report) return [{ kind: 'message', state, text: 'Reading the migration status…' }];
    if (state.report.migrations.length === 0) return [{ kind: 'message', state, text: 'No migrations yet.' }];
    return state.report.migrations.map((migration) => ({ kind: 'migration', state, migration }));
  }

  getTreeItem(node: MigrationsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'project':
        return projectItem(node.state);
      case 'migration':
        return migrationItem(node.migration);
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.state.error ? 'warning' : 'info');
        item.contextValue = 'message';
        return item;
      }
      default:
        return assertNever(node);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function projectItem(state: ProjectState): vscode.TreeItem {
  const folder = path.basename(state.project.root);
  const item = new vscode.TreeItem(folder, vscode.TreeItemCollapsibleState.Expanded);
  item.description = state.databaseLabel;
  item.tooltip = new vscode.MarkdownString(`**${folder}**\n\nSchema: \`${state.project.schemaPath}\`\n\nDatabase: ${state.databaseLabel}`);
  item.iconPath = new vscode.ThemeIcon(healthOf(state) === 'loading' ? 'loading~spin' : 'database');
  item.contextValue = 'project';
  item.id = `project:${state.project.schemaPath}`;
  return item;
}

function migrationItem(migration: MigrationStatus): vscode.TreeItem {
  const item = new vscode.TreeItem(migration.name, vscode.TreeItemCollapsibleState.None);
  const [icon, color] = STATUS_ICON[migration.status];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  item.description =
    migration.status === 'applied' && migration.appliedAt ? `applied ${migration.appliedAt.toLocaleString()}` : STATUS_WORDS[migration.status];
  item.tooltip = tooltip(migration);
  item.contextValue = `migration.${migration.status}`;
  if (migration.dir) {
    const file = vscode.Uri.file(path.join(migration.dir, 'migration.sql'));
    item.resourceUri = file;
    item.command = { command: 'vscode.open', title: 'Open Migration', arguments: [file] };
  }
  return item;
}

function tooltip(migration: MigrationStatus): vscode.MarkdownString {
  const lines = [`**${migration.name}** — ${STATUS_WORDS[migration.status]}`, ''];
  if (migration.appliedAt) lines.push(`Applied: ${migration.appliedAt.toLocaleString()}`, '');
  if (migration.durationMs !== null) lines.push(`Duration: ${migration.durationMs} ms`, '');
  if (migration.checksum.matches === false) lines.push('The file changed after it was applied (checksum differs).', '');
  if (migration.logs) lines.push('```', migration.logs.trim(), '```');
  return new vscode.MarkdownString(lines.join('\n'));
}

function assertNever(value: never): never {
  throw new Error(`Unexpected node ${JSON.stringify(value)}`);
}
