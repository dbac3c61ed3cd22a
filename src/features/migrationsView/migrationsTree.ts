import path from 'node:path';
import * as vscode from 'vscode';
import { driftSections } from '../../core/operations/driftSummary';
import { outOfOrderMigrations } from '../../core/check/integrity';
import type { MigrationGitState } from '../../core/git/migrationGit';
import type { ObjectReport } from '../../core/objects/databaseObjects';
import type { MigrationStatus, MigrationStatusKind, StatusReport } from '../../core/types';
import type { Finding } from '../../core/check/findings';
import type { ProjectService } from '../projects/projectService';
import { healthOf, healthWords, type ProjectState } from '../projects/projectState';
import { migrationNameParts } from '../../core/migrations/migrationName';
import { relativeTime } from '../../core/text/relativeTime';
import { objectItem, objectsItem } from './objectItems';
import { schemaChangeItem, schemaChangesItem } from './schemaChangeItems';

export type MigrationsNode =
  | { kind: 'project'; state: ProjectState }
  | { kind: 'schemaChanges'; state: ProjectState }
  | { kind: 'schemaChange'; state: ProjectState; change: Finding }
  | { kind: 'drift'; state: ProjectState }
  | { kind: 'driftSection'; state: ProjectState; title: string; items: readonly string[] }
  | { kind: 'driftItem'; state: ProjectState; text: string }
  | { kind: 'migration'; state: ProjectState; migration: MigrationStatus }
  | { kind: 'objects'; state: ProjectState }
  | { kind: 'object'; state: ProjectState; report: ObjectReport }
  | { kind: 'message'; state: ProjectState; text: string; icon: string; contextValue: string; command?: vscode.Command; description?: string; tooltip?: string };

const STATUS_ICON: Record<MigrationStatusKind, [icon: string, color: string]> = {
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
  missingLocally: 'applied, missing locally',
};

