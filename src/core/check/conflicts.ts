import path from 'node:path';
import type { BaseBranch } from '../git/baseBranch';
import { splitStatements } from '../lint/sqlStatements';
import { MIGRATION_FILE, type MigrationsFolder } from '../migrations/folder';
import type { MigrationStatus } from '../types';
import type { Finding } from './findings';

/** The table a DDL statement changes in place (ALTER, DROP); creations cannot conflict. */
function changedTable(statement: string): string | undefined {
  return /^(?:ALTER|DROP)\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:["`][^"`]+["`]\.)?["`]([^"`]+)["`]/i.exec(statement)?.[1];
}

/** Table → the migrations (in the order given) that change it; SQLite's `new_<table>` copies count as the table. */
function tablesChanged(migrations: ReadonlyArray<{ name: string; script: string | null }>): Map<string, string[]> {
  const byTable = new Map<string, string[]>();
  for (const { name, script } of migrations) {
    if (!script) continue;
    const tables = new Set(splitStatements(script).statements.flatMap((s) => changedTable(s.text)?.replace(/^new_/, '') ?? []));
    for (const table of tables) byTable.set(table, [...(byTable.get(table) ?? []), name]);
  }
  return byTable;
}

const finding = (folder: MigrationsFolder, at: string, message: string): Finding => ({
  rule: 'conflicting-migrations',
  severity: 'warning',
  message,
  file: path.join(folder.dir, at, MIGRATION_FILE),
  line: 1,
  column: 1,
});

/** Unapplied migrations that change the same table: written on two branches, they may undo each other. */
export function unappliedConflicts(folder: MigrationsFolder, statuses: readonly MigrationStatus[]): Finding[] {
  const unapplied = new Set(statuses.filter((s) => s.status === 'pending' || s.status === 'rolledBack').map((s) => s.name));
  const byTable = tablesChanged(folder.migrations.filter((m) => unapplied.has(m.name)));
  return [...byTable].flatMap(([table, names]) =>
    names.length < 2
      ? []
      : [finding(folder, names[names.length - 1], `${names.join(' and ')} both change the table \`${table}\` and are not applied yet: if they come from two branches, check that together they do what both meant (regenerate the later one from the schema if not).`)],
  );
}

/** The migrations this branch adds: new since the merge base, and not brought in from the base. */
export function branchMigrations(folder: MigrationsFolder, base: BaseBranch): MigrationsFolder['migrations'] {
  const theirs = new Set(base.added.map((m) => m.name));
  return folder.migrations.filter((m) => !base.atMergeBase.has(m.name) && !theirs.has(m.name));
}

/**
 * Migrations new on this branch since the merge base that change a table the base's new migrations also
 * change: each side was written without the other, so together they may undo each other.
 */
export function branchConflicts(folder: MigrationsFolder, base: BaseBranch): Finding[] {
  const ours = tablesChanged(branchMigrations(folder, base));
  const onBase = tablesChanged(base.added);
  return [...ours].flatMap(([table, names]) => {
    const others = onBase.get(table);
    if (!others) return [];
    const message = `${names.join(' and ')} on this branch and ${others.join(' and ')}, added on ${base.ref} since this branch left it, both change the table \`${table}\`: check that together they do what both meant (regenerate this branch's migration from the merged schema if not).`;
    return [finding(folder, names[names.length - 1], message)];
  });
}
