import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as mariadb from 'mariadb';
import { MigrateError } from '../errors';
import { describeUrl } from '../redact';
import { checkUrlCredentials } from './urlCredentials';

/** The driver, required when a MySQL project first connects (see mariadbDriver.ts). */
const mariadbDriver = () => require('./mariadbDriver') as typeof import('./mariadbDriver');

/**
 * Where and how to connect, read from a Prisma-style MySQL URL the way Prisma's engine (quaint's
 * `MysqlUrl`) reads it: `mysql://user:password@host:port/database?socket=…&sslaccept=…&connect_timeout=…`.
 */
export interface MysqlTarget {
  /** Options for the `mariadb` driver (contains the password: never log or show this object). */
  config: mariadb.ConnectionConfig;
  database: string;
  user: string;
  /** `host:port`, or the socket path: what messages name. */
  address: string;
  /** The URL without its password, for messages. */
  display: string;
  /** Pool checkout timeout, from `pool_timeout` (Prisma's default: 10 s). */
  poolTimeoutMs: number;
  /** PlanetScale refuses long advisory locks; Prisma skips its lock there, and so do we. */
  isPlanetScale: boolean;
}

export interface MysqlUrlOptions {
  /** Folder that relative `sslcert` / `sslidentity` paths are resolved against (default: the working directory). */
  baseDir?: string;
}

/** Prisma refuses to migrate these (P3004); its `dbname()` falls back to `mysql` when the URL names none. */
const SYSTEM_DATABASES = /^(mysql|information_schema|performance_schema|sys)$/i;

/** Prisma's own default (`connect_timeout`, seconds). */
const DEFAULT_CONNECT_TIMEOUT_S = 5;
const DEFAULT_POOL_TIMEOUT_S = 10;

export function parseMysqlUrl(url: string, options: MysqlUrlOptions = {}): MysqlTarget {
  checkUrlCredentials(url, 'MySQL');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The input is not echoed: a malformed URL may not look like one to redactSecrets.
    throw new MigrateError('config', 'The MySQL database URL could not be parsed. Expected mysql://USER:PASSWORD@HOST:PORT/DATABASE.');
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new MigrateError('config', `A MySQL database URL must start with mysql://, not ${parsed.protocol}//.`);
  }

  const user = safeDecode(parsed.username);
  const password = parsed.password === '' ? undefined : safeDecode(parsed.password);
  // quaint strips the brackets of IPv6 hosts and defaults to localhost.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const port = parsed.port === '' ? 3306 : Number(parsed.port);
  // quaint takes the first path segment as is (no percent-decoding) and falls back to `mysql`.
  const database = parsed.pathname === '' ? 'mysql' : (parsed.pathname.split('/')[1] ?? 'mysql');
  const display = describeUrl(url);

  if (database === '') {
    throw new MigrateError('config', `The database URL ${display} names no database: add one after the host, e.g. mysql://USER@HOST:3306/mydb.`);
  }
  if (SYSTEM_DATABASES.test(database)) {
    throw new MigrateError(
      'config',
      `The \`${database}\` database is a system database, it should not be altered with prisma migrate. Please connect to another database.`,
      { databaseName: database },
    );
  }

  const config: mariadb.ConnectionConfig = {
    user,
    password,
    database,
    // The same connection collation as Prisma's driver (mysql_async sends utf8mb4_general_ci in its handshake).
    collation: 'UTF8MB4_GENERAL_CI',
    // Scripts are sent whole, as one multi-statement query, exactly like Prisma's engine does.
    multipleStatements: true,
    connectTimeout: DEFAULT_CONNECT_TIMEOUT_S * 1000,
  };
  let poolTimeoutS = DEFAULT_POOL_TIMEOUT_S;
  let ssl: { rejectUnauthorized: boolean; ca?: Buffer; pfx?: Buffer; passphrase?: string } | undefined;
  const sslOptions = () => (ssl ??= { rejectUnauthorized: false });
  const resolvePath = (file: string) => path.resolve(options.baseDir ?? process.cwd(), file);
  let socket: string | undefined;

  for (const [key, value] of parsed.searchParams) {
    switch (key) {
      case 'socket':
        socket = value.replace(/[()]/g, '');
        break;
      case 'connect_timeout': {
        const seconds = seconds_(key, value);
        config.connectTimeout = seconds === 0 ? 0 : seconds * 1000;
        break;
      }
      case 'socket_timeout':
        config.socketTimeout = seconds_(key, value) * 1000;
        break;
      case 'pool_timeout':
        poolTimeoutS = seconds_(key, value);
        break;
      // Without sslaccept=strict Prisma accepts any certificate once SSL is asked for.
      case 'sslaccept':
        sslOptions().rejectUnauthorized = value === 'strict';
        break;
      case 'sslcert':
        sslOptions().ca = readSslFile(resolvePath(value), key);
        break;
      case 'sslidentity':
        sslOptions().pfx = readSslFile(resolvePath(value), key);
        break;
      case 'sslpassword':
        sslOptions().passphrase = value;
        break;
      default:
        // Prisma ignores parameters it does not know (connection_limit, statement_cache_size, …).
        break;
    }
  }

  if (socket !== undefined) config.socketPath = socket;
  else {
    config.host = host;
    config.port = port;
  }
  if (ssl) config.ssl = ssl;

  return {
    config,
    database,
    user,
    address: socket ?? `${host}:${port}`,
    display,
    poolTimeoutMs: poolTimeoutS * 1000,
    isPlanetScale: url.includes('.psdb.cloud'),
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function seconds_(key: string, value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new MigrateError('config', `The database URL parameter ${key} must be a whole number of seconds.`);
  }
  return Number(value);
}

