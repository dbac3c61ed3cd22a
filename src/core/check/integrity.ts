import path from 'node:path';
import { differsOnlyInLineEndings } from '../migrations/checksum';
import { compareMigrationNames, LOCKFILE, lockfileMismatch, MIGRATION_FILE, type MigrationsFolder } from '../migrations/folder';
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
  for (const status of statuses) if (status.status === 'pending' && compareMigrationNames(status.name, lastApplied.name) < 0) found.set(status.name, lastApplied.name);
  return found;
}

/**
 * Whether the history can be trusted, as a merge of two branches leaves it: migrations older than what the
 * database already applied, applied ones edited or missing, a failed one, a lockfile for another provider.
 * Each finding points at the file to look at. Migrations that may conflict are the callers' to add
 * (`conflicts.ts`): what "from another branch" means depends on what they compare.
 */
export function historyIntegrity(folder: MigrationsFolder, statuses: readonly MigrationStatus[], provider: Provider): Finding[] {
  const findings: Finding[] = [];
  const at = (migration: string, rule: (typeof INTEGRITY_RULES)[number], severity: Finding['severity'], message: string) =>
    findings.push({ rule, severity, message, file: path.join(folder.dir, migration, MIGRATION_FILE), line: 1, column: 1 });

  const mismatch = lockfileMismatch(folder.lockfile, provider);
  if (mismatch) {
    findings.push({
      rule: 'lockfile-provider-mismatch',
      severity: 'error',
      message: mismatch,
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
  return findings;
}
