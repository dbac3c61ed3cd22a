import { failureLogsMessage } from '../errors';
import { migrationChecksum, scriptMatchesChecksum } from './checksum';
import type { LocalMigration, MigrationRow, MigrationStatus } from '../types';

/**
 * Joins the migrations folder with the rows of `_prisma_migrations` the way Prisma Migrate reads them:
 * a row with `rolled_back_at` set is only an audit trail; an unfinished, not rolled back row is a failed
 * attempt; a finished one is applied, or edited when its checksum no longer matches the file.
 * The result lists local migrations in folder order, then the ones only the database knows.
 */
export function migrationStatuses(local: readonly LocalMigration[], rows: readonly MigrationRow[]): MigrationStatus[] {
  const rowsByName = new Map<string, MigrationRow[]>();
  for (const row of [...rows].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())) {
    const list = rowsByName.get(row.migrationName) ?? [];
    list.push(row);
    rowsByName.set(row.migrationName, list);
  }

  const statuses = local.map((migration) => statusOf(migration.name, migration, rowsByName.get(migration.name) ?? []));
  const localNames = new Set(local.map((m) => m.name));
  for (const [name, attempts] of rowsByName) {
    if (localNames.has(name)) continue;
    const status = statusOf(name, undefined, attempts);
    if (status.status !== 'rolledBack') statuses.push(status);
  }
  return statuses;
}

function statusOf(name: string, migration: LocalMigration | undefined, attempts: readonly MigrationRow[]): MigrationStatus {
  const live = attempts.filter((row) => row.rolledBackAt === null);
  const finished = live.find((row) => row.finishedAt !== null);
  const failed = live.find((row) => row.finishedAt === null);
  const latest = finished ?? failed ?? attempts[attempts.length - 1];
  const localChecksum = migration?.script != null ? migrationChecksum(migration.script) : null;
  const databaseChecksum = latest?.checksum ?? null;
  const matches =
    migration?.script != null && databaseChecksum !== null ? scriptMatchesChecksum(migration.script, databaseChecksum) : null;

  const base = {
    name,
    dir: migration?.dir,
    appliedAt: finished?.finishedAt ?? null,
    startedAt: latest?.startedAt ?? null,
    durationMs: latest?.finishedAt ? latest.finishedAt.getTime() - latest.startedAt.getTime() : null,
    logs: latest?.logs ? failureLogsMessage(latest.logs) : null,
    rawLogs: latest?.logs ?? null,
    checksum: { local: localChecksum, database: databaseChecksum, matches },
  };

  if (failed && !finished) return { ...base, status: 'failed' };
  if (finished) {
    if (!migration) return { ...base, status: 'missingLocally' };
    return { ...base, status: matches === false ? 'edited' : 'applied' };
  }
  if (attempts.length > 0) return { ...base, status: 'rolledBack' };
  return { ...base, status: 'pending' };
}

/** Migrations the next deploy would run: never applied, or only rolled back. */
export function pendingMigrations(statuses: readonly MigrationStatus[]): string[] {
  return statuses.filter((s) => s.status === 'pending' || s.status === 'rolledBack').map((s) => s.name);
}

/** Migrations whose SQL is in the database as the history records it (edited ones ran their old text). */
export function appliedMigrations(statuses: readonly MigrationStatus[]): string[] {
  return statuses.filter((s) => s.status === 'applied' || s.status === 'edited').map((s) => s.name);
}
