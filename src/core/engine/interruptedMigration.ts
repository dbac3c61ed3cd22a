import { STOPPED_ANSWERING } from '../db/postgresLiveness';
import { MigrateError } from '../errors';
import type { MigrationStatus } from '../types';

/**
 * What the engine says when the connection under it ends mid-statement: it hands the driver's error on as
 * text only. PostgreSQL ending the session (57P01 `pg_terminate_backend`, a restart), node-postgres finding
 * the socket closed, the connection watchdog giving up, or the engine failing to reconnect (P1001, P1017).
 */
const CONNECTION_LOST = new RegExp(
  ['terminating connection', 'Connection terminated', 'server closed the connection', 'ECONNRESET', 'EPIPE', "Can't reach database server", 'Server has closed the connection', STOPPED_ANSWERING].join('|'),
  'i',
);

export function isConnectionLoss(error: MigrateError): boolean {
  return error.kind === 'unreachable' || CONNECTION_LOST.test(error.message);
}

/**
 * The error for a migration whose connection was lost while it ran, saying how the history records it
 * (`recorded`: its status read afterwards, or undefined when the history could not be read).
 */
export function interruptedMigrationError(migration: string, lost: MigrateError, recorded: MigrationStatus | undefined): MigrateError {
  const detail = lost.message.replace(new RegExp(`^Migration ${migration} failed: `), '');
  const lead = `The connection to the database was lost while applying ${migration} (${detail}).`;
  const resolve = `some of its statements may have run. Check the database, mark it applied or rolled back (resolve ${migration}), then apply again.`;
  if (recorded === undefined) {
    return new MigrateError(
      'unreachable',
      `${lead} The history could not be read to tell how it records ${migration}. Once the database answers, status shows it: if it is failed (started, never finished), ${resolve}`,
      { cause: lost, migration },
    );
  }
  switch (recorded.status) {
    case 'failed':
      return new MigrateError('migrationFailed', `${lead} The history records it as failed (started, never finished): ${resolve}`, { cause: lost, migration });
    case 'applied':
    case 'edited':
      return new MigrateError('unreachable', `${lead} The history records it as applied: it finished before the connection ended.`, { cause: lost, migration });
    default:
      return new MigrateError('unreachable', `${lead} The history has no record of it starting: nothing of it ran. Apply again once the database answers.`, {
        cause: lost,
        migration,
      });
  }
}
