import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { MigrateError } from '../errors';

/** The key of the session advisory lock Prisma's schema engine takes on PostgreSQL before migrating. */
const MIGRATION_LOCK_KEY = 72707369;
/** How long Prisma waits for that lock before giving up. */
const LOCK_WAIT = '10s';
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Takes Prisma's migration lock on the engine's connection before the history is read: read first, a
 * second `apply` would see the first one's migration started and not finished and call it failed. The
 * engine takes the same lock again inside its own call, which a session that holds it gets at once.
 * Waits like Prisma (10 s), telling `onWait` first with a sentence for the user. Resolves with the release of our hold.
 */
export async function takeMigrationLock(connection: SqlDriverAdapter, onWait?: (message: string) => void): Promise<() => Promise<void>> {
  const release = async () => {
    await connection.executeScript(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
  };
  const tried = await connection.queryRaw({ sql: `SELECT pg_try_advisory_lock(${MIGRATION_LOCK_KEY})`, args: [], argTypes: [] });
  if (tried.rows[0]?.[0] === true) return release;
  onWait?.(`Another migration command is running on this database; waiting up to ${LOCK_WAIT} for it to finish…`);
  try {
    await connection.executeScript(`SET lock_timeout = '${LOCK_WAIT}'; SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
  } catch (error) {
    if ((error as { cause?: { originalCode?: unknown } }).cause?.originalCode !== LOCK_NOT_AVAILABLE) throw error;
    throw new MigrateError(
      'state',
      `Another migration command is running on this database: it has held Prisma's migration lock (pg_advisory_lock(${MIGRATION_LOCK_KEY})) for over ${LOCK_WAIT}. Nothing was applied; try again when it has finished.`,
      { cause: error },
    );
  } finally {
    // Not to hide the error above: a connection that cannot reset is reported by the next statement.
    await connection.executeScript('RESET lock_timeout').catch(() => undefined);
  }
  return release;
}
