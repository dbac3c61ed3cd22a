import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import type { MigrationsFolder } from '../migrations/folder';
import type { MigrationRow, Provider } from '../types';

export interface ApplyProgress {
  /** Called before each migration runs. */
  onMigrationStart?(name: string, index: number, total: number): void;
  /** Called, with a sentence for the user, when another process holds the database's migration lock and this one waits. */
  onWait?(message: string): void;
  /** Checked between migrations; aborting stops before the next one starts (never in the middle of one). */
  signal?: AbortSignal;
  /**
   * Runs one migration's script on the connection in place of sending it whole, as Prisma does (a
   * rehearsal times it statement by statement). Errors must be the connection's own, for the failure to be
   * recorded as Prisma records it.
   */
  runScript?(connection: SqlDriverAdapter, script: string): Promise<void>;
}

/**
 * What every database backend can do for the migration history: the WASM schema engine for SQLite and
 * PostgreSQL, the plain driver for MySQL. Operations that need the schema engine (diff, create,
 * data-loss evaluation, drift) live on the engine backend only.
 */
export interface HistoryBackend {
  readonly provider: Provider;
  /** Rows of `_prisma_migrations`, or null when the table does not exist yet. */
  readMigrationRows(): Promise<MigrationRow[] | null>;
  /** Applies pending migrations in order with deploy semantics; stops at the first failure (throws). */
  applyPending(folder: MigrationsFolder, progress?: ApplyProgress): Promise<string[]>;
  /** `migrate resolve --applied`: records the migration as applied without running it. */
  markApplied(folder: MigrationsFolder, name: string): Promise<void>;
  /** `migrate resolve --rolled-back`: marks a failed migration rolled back. */
  markRolledBack(name: string): Promise<void>;
  /** Drops everything in the dev database (the caller re-applies). */
  reset(): Promise<void>;
  dispose(): Promise<void>;
}