function readSslFile(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new MigrateError('config', `The file named by the database URL parameter ${key} could not be read: ${file}`, { cause });
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
  'ENOENT', // a socket path that does not exist
  'ER_CONNECTION_TIMEOUT',
  'ER_SOCKET_UNEXPECTED_CLOSE',
  'ER_CONNECTION_ALREADY_CLOSED',
  'ER_CLOSING_POOL',
  'PROTOCOL_CONNECTION_LOST',
]);

interface DriverError {
  code?: unknown;
  errno?: unknown;
  sqlMessage?: unknown;
  message?: unknown;
  cause?: unknown;
}

/**
 * The typed error for a failure to connect or to keep talking to the server, or undefined when the error
 * is not about the connection (e.g. a SQL error). The pool hides the real error as a nested cause after
 * its acquire timeout, so causes are searched too.
 */
export function classifyConnectionError(error: unknown, target: MysqlTarget): MigrateError | undefined {
  for (let current: unknown = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const e = current as DriverError;
    const code = typeof e.code === 'string' ? e.code : '';
    const errno = typeof e.errno === 'number' ? e.errno : 0;
    const serverText = typeof e.sqlMessage === 'string' ? e.sqlMessage : typeof e.message === 'string' ? e.message : '';
    if (errno === 1045 || errno === 1698) {
      return new MigrateError(
        'auth',
        `Authentication failed against the database server at \`${target.address}\`: the provided database credentials for \`${target.user}\` are not valid (${serverText}).`,
        { cause: error },
      );
    }
    if (errno === 1044) {
      return new MigrateError('auth', `User \`${target.user}\` was denied access on the database \`${target.database}\` (${serverText}).`, {
        cause: error,
        databaseName: target.database,
      });
    }
    if (errno === 1049) {
      return new MigrateError(
        'missingDatabase',
        `Database \`${target.database}\` does not exist on the database server at \`${target.address}\`.`,
        { cause: error, databaseName: target.database },
      );
    }
    if (UNREACHABLE_CODES.has(code)) {
      return new MigrateError(
        'unreachable',
        `Can't reach database server at \`${target.address}\` (${target.display}): ${serverText || code}. Please make sure your database server is running at \`${target.address}\`.`,
        { cause: error },
      );
    }
    current = e.cause;
  }
  return undefined;
}

/** Any error from the driver as a MigrateError, keeping connection problems typed. */
export function toMigrateError(error: unknown, target: MysqlTarget, doing: string): MigrateError {
  if (error instanceof MigrateError) return error;
  const classified = classifyConnectionError(error, target);
  if (classified) return classified;
  const text = error instanceof Error ? error.message : String(error);
  return new MigrateError('engine', `${doing} failed on ${target.display}: ${text}`, { cause: error });
}

/**
 * One direct connection first: a pool reports a bad password, a missing database or a closed port only
 * after its acquire timeout, and only as a nested cause; a single connection fails in milliseconds with
 * the real error.
 */
export async function probeConnection(target: MysqlTarget): Promise<void> {
  let connection: mariadb.Connection;
  try {
    connection = await mariadbDriver().createConnection(target.config);
  } catch (error) {
    throw toMigrateError(error, target, 'Connecting');
  }
  await connection.end().catch(() => connection.destroy());
}

export function createSingleConnectionPool(target: MysqlTarget, options: { readOnly?: boolean } = {}): mariadb.Pool {
  return mariadbDriver().createPool({
    ...target.config,
    // On every connection the pool opens, so that a reconnected session is read-only too.
    initSql: options.readOnly ? 'SET SESSION TRANSACTION READ ONLY' : undefined,
    // One connection: operations are serialised, and session state (the advisory lock) stays on it.
    connectionLimit: 1,
    minimumIdle: 0,
    // pool_timeout=0 means "wait forever" to Prisma; the driver's default (10 s) bounds reconnecting instead.
    acquireTimeout: target.poolTimeoutMs === 0 ? undefined : target.poolTimeoutMs,
  });
}
