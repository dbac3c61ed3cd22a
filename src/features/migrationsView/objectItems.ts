import path from 'node:path';
import * as vscode from 'vscode';
import type { ObjectReport } from '../../core/objects/databaseObjects';
import { MIGRATION_FILE } from '../../core/migrations/folder';
import type { ProjectState } from '../projects/projectState';

const STATUS: Record<ObjectReport['status'], [words: string, icon: string, color?: string]> = {
  matches: ['as migrated', 'pass', 'testing.iconPassed'],
  differs: ['changed by hand', 'edit', 'list.warningForeground'],
  notInMigrations: ['in no migration', 'question', 'list.warningForeground'],
  missing: ['missing from the database', 'circle-slash', 'list.warningForeground'],
  external: ['external table (prisma.config.ts)', 'link-external'],
};

/** The "Database objects" node: what raw SQL manages, with how many disagree with the migrations. */
export function objectsItem(state: ProjectState): vscode.TreeItem {
  const reports = state.objects ?? [];
  const attention = reports.filter((r) => r.status === 'differs' || r.status === 'notInMigrations' || r.status === 'missing').length;
  const item = new vscode.TreeItem('Database objects', vscode.TreeItemCollapsibleState.Collapsed);
  item.description = attention > 0 ? `${attention} differ${attention === 1 ? 's' : ''} from the migrations` : `${reports.length}`;
  item.iconPath = new vscode.ThemeIcon('symbol-method', attention > 0 ? new vscode.ThemeColor('list.warningForeground') : undefined);
  item.tooltip = 'Functions, triggers, views, extensions and policies that migrations create with raw SQL: the schema and drift detection do not see them.';
  item.contextValue = 'databaseObjects';
  item.id = `objects:${state.project.schemaPath}`;
  return item;
}

export function objectItem(state: ProjectState, report: ObjectReport): vscode.TreeItem {
  const [words, icon, color] = STATUS[report.status];
  const item = new vscode.TreeItem(`${report.kind} ${report.name}${report.table ? ` on ${report.table}` : ''}`, vscode.TreeItemCollapsibleState.None);
  item.description = `${words}${report.migration ? ` · ${report.migration}` : ''}`;
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  const tooltip = new vscode.MarkdownString(`**${report.kind} ${report.name}** — ${words}`);
  if (report.migration) tooltip.appendMarkdown(`\n\nCreated by ${report.migration}.`);
  if (report.definition) tooltip.appendMarkdown(`\n\nIn the dev database:\n`).appendCodeblock(report.definition, 'sql');
  if (report.expected) tooltip.appendMarkdown(`\n\nAs the migrations build it:\n`).appendCodeblock(report.expected, 'sql');
  item.tooltip = tooltip;
  item.contextValue = `databaseObject.${report.status}`;
  item.id = `object:${state.project.schemaPath}:${report.kind}:${report.name}`;
  if (report.migration) {
    item.command = { command: 'vscode.open', title: 'Open Migration', arguments: [vscode.Uri.file(path.join(state.project.migrationsDir, report.migration, MIGRATION_FILE))] };
  }
  return item;
}
