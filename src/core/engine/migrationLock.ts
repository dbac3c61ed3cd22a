import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import type { EngineDatabase } from '../db/target';
import { MigrateError } from '../errors';

/** The key of the session advisory lock Prisma's schema engine takes on PostgreSQL before migrating. */
const MIGRATION_LOCK_KEY = 72707369;
/** How long Prisma waits for its migration lock before giving up. */
const LOCK_WAIT_S = 10;
const LOCK_NOT_AVAILABLE = '55P03';

const NOTHING_APPLIED = 'Nothing was applied; try again when it has finished.';

/**
 * Takes the database for one migrating process before the history is read: read first, a second `apply`
 * would see the first one's migration started and not finished and call it failed. Waits like Prisma
 * (10 s), telling `onWait` first with a sentence for the user. Resolves with the release of our hold.
 */
export async function takeMigrationLock(
  database: EngineDatabase,
  connection: SqlDriverAdapter,
  onWait: ((message: string) => void) | undefined,
): Promise<() => Promise<void>> {
  const wait = () => onWait?.(`Another migration command is using ${database.label}; waiting up to ${LOCK_WAIT_S} s for it to finish…`);
  return database.provider === 'sqlite' ? lockSqlite(database, connection, wait) : lockPostgres(connection, wait);
}

/**
 * Prisma's advisory lock, on the engine's connection: the engine takes it again inside its own call,
 * which a session that holds it gets at once.
 */
async function lockPostgres(connection: SqlDriverAdapter, wait: () => void): Promise<() => Promise<void>> {
  const release = async () => {
    await connection.executeScript(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
  };
  const tried = await connection.queryRaw({ sql: `SELECT pg_try_advisory_lock(${MIGRATION_LOCK_KEY})`, args: [], argTypes: [] });
  if (tried.rows[0]?.[0] === true) return release;
  wait();
  try {
    await connection.executeScript(`SET lock_timeout = '${LOCK_WAIT_S}s'; SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
  } catch (error) {
    if (driverCause(error).originalCode !== LOCK_NOT_AVAILABLE) throw error;
    throw new MigrateError(
      'state',
      `Another migration command is running on this database: it has held Prisma's migration lock (pg_advisory_lock(${MIGRATION_LOCK_KEY})) for over ${LOCK_WAIT_S} s. ${NOTHING_APPLIED}`,
      { cause: error },
    );
  } finally {
    // Not to hide the error above: a connection that cannot reset is reported by the next statement.
    await connection.executeScript('RESET lock_timeout').catch(() => undefined);
  }
  return release;
}

/**
 * SQLite has no advisory lock: the file's exclusive lock is what keeps a second process out, kept past
 * the transaction that takes it by `locking_mode = EXCLUSIVE` until the release. A failed attempt goes
 * back to the normal mode at once, so that no shared lock it got stays to block the holder's commit.
 * libsql reports a busy file as the adapter's `SocketTimeout`.
 */
async function lockSqlite(database: EngineDatabase, connection: SqlDriverAdapter, wait: () => void): Promise<() => Promise<void>> {
  // Setting the normal mode releases the locks at the next access of the file.
  const release = () => connection.executeScript('PRAGMA locking_mode = NORMAL; SELECT count(*) FROM sqlite_master;');
  const take = async (busyMs: number) => {
    try {
      await connection.executeScript(`PRAGMA busy_timeout = ${busyMs}; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;`);
      return true;
    } catch (error) {
      if (driverCause(error).kind !== 'SocketTimeout') throw error;
      // The file being busy, this access may fail too: then there was no lock of ours to release.
      await connection.executeScript('PRAGMA busy_timeout = 0').then(release).catch(() => undefined);
      return false;
    }
  };
  if (await take(0)) return release;
  wait();
  if (await take(LOCK_WAIT_S * 1000)) return release;
  throw new MigrateError(
    'state',
    `The SQLite database ${database.label} is locked by another process (another migration command, the editor or an application) and stayed locked for over ${LOCK_WAIT_S} s. ${NOTHING_APPLIED}`,
  );
}

/** What a driver adapter error carries about the driver's own error. */
function driverCause(error: unknown): { kind?: unknown; originalCode?: unknown } {
  return (error as { cause?: { kind?: unknown; originalCode?: unknown } } | null)?.cause ?? {};
}