const DRIFT_TITLE = 'Database differs from migration history';

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
    switch (node.kind) {
      case 'project':
        return projectChildren(node.state);
      case 'schemaChanges':
        return (node.state.schemaChanges?.changes ?? []).map((change) => ({ kind: 'schemaChange', state: node.state, change }));
      case 'drift':
        return driftSections(node.state.report?.drift?.summary ?? '').map(({ title, items }) => ({ kind: 'driftSection', state: node.state, title, items }));
      case 'driftSection':
        return node.items.map((text) => ({ kind: 'driftItem', state: node.state, text }));
      case 'objects':
        return (node.state.objects ?? []).map((report) => ({ kind: 'object', state: node.state, report }));
      default:
        return [];
    }
  }

  getTreeItem(node: MigrationsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'project':
        return projectItem(node.state);
      case 'schemaChanges':
        return schemaChangesItem(node.state);
      case 'schemaChange':
        return schemaChangeItem(node.change);
      case 'drift': {
        const item = new vscode.TreeItem(DRIFT_TITLE, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
        item.tooltip = new vscode.MarkdownString(
          `**${DRIFT_TITLE}**\n\nSomeone changed the database outside the migrations (or a migration was edited after it ran). The SQL below would bring the history to the database's state:\n\n\`\`\`sql\n${node.state.report?.drift?.script ?? ''}\n\`\`\``,
        );
        item.contextValue = 'drift';
        item.id = `drift:${node.state.project.schemaPath}`;
        return item;
      }
      case 'driftSection': {
        const item = new vscode.TreeItem(node.title, node.items.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.contextValue = 'driftSection';
        return item;
      }
      case 'driftItem': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.contextValue = 'driftItem';
        return item;
      }
      case 'migration':
        return migrationItem(node.state, node.migration);
      case 'objects':
        return objectsItem(node.state);
      case 'object':
        return objectItem(node.state, node.report);
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = node.contextValue;
        item.command = node.command;
        item.description = node.description;
        item.tooltip = node.tooltip ?? node.text;
        return item;
      }
      default:
        return assertNever(node);
    }
  }

  getParent(node: MigrationsNode): MigrationsNode | undefined {
    if (node.kind === 'project') return undefined;
    if (node.kind === 'object') return { kind: 'objects', state: node.state };
    if (node.kind === 'schemaChange') return { kind: 'schemaChanges', state: node.state };
    return { kind: 'project', state: node.state };
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function projectChildren(state: ProjectState): MigrationsNode[] {
  const message = (text: string, icon: string, contextValue: string, command?: vscode.Command): MigrationsNode => ({ kind: 'message', state, text, icon, contextValue, command });
  if (state.untrusted) {
    return [
      {
        kind: 'message',
        state,
        text: 'Restricted Mode',
        description: 'trust this workspace to see its migrations',
        tooltip: 'Reading migrations runs prisma.config.ts and connects to the database, which Restricted Mode does not allow. Click to manage Workspace Trust.',
        icon: 'shield',
        contextValue: 'untrusted',
        command: { command: 'workbench.trust.manage', title: 'Manage Workspace Trust' },
      },
    ];
  }
  if (state.error) return [message(state.error, 'warning', 'error', { command: 'prismaMigrations.showLog', title: 'Show Log' })];
  if (!state.report) return [message('Reading the migration status…', 'loading~spin', 'loading')];
  const nodes: MigrationsNode[] = [];
  if (state.databaseMissing) {
    nodes.push(message(`No dev database yet: apply the migrations to create ${state.databaseLabel}, or configure one.`, 'database', 'noDatabase'));
  }
  if (state.schemaChanges?.unmigrated) nodes.push({ kind: 'schemaChanges', state });
  if (state.report.drift) nodes.push({ kind: 'drift', state });
  else if (state.checkingDrift) nodes.push(message('Checking for drift…', 'loading~spin', 'loading'));
  if (state.report.migrations.length === 0) {
    nodes.push(message('No migrations yet: initialize them from the schema, or pull the schema from the database.', 'info', 'noMigrations', { command: 'prismaMigrations.initializeMigrations', title: 'Initialize Migrations…' }));
  }
  for (const migration of state.report.migrations) nodes.push({ kind: 'migration', state, migration });
  if (state.objects && state.objects.length > 0) nodes.push({ kind: 'objects', state });
  return nodes;
}

function projectItem(state: ProjectState): vscode.TreeItem {
  const folder = path.basename(state.project.root);
  const item = new vscode.TreeItem(folder, vscode.TreeItemCollapsibleState.Expanded);
  item.description = state.databaseLabel;
  const source = state.databaseSource ? ` (${state.databaseSource})` : '';
  item.tooltip = new vscode.MarkdownString(
    [
      `**${folder}** — ${state.project.provider}`,
      `Status: ${healthWords(state)}`,
      `Schema: \`${state.project.schemaPath}\``,
      `Migrations: \`${state.project.migrationsDir}\``,
      `Database: ${state.databaseLabel}${source}`,
    ].join('\n\n'),
  );
  const health = healthOf(state);
  item.iconPath = health === 'loading' ? new vscode.ThemeIcon('loading~spin') : new vscode.ThemeIcon('database', HEALTH_COLOR[health]);
  item.contextValue = 'project';
  item.id = `project:${state.project.schemaPath}`;
  return item;
}

const HEALTH_COLOR: Partial<Record<ReturnType<typeof healthOf>, vscode.ThemeColor>> = {
  failed: new vscode.ThemeColor('testing.iconFailed'),
  drift: new vscode.ThemeColor('list.warningForeground'),
  attention: new vscode.ThemeColor('list.warningForeground'),
  unmigrated: new vscode.ThemeColor('list.warningForeground'),
  error: new vscode.ThemeColor('list.errorForeground'),
};

/** Once per status report, not once per row: a history can hold a thousand migrations. */
const outOfOrderByReport = new WeakMap<StatusReport, Map<string, string>>();
function outOfOrderOf(report: StatusReport): Map<string, string> {
  let found = outOfOrderByReport.get(report);
  if (!found) {
    found = outOfOrderMigrations(report.migrations);
    outOfOrderByReport.set(report, found);
  }
  return found;
}

/**
 * A migration's row fits a default-width side bar: the words of its name as the label, its status with a
 * relative date ("applied 2 days ago") and its timestamp as the description; the full name and the exact
 * dates in the tooltip.
 */
function migrationItem(state: ProjectState, migration: MigrationStatus): vscode.TreeItem {
  const { timestamp, words } = migrationNameParts(migration.name);
  const item = new vscode.TreeItem(words, vscode.TreeItemCollapsibleState.None);
  const [icon, color] = STATUS_ICON[migration.status];
  item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
  let status = migration.status === 'applied' && migration.appliedAt ? `applied ${relativeTime(migration.appliedAt)}` : STATUS_WORDS[migration.status];
  item.tooltip = tooltip(migration);
  item.contextValue = `migration.${migration.status}`;
  const newer = state.report && outOfOrderOf(state.report).get(migration.name);
  if (newer) {
    // A merge brought it in behind what the database applied: say so, and offer the re-timestamp.
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    status = `pending — out of order, older than ${newer}`;
    item.tooltip.appendMarkdown(`\n\nOlder than **${newer}**, which the database already applied: other databases would apply it in another order. *Re-timestamp After Last Migration* moves it to the end.`);
    item.contextValue = 'migration.outOfOrder';
  }
  item.description = timestamp ? `${status} · ${timestamp}` : status;
  markGit(item, item.tooltip, state, migration.name);
  item.id = `migration:${state.project.schemaPath}:${migration.name}`;
  if (migration.dir) {
    const file = vscode.Uri.file(path.join(migration.dir, 'migration.sql'));
    item.resourceUri = file;
    item.command = { command: 'vscode.open', title: 'Open Migration', arguments: [file] };
  }
  return item;
}

const GIT_WORDS: Record<Exclude<MigrationGitState, 'committed'>, [short: string, long: string]> = {
  untracked: ['not in git', 'untracked: teammates and deploys do not have it until it is committed'],
  uncommitted: ['not committed', 'added to the index but not committed yet'],
  modified: ['changed since commit', 'changed since it was committed: others have the committed text'],
};

/** What git says: a folder that is not committed as it is, or a migration applied from another branch. */
function markGit(item: vscode.TreeItem, tip: vscode.MarkdownString, state: ProjectState, name: string): void {
  const gitState = state.git?.states.get(name);
  if (gitState) {
    const [short, long] = GIT_WORDS[gitState];
    item.description = `${String(item.description)} · ${short}`;
    tip.appendMarkdown(`\n\nGit: ${long}.`);
  }
  const branches = state.git?.elsewhere.get(name);
  if (branches) {
    item.description = `applied from another branch (${branches[0]})`;
    tip.appendMarkdown(`\n\nThe dev database applied it, and it exists on ${branches.map((b) => `\`${b}\``).join(', ')}, not on this branch: the dev database is ahead of this checkout.`);
  }
}

function tooltip(migration: MigrationStatus): vscode.MarkdownString {
  const lines = [`**${migration.name}** — ${STATUS_WORDS[migration.status]}`, ''];
  if (migration.appliedAt) lines.push(`Applied: ${migration.appliedAt.toLocaleString()} (${relativeTime(migration.appliedAt)})`, '');
  else if (migration.startedAt) lines.push(`Started: ${migration.startedAt.toLocaleString()} (${relativeTime(migration.startedAt)})`, '');
  if (migration.durationMs !== null) lines.push(`Duration: ${migration.durationMs} ms`, '');
  lines.push(`Checksum: ${checksumWords(migration)}`, '');
  if (migration.logs) lines.push('Database error log:', '', '```', migration.logs.trim(), '```');
  return new vscode.MarkdownString(lines.join('\n'));
}

function checksumWords(migration: MigrationStatus): string {
  const { local, database, matches } = migration.checksum;
  if (database === null) return local === null ? 'no local file' : 'not applied yet';
  if (local === null) return 'no local file to compare';
  if (matches) return 'matches the applied file';
  return 'differs: the file changed after it was applied';
}

function assertNever(value: never): never {
  throw new Error(`Unexpected node ${JSON.stringify(value)}`);
}
