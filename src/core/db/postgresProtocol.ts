import net from 'node:net';
import { MigrateError } from '../errors';

/** PostgreSQL's SSLRequest: length 8, then the request code 80877103 (1234 << 16 | 5679). */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/**
 * Whether the server at `host:port` speaks PostgreSQL: to an SSLRequest it answers exactly one byte,
 * `S` or `N` (`E` from servers too old to know the request). node-postgres given anything else — a MySQL
 * greeting, an HTTP reply — misreads it and can crash the process from inside its socket handler, so
 * this runs first. Resolves when it does; rejects with the socket's error when nothing answers in time.
 */
export function checkSpeaksPostgres(options: { host: string; port: number; timeoutMs: number; address: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = options.host.startsWith('/')
      ? net.connect(`${options.host}/.s.PGSQL.${options.port}`)
      : net.connect({ host: options.host, port: options.port });
    if (options.timeoutMs > 0) socket.setTimeout(options.timeoutMs, () => socket.destroy(Object.assign(new Error('timeout expired'), { code: 'ETIMEDOUT' })));
    socket.once('connect', () => socket.write(SSL_REQUEST));
    socket.once('error', reject);
    socket.once('close', () => reject(Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' })));
    socket.once('data', (data) => {
      socket.destroy();
      if (data.length === 1 && [0x53, 0x4e, 0x45].includes(data[0]!)) resolve();
      else reject(notPostgres(options.address, data));
    });
  });
}

function notPostgres(address: string, data: Buffer): MigrateError {
  const printable = data.subarray(0, 40).toString('latin1').replace(/[^\x20-\x7e]+/g, ' ').trim();
  return new MigrateError(
    'config',
    `The server at ${address} is not a PostgreSQL server: it answered PostgreSQL's first message with ${data.length} bytes${printable ? ` ("${printable}")` : ''} instead of one. Check the URL's host and port (a MySQL or MariaDB server listens on 3306, PostgreSQL on 5432).`,
  );
}
