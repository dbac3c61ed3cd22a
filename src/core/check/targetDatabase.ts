import type { HistoryBackend } from '../engine/backend';
import type { MigrationsFolder } from '../migrations/folder';
import { migrationStatuses, pendingMigrations } from '../migrations/history';
import { checkDrift } from '../operations/status';
import type { MigrationStatus, PrismaProject } from '../types';
import type { Finding } from './findings';
import { datasourceLocation } from '../project/datasource';
import { unappliedConflicts } from './conflicts';
import { historyIntegrity } from './integrity';

export const TARGET_RULES = ['migration-not-applied', 'target-drift', 'drift-not-checked'] as const;

/** The target's migration statuses against the local history (all pending when it has no migrations table). */
export async function targetStatuses(folder: MigrationsFolder, target: HistoryBackend): Promise<MigrationStatus[]> {
  return migrationStatuses(folder.migrations, (await target.readMigrationRows()) ?? []);
}

/**
 * Drift of the target as a finding: an error when its schema differs from what its applied migrations
 * build; said (as information) when it could not be checked, so a green build never hides an unchecked one.
 */
export async function targetDrift(project: PrismaProject, folder: MigrationsFolder, target: HistoryBackend, statuses: readonly MigrationStatus[]): Promise<Finding[]> {
  const where = datasourceLocation(project);
  const { drift, driftUnavailable } = await checkDrift(target, folder, statuses);
  if (drift) return [{ rule: 'target-drift', severity: 'error', message: `The target database differs from its migration history: ${drift.summary.replace(/\s+/g, ' ').trim()}`, ...where }];
  if (driftUnavailable) return [{ rule: 'drift-not-checked', severity: 'info', message: driftUnavailable, ...where }];
  return [];
}

/**
 * After a deploy: every local migration is applied on the target as written, nothing failed, nothing is
 * applied there that this history lacks, and its schema is what the history builds.
 */
export async function verifyDeployment(project: PrismaProject, folder: MigrationsFolder, target: HistoryBackend): Promise<Finding[]> {
  const statuses = await targetStatuses(folder, target);
  const where = datasourceLocation(project);
  const findings = [...historyIntegrity(folder, statuses, project.provider), ...unappliedConflicts(folder, statuses)];
  for (const name of pendingMigrations(statuses)) {
    findings.push({ rule: 'migration-not-applied', severity: 'error', message: `${name} is not applied on the target: the deploy did not run it.`, ...where });
  }
  findings.push(...(await targetDrift(project, folder, target, statuses)));
  return findings;
}
