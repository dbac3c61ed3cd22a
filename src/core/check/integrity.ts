import path from 'node:path';
import { splitStatements } from '../lint/sqlStatements';
import { differsOnlyInLineEndings } from '../migrations/checksum';
import { LOCKFILE, lockfileProvider, MIGRATION_FILE, type MigrationsFolder } from '../migrations/folder';
import type { MigrationStatus, Provider } from '../types';
import type { Finding } from './findings';

export const INTEGRITY_RULES = [
  'migration-out-of-order',
  'migration-edited',
  'migration-line-endings',
  'migration-missing-locally',
  'migration-failed',
  'migration-without-sql',
  'lockfile-provider-mismatch',
  'conflicting-migrations',
] as const;

/**
 * Unapplied migrations older than the last one the database applied (a merge brought them in), each with
 * that migration's name: other databases would apply them in another order.
 */
export function outOfOrderMigrations(statuses: readonly MigrationStatus[]): Map<string, string> {
  const lastApplied = [...statuses].reverse().find((s) => s.dir !== undefined && (s.status === 'applied' || s.status === 'edited'));
  const found = new Map<string, string>();
  if (!lastApplied) return found;
  for (const status of statuses) if (status.status === 'pending' && status.name < lastApplied.name) found.set(status.name, lastApplied.name);
  return found;
}

/**
 * Whether the history can be trusted, as a merge of two branches leaves it: migrations older than what the
 * database already applied, applied ones edited or missing, a failed one, a lockfile for another provider,
 * and unapplied migrations that change the same table. Each finding points at the file to look at.
 */
export function historyIntegrity(folder: MigrationsFolder, statuses: readonly MigrationStatus[], provider: Provider): Finding[] {
  const findings: Finding[] = [];
  const at = (migration: string, rule: (typeof INTEGRITY_RULES)[number], severity: Finding['severity'], message: string) =>
    findings.push({ rule, severity, message, file: path.join(folder.dir, migration, MIGRATION_FILE), line: 1, column: 1 });

  const locked = lockfileProvider(folder.lockfile);
  if (locked !== null && locked !== provider) {
    findings.push({
      rule: 'lockfile-provider-mismatch',
      severity: 'error',
      message: `${LOCKFILE} says ${locked}, the schema says ${provider}: the history was written for another database.`,
      file: path.join(folder.dir, LOCKFILE),
      line: 1,
      column: 1,
    });
  }
  for (const problem of folder.problems) at(problem.name, 'migration-without-sql', 'error', problem.message);

  const outOfOrder = outOfOrderMigrations(statuses);
  for (const status of statuses) {
    const script = folder.migrations.find((m) => m.name === status.name)?.script ?? null;
    switch (status.status) {
      case 'pending': {
        const newer = outOfOrder.get(status.name);
        if (newer) {
          at(status.name, 'migration-out-of-order', 'error', `${status.name} is older than ${newer}, which the database already applied: it came in with a merge. Re-timestamp it after the last migration so every database applies it in the same order.`);
        }
        break;
      }
      case 'edited':
        at(status.name, 'migration-edited', 'error', `${status.name} was edited after it was applied: its checksum no longer matches what the database ran.`);
        break;
      case 'applied':
        if (script !== null && status.checksum.database && differsOnlyInLineEndings(script, status.checksum.database)) {
          at(status.name, 'migration-line-endings', 'info', `${status.name} differs from what was applied only in its line endings (CRLF/LF): harmless, Prisma treats it as unchanged.`);
        }
        break;
      case 'missingLocally':
        findings.push({
          rule: 'migration-missing-locally',
          severity: 'error',
          message: `${status.name} is applied on the database but has no folder here: pull the branch that has it, or the database is ahead of this history.`,
          file: path.join(folder.dir, LOCKFILE),
          line: 1,
          column: 1,
        });
        break;
      case 'failed':
        at(status.name, 'migration-failed', 'error', `${status.name} failed on the database and is not resolved.`);
        break;
      default:
        break;
    }
  }
  findings.push(...conflicts(folder, statuses));
  return findings;
}

/** The table a DDL statement changes in place (ALTER, DROP); creations cannot conflict. */
function changedTable(statement: string): string | undefined {
  return /^(?:ALTER|DROP)\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:["`][^"`]+["`]\.)?["`]([^"`]+)["`]/i.exec(statement)?.[1];
}

/** Unapplied migrations that change the same table: written on two branches, they may undo each other. */
function conflicts(folder: MigrationsFolder, statuses: readonly MigrationStatus[]): Finding[] {
  const pending = statuses.filter((s) => s.status === 'pending' || s.status === 'rolledBack').map((s) => s.name);
  const byTable = new Map<string, string[]>();
  for (const name of pending) {
    const script = folder.migrations.find((m) => m.name === name)?.script;
    if (!script) continue;
    const tables = new Set(splitStatements(script).statements.flatMap((s) => changedTable(s.text)?.replace(/^new_/, '') ?? []));
    for (const table of tables) byTable.set(table, [...(byTable.get(table) ?? []), name]);
  }
  return [...byTable].flatMap(([table, names]) =>
    names.length < 2
      ? []
      : [
          {
            rule: 'conflicting-migrations',
            severity: 'warning' as const,
            message: `${names.join(' and ')} both change the table \`${table}\` and are not applied yet: if they come from two branches, check that together they do what both meant (regenerate the later one from the schema if not).`,
            file: path.join(folder.dir, names[names.length - 1], MIGRATION_FILE),
            line: 1,
            column: 1,
          },
        ],
  );
}
