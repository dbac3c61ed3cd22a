import path from 'node:path';
import { lintMigrationSql, type SqlDialect } from '../lint/sqlLint';
import { MIGRATION_FILE, type MigrationsFolder } from '../migrations/folder';
import type { MigrationStatus, Provider } from '../types';
import type { Finding } from './findings';

const DIALECTS: Partial<Record<Provider, SqlDialect>> = { sqlite: 'sqlite', postgresql: 'postgresql', mysql: 'mysql' };

/**
 * SQL findings in the migrations the database has not applied yet (pending or rolled back): the ones a
 * change brings, as `check` in CI sees them. Applied migrations are history and are not reported again.
 */
export function lintPendingMigrations(folder: MigrationsFolder, statuses: readonly MigrationStatus[], provider: Provider): Finding[] {
  const dialect = DIALECTS[provider];
  if (!dialect) return [];
  const pending = new Set(statuses.filter((s) => s.status === 'pending' || s.status === 'rolledBack').map((s) => s.name));
  return folder.migrations.flatMap((migration) => {
    if (!pending.has(migration.name) || migration.script === null) return [];
    const file = path.join(migration.dir, MIGRATION_FILE);
    return lintMigrationSql(migration.script, dialect).map(({ rule, severity, message, line, column }) => ({ rule, severity, message, file, line, column }));
  });
}
