import type { MigrationEngine } from '../engine/migrationEngine';
import { MigrateError } from '../errors';
import { readMigrationsFolder } from '../migrations/folder';
import { appliedMigrations, migrationStatuses } from '../migrations/history';
import { nextMigrationName, writeMigrationFolder } from './create';

/**
 * A migration that brings the history to what the database already is (its drift: a hand-made change, a
 * `db push`), recorded as applied there since the database has it. Other databases get the change when they
 * apply it. Refused while migrations are pending or failed: the new one would sort after them.
 */
export async function createMigrationFromDrift(engine: MigrationEngine, migrationsDir: string, name: string, now = new Date()): Promise<string> {
  const folder = readMigrationsFolder(migrationsDir);
  const statuses = migrationStatuses(folder.migrations, (await engine.readMigrationRows()) ?? []);
  const unsettled = statuses.find((s) => s.status === 'pending' || s.status === 'rolledBack' || s.status === 'failed' || s.status === 'missingLocally');
  if (unsettled) {
    throw new MigrateError('state', `${unsettled.name} is ${unsettled.status}: settle the history first (apply, resolve or pull it), then capture the drift.`, { migration: unsettled.name });
  }
  const drift = await engine.drift(folder, new Set(appliedMigrations(statuses)));
  if (!drift) throw new MigrateError('state', 'The database matches its migration history: there is no drift to capture.');
  const migration = await nextMigrationName(name, now, folder.migrations.at(-1)?.name);
  writeMigrationFolder(migrationsDir, migration, `-- Captured from the dev database's drift:\n${drift.summary.replace(/^/gm, '--   ')}\n\n${drift.script}\n`);
  await engine.markApplied(readMigrationsFolder(migrationsDir), migration);
  return migration;
}
