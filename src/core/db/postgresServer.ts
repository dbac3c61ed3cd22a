import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { MigrateError } from '../errors';
import { describeUrl } from '../redact';
import { checkUrlCredentials } from './urlCredentials';
import { CONNECT_TIMEOUT_MS, connectPg } from './postgresAdapter';
import { checkSpeaksPostgres } from './postgresProtocol';

/** Where a PostgreSQL URL points, in the words messages use (never the password). */
export interface PostgresTarget {
  /** What node-postgres connects with: the URL, with Prisma's default database filled in. */
  url: string;
  host: string;
  port: number;
  /** `host:port`, or the socket folder and port. */
  address: string;
  database: string;
  user: string;
  /** `postgresql://host:port/db`. */
  display: string;
  /** The URL's `connect_timeout` (seconds, 0: none), as Prisma reads it; 5 s by default. */
  connectTimeoutMs: number;
  /** The URL's `schema` parameter; Prisma's default is `public`. */
  schema: string | undefined;
}

export function postgresTarget(url: string): PostgresTarget {
  checkUrlCredentials(url, 'PostgreSQL');
  try {
    const parsed = new URL(url);
    // Prisma connects to `postgres` when the URL names no database; node-postgres would pick the user's name.
    if (parsed.pathname.replace(/^\//, '') === '') parsed.pathname = '/postgres';
    const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
    const port = parsed.port || parsed.searchParams.get('port') || '5432';
    const timeout = parsed.searchParams.get('connect_timeout');
    return {
      url: parsed.toString(),
      host: decodeURIComponent(host),
      port: Number(port),
      address: `${host}:${port}`,
      database: decodeURIComponent(parsed.pathname.slice(1)),
      // node-postgres' default user, for messages.
      user: decodeURIComponent(parsed.username) || process.env.PGUSER || process.env.USER || process.env.USERNAME || 'postgres',
      display: describeUrl(url),
      connectTimeoutMs: timeout !== null && /^\d+$/.test(timeout) ? Number(timeout) * 1000 : CONNECT_TIMEOUT_MS,
      schema: parsed.searchParams.get('schema') || undefined,
    };
  } catch {
    // Not echoed: a malformed URL may not look like one to redactSecrets.
    throw new MigrateError('config', 'The PostgreSQL database URL could not be parsed. Expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE.');
  }
}

/** The same server and credentials, another database: node-postgres lets the URL's path win over a `database` option. */
export function withDatabase(target: PostgresTarget, database: string): PostgresTarget {
  const parsed = new URL(target.url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return postgresTarget(parsed.toString());
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ENOENT']);

/** Connection failures as typed errors naming host, port and database; other errors are returned as they are. */
export function connectionError(error: unknown, target: PostgresTarget): unknown {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  if (code === '28P01') {
    return new MigrateError('auth', `Authentication failed against the database server at ${target.address}: the password for user \`${target.user}\` is not valid.`, { cause: error });
  }
  if (code === '28000') {
    // "role … does not exist" or "no pg_hba.conf entry …": the server's words are the useful part.
    return new MigrateError('auth', `The database server at ${target.address} refused user \`${target.user}\`: ${text}.`, { cause: error });
  }
  if (code === '3D000') {
    return new MigrateError(
      'missingDatabase',
      `Database \`${target.database}\` does not exist on the database server at ${target.address}. Create it to continue.`,
      { cause: error, databaseName: target.database },
    );
  }
  // node-postgres reports its connect timeout and a server closing the socket only in the message;
  // Node reports every address of a host failing (IPv6 and IPv4 `localhost`) as one AggregateError.
  const unreachable =
    (typeof code === 'string' && UNREACHABLE_CODES.has(code)) ||
    (code === undefined && /timeout|Connection terminated/i.test(text)) ||
    error instanceof AggregateError;
  if (unreachable) {
    return new MigrateError(
      'unreachable',
      `Can't reach the database server at ${target.address} (${target.display}). Please make sure your database server is running at ${target.address}.`,
      { cause: error },
    );
  }
  return error;
}

/** A single client, connected, with server-side failures typed. The caller ends it. */
export async function connectClient(target: PostgresTarget): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: target.connectTimeoutMs });
  // An idle client whose server goes away emits 'error'; unhandled, that would end the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw connectionError(error, target);
  }
  return client;
}

/**
 * Closing an idle connection ends its session, and with it the engine's `pg_advisory_lock(72707369)`
 * (never released by the engine): another `prisma migrate` on the same database is then not kept
 * waiting by an editor that merely stays open.
 */
const IDLE_TIMEOUT_MS = 10_000;

/** The engine's connection to a server database (see `connectPg`); read-only for commands that only read it. */
export function connectServer(target: PostgresTarget, options: { readOnly?: boolean } = {}): Promise<SqlDriverAdapter> {
  return connectPg(target.url, {
    connectTimeoutMs: target.connectTimeoutMs,
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
    schema: target.schema,
    watchLiveness: true,
    readOnly: options.readOnly,
  });
}

/**
 * One direct connection before any pool: a pool and the engine report a missing database or a closed
 * port late and wrapped; a single client fails at once with the server's error code. Before it, a check
 * that the server speaks PostgreSQL at all.
 */
export async function probe(target: PostgresTarget): Promise<void> {
  try {
    await checkSpeaksPostgres({ host: target.host, port: target.port, timeoutMs: target.connectTimeoutMs, address: target.address });
  } catch (error) {
    throw connectionError(error, target);
  }
  const client = await connectClient(target);
  await client.end();
}

/**
 * Creates the database a 'missingDatabase' error named. Like Prisma, it connects to the server's
 * `postgres` maintenance database, or `template1` where that one is missing.
 */
export async function createDatabase(url: string): Promise<void> {
  const target = postgresTarget(url);
  const client = await maintenanceClient(target);
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(target.database)}`);
  } finally {
    await client.end();
  }
}

/** A session on the server's `postgres` maintenance database, or `template1` where that one is missing: never on the target's own database. */
export async function maintenanceClient(target: PostgresTarget): Promise<pg.Client> {
  try {
    return await connectClient(withDatabase(target, 'postgres'));
  } catch (error) {
    if (!(error instanceof MigrateError && error.kind === 'missingDatabase')) throw error;
    return connectClient(withDatabase(target, 'template1'));
  }
}
