import type { HistoryBackend } from '../engine/backend';
import { MigrationEngine } from '../engine/migrationEngine';
import { lockfileProvider, type MigrationsFolder } from '../migrations/folder';
import { appliedMigrations, migrationStatuses } from '../migrations/history';
import type { StatusReport } from '../types';

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
  if (!options.drift) {
    report.driftUnavailable = 'Drift was not computed.';
  } else if (!(backend instanceof MigrationEngine)) {
    report.driftUnavailable = `Drift detection needs Prisma's schema engine, which this build cannot run for ${backend.provider}.`;
  } else if (migrations.some((m) => m.status === 'missingLocally')) {
    report.driftUnavailable = 'Some applied migrations are missing locally, so the history cannot be replayed to compare.';
  } else {
    const applied = new Set(appliedMigrations(migrations));
    report.drift = await backend.drift(folder, applied);
  }
  return report;
}

/** True when the database needs nothing: every migration applied as written, no drift. */
export function isUpToDate(report: StatusReport): boolean {
  return report.migrations.every((m) => m.status === 'applied') && !report.drift;
}
