import type { ProjectDatabase } from '../../core/connect';
import type { MigrationEngine } from '../../core/engine/migrationEngine';
import { UserFacingError } from './userError';

/** The schema engine on this database; MySQL has none in this build (status, apply, resolve, reset only). */
export function requireEngine(db: ProjectDatabase, what: string): MigrationEngine {
  if (db.engine) return db.engine;
  throw new UserFacingError(`${what} needs Prisma's schema engine, which this build cannot run for ${db.backend.provider}; status, apply, resolve and reset work.`);
}
