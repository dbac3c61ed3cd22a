import * as vscode from 'vscode';
import type { ChangeRule } from '../../core/schemaChanges/classify';
import { firstClause, plainText } from '../../core/text/plainText';
import type { Finding } from '../../core/check/findings';
import { breakingCount, type ProjectState } from '../projects/projectState';

const SEVERITY_ICON: Record<Finding['severity'], [icon: string, color: string]> = {
  error: ['error', 'list.errorForeground'],
  warning: ['warning', 'list.warningForeground'],
  info: ['info', 'foreground'],
};

/** "Schema not migrated — 2 changes, 1 breaking": what the next migration would do, before it exists. */
export function schemaChangesItem(state: ProjectState): vscode.TreeItem {
  const changes = state.schemaChanges?.changes ?? [];
  const breaking = breakingCount(state);
  const item = new vscode.TreeItem('Schema not migrated', changes.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  const counted = `${changes.length} change${changes.length === 1 ? '' : 's'}`;
  item.description = changes.length === 0 ? '' : `${counted}${breaking > 0 ? `, ${breaking} breaking` : ''}`;
  item.iconPath = new vscode.ThemeIcon(breaking > 0 ? 'warning' : 'diff', new vscode.ThemeColor(breaking > 0 ? 'list.warningForeground' : 'foreground'));
  item.tooltip = new vscode.MarkdownString(
    `**The schema has changes no migration contains.**\n\n${
      changes.length === 0 ? 'The next migration would change what the history builds.' : `${counted}, ${breaking} breaking.`
    } *Create Migration…* writes them as a migration.`,
  );
  item.contextValue = 'schemaChanges';
  item.id = `schemaChanges:${state.project.schemaPath}`;
  return item;
}

/** A change's kind in a few words (every rule the analysis and the dev database's counts give): a row's label fits a default-width side bar. */
const RULE_WORDS: Record<ChangeRule | 'data-loss' | 'unexecutable-step', string> = {
  'dropped-table': 'Table dropped',
  'dropped-column': 'Column dropped',
  'probable-rename': 'Probable rename',
  'required-column-without-default': 'Required, no default',
  'required-column-prisma-default': 'Required, no DB default',
  'optional-to-required-with-nulls': 'Made required',
  'scalar-to-list': 'Scalar to list',
  'type-change': 'Type change',
  'added-unique-constraint': 'New unique',
  'dropped-enum-value': 'Enum value removed',
  'primary-key-change': 'Primary key change',
  'dropped-index': 'Index dropped',
  'not-migrated': 'Not migrated',
  'data-loss': 'Data loss',
  'unexecutable-step': 'Cannot run',
};

/** One change: its kind as the label, its finding's first clause as the description, its severity as the icon; click goes to where the schema says it. */
export function schemaChangeItem(change: Finding): vscode.TreeItem {
  const message = plainText(change.message);
  const item = new vscode.TreeItem((RULE_WORDS as Partial<Record<string, string>>)[change.rule] ?? change.rule, vscode.TreeItemCollapsibleState.None);
  item.description = firstClause(message);
  const [icon, color] = SEVERITY_ICON[change.severity];
  item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
  item.tooltip = message;
  item.contextValue = 'schemaChange';
  const position = new vscode.Position(change.line - 1, change.column - 1);
  item.command = {
    command: 'vscode.open',
    title: 'Go to the Schema',
    arguments: [vscode.Uri.file(change.file), { selection: new vscode.Range(position, position) } satisfies vscode.TextDocumentShowOptions],
  };
  return item;
}
