import type { HistoryBackend } from '../engine/backend';
import { createSingleConnectionPool, parseMysqlUrl, probeConnection, type MysqlUrlOptions } from './mysqlConnection';
import { MysqlHistoryBackend } from './mysqlHistory';

export { parseMysqlUrl, type MysqlTarget, type MysqlUrlOptions } from './mysqlConnection';

/**
 * The migration history of a MySQL / MariaDB database over the plain `mariadb` driver: Prisma's WASM
 * schema engine has no MySQL connector, so this does, row for row, what Prisma's native engine does for
 * `migrate deploy`, `migrate resolve` and `migrate reset` (see mysqlHistory.ts for the sources).
 *
 * Read-only (commands that only read), every transaction of the session is read-only: the server refuses
 * writes. Fails fast with a typed MigrateError ('unreachable', 'auth', 'missingDatabase', 'config'); the
 * password never appears in a message.
 */
export async function openMysqlBackend(url: string, options: MysqlUrlOptions & { readOnly?: boolean } = {}): Promise<HistoryBackend> {
  const target = parseMysqlUrl(url, options);
  await probeConnection(target);
  return new MysqlHistoryBackend(createSingleConnectionPool(target, { readOnly: options.readOnly }), target);
}
