import path from 'node:path';
import type { HistoryBackend } from '../engine/backend';
import { MigrationEngine } from '../engine/migrationEngine';
import type { BaseBranch } from '../git/baseBranch';
import { gitChanges, migrationStates } from '../git/migrationGit';
import { MIGRATION_FILE, type MigrationsFolder } from '../migrations/folder';
import { migrationStatuses, pendingMigrations } from '../migrations/history';
import type { PrismaProject } from '../types';
import { branchConflicts, unappliedConflicts } from './conflicts';
import type { Finding, Severity } from './findings';
import { historyIntegrity } from './integrity';
import { migrationsToTest, migrationTestFindings } from './migrationTestFindings';
import { lintPendingMigrations } from './pendingSql';
import { checkSchema } from './schemaCheck';
import { datasourceLocation } from '../project/datasource';
import { targetDrift, targetStatuses } from './targetDatabase';

export const GATE_RULES = ['schema-not-migrated', 'pending-migration', 'migration-not-committed', 'migration-test-failed', 'migration-tests-not-run'] as const;

const ENGINE_PROVIDERS = new Set(['sqlite', 'postgresql']);

/**
 * Everything a pipeline checks before deploying, in one pass: the schema is fully migrated, its breaking
 * changes (static, no dev database), the history's integrity, the tests of the migrations deploy would
 * apply (see migrationsToTest), and — with a target database — what deploy would apply there (listed), its
 * failed migrations and its drift (which fail). Migrations that may conflict are this branch's against the
 * base's (`base`), else the ones the target has not applied; with neither, every migration would count as
 * unapplied and any table changed twice in the history would "conflict".
 */
export async function ciGate(project: PrismaProject, folder: MigrationsFolder, target: HistoryBackend | null, base: BaseBranch | null): Promise<Finding[]> {
  const where = datasourceLocation(project);
  // The schema check replays on a scratch database (on the target's server where it may create one), the
  // target's drift on its own shadow database: at once.
  // Git's view too: a process of its own, while the databases work.
  const [schemaFindings, targetState, uncommitted] = await Promise.all([
    schemaNotMigrated(project, folder, target instanceof MigrationEngine ? target : null),
    target ? targetStatuses(folder, target).then(async (statuses) => ({ statuses, drift: await targetDrift(project, folder, target, statuses) })) : null,
    uncommittedMigrations(folder),
  ]);
  const statuses = targetState?.statuses ?? migrationStatuses(folder.migrations, []);
  const findings = [...schemaFindings, ...historyIntegrity(folder, statuses, project.provider), ...uncommitted];
  if (base) findings.push(...branchConflicts(folder, base));
  else if (target) findings.push(...unappliedConflicts(folder, statuses));
  // After the replays above rather than beside them: each test replays its history too, and on a two-core
  // runner three replays at once only wait for each other.
  const server = target instanceof MigrationEngine ? target.database : undefined;
  findings.push(...(await migrationTestFindings(project, folder, migrationsToTest(folder, targetState?.statuses ?? null, base), server)));
  if (!targetState) return findings;
  findings.push(...lintPendingMigrations(folder, statuses, project.provider));
  for (const name of pendingMigrations(statuses)) {
    findings.push({ rule: 'pending-migration', severity: 'info', message: `${name} is not applied on the target yet: deploy applies it.`, ...where });
  }
  findings.push(...targetState.drift);
  return findings;
}

/** The schema's breaking changes, and an error when it has changes no migration contains (engine providers only). */
async function schemaNotMigrated(project: PrismaProject, folder: MigrationsFolder, replayOn: MigrationEngine | null): Promise<Finding[]> {
  if (!ENGINE_PROVIDERS.has(project.provider)) return [];
  const analysis = await checkSchema(project, folder, null, replayOn);
  if (!analysis.script) return analysis.findings;
  const where = datasourceLocation(project);
  return [
    ...analysis.findings,
    { rule: 'schema-not-migrated', severity: 'error', message: 'The schema has changes no migration contains: create a migration before deploying.', ...where },
  ];
}

const NOT_COMMITTED = {
  untracked: 'is not in git: a deploy from the repository would not have it. Commit it.',
  uncommitted: 'is added to the index but not committed. Commit it.',
  modified: 'has changes since it was committed: what deploys is the committed text. Commit or revert them.',
};

/** Migration folders the working tree has and the repository does not (or not as they are). Outside git: none. */
async function uncommittedMigrations(folder: MigrationsFolder): Promise<Finding[]> {
  const changes = await gitChanges(folder.dir);
  if (!changes) return [];
  return [...migrationStates(folder.dir, changes)].map(([name, state]) => ({
    rule: 'migration-not-committed',
    severity: 'error' as const,
    message: `${name} ${NOT_COMMITTED[state]}`,
    file: path.join(folder.dir, name, MIGRATION_FILE),
    line: 1,
    column: 1,
  }));
}

/**
 * Whether the findings fail the build at this threshold: `warning` (check's default) fails on warnings and
 * errors, `error` on errors only. Information never fails a build.
 */
export function failsGate(findings: readonly Finding[], failOn: Exclude<Severity, 'info'>): boolean {
  return findings.some((f) => f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning'));
}
