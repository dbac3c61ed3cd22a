import type { HistoryBackend } from '../engine/backend';
import { MigrationEngine } from '../engine/migrationEngine';
import { MigrateError } from '../errors';
import { lockfileProvider, type MigrationsFolder } from '../migrations/folder';
import { appliedMigrations, migrationStatuses } from '../migrations/history';
import type { MigrationStatus, StatusReport } from '../types';

export interface StatusOptions {
  /** Drift needs a shadow-database replay of the applied history; skip it for the cheap status. */
  drift: boolean;
}

/** Every migration's status against the database, and drift where the engine can compute it. */
export async function readStatus(backend: HistoryBackend, folder: MigrationsFolder, options: StatusOptions): Promise<StatusReport> {
  const rows = await backend.readMigrationRows();
  const migrations = migrationStatuses(folder.migrations, rows ?? []);
  const report: StatusReport = {
    hasMigrationsTable: rows !== null,
    migrations,
    drift: undefined,
    lockfileProvider: lockfileProvider(folder.lockfile),
  };
  if (options.drift) Object.assign(report, await checkDrift(backend, folder, migrations));
  else report.driftUnavailable = 'Drift was not computed.';
  return report;
}

/** Drift for statuses already read: the engine replays the applied migrations and compares with the database. */
export async function checkDrift(
  backend: HistoryBackend,
  folder: MigrationsFolder,
  migrations: readonly MigrationStatus[],
): Promise<Pick<StatusReport, 'drift' | 'driftUnavailable'>> {
  if (!(backend instanceof MigrationEngine)) {
    return { drift: undefined, driftUnavailable: `Drift detection needs Prisma's schema engine, which this build cannot run for ${backend.provider}.` };
  }
  if (migrations.some((m) => m.status === 'missingLocally')) {
    return { drift: undefined, driftUnavailable: 'Some applied migrations are missing locally, so the history cannot be replayed to compare.' };
  }
  try {
    return { drift: await backend.drift(folder, new Set(appliedMigrations(migrations))), driftUnavailable: undefined };
  } catch (error) {
    // An applied migration that fails on the shadow database (one marked applied after it failed, P3006):
    // the history is still worth listing, as Prisma's status does; drift alone is unknown.
    if (!(error instanceof MigrateError && error.kind === 'migrationFailed')) throw error;
    return { drift: undefined, driftUnavailable: `The applied migrations do not replay on a shadow database: ${error.message}` };
  }
}

/** The status of a project whose dev database does not exist yet: everything is pending. */
export function statusWithoutDatabase(folder: MigrationsFolder): StatusReport {
  return {
    hasMigrationsTable: false,
    migrations: migrationStatuses(folder.migrations, []),
    drift: undefined,
    driftUnavailable: 'There is no dev database yet.',
    lockfileProvider: lockfileProvider(folder.lockfile),
  };
}

/** True when the database needs nothing: every migration applied as written, no drift. */
export function isUpToDate(report: StatusReport): boolean {
  return report.migrations.every((m) => m.status === 'applied') && !report.drift;
}
