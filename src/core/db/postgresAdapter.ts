import { PrismaPg } from '@prisma/adapter-pg';
import { ColumnTypeEnum, type SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { delegate } from './managedFactory';
import { LivenessWatch } from './postgresLiveness';

/** PostgreSQL's internal one-byte `"char"` type (e.g. `pg_constraint.contype`, `pg_class.relkind`). */
const CHAR_OID = 18;
const TEXT_OID = 25;

/**
 * Result rows that held `"char"` columns, and which. `@prisma/adapter-pg` 7.10 rejects OID 18, and
 * the schema engine reads such catalog columns whenever it describes a schema. The client below hands
 * the adapter those columns as text, and the adapter passes the same `rows` array through, so
 * `queryRaw` can find them and re-type them as `Character`: the engine expects that type there and
 * panics on text.
 */
const charColumns = new WeakMap<object, number[]>();

function hideCharColumns(result: unknown): unknown {
  for (const each of Array.isArray(result) ? result : [result]) {
    const { fields, rows } = (each ?? {}) as Partial<pg.QueryResult>;
    if (!fields || !rows) continue;
    const indexes = fields.flatMap((field, index) => (field.dataTypeID === CHAR_OID ? [index] : []));
    if (indexes.length === 0) continue;
    for (const index of indexes) fields[index]!.dataTypeID = TEXT_OID;
    charColumns.set(rows, indexes);
  }
  return result;
}

/**
 * node-postgres' client with `"char"` columns hidden from the adapter (their values are already parsed,
 * as plain strings). The pool calls `query(text, values, callback)`; a transaction's client is called
 * as `query(config)` (the engine starts none, so only `queryRaw` below restores the type).
 */
class CharColumnsClient extends pg.Client {
  override query(...args: unknown[]): any {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: Error | null, result: unknown) => callback(error, error ? result : hideCharColumns(result));
      return Reflect.apply(super.query, this, args);
    }
    const returned = Reflect.apply(super.query, this, args);
    return returned instanceof Promise ? returned.then(hideCharColumns) : returned;
  }
}

/** Each connection of the pool watched by a LivenessWatch over `connectionString`. */
function watchedClient(connectionString: string, connectTimeoutMs: number): typeof pg.Client {
  return class WatchedClient extends CharColumnsClient {
    private readonly watch = new LivenessWatch(this, connectionString, connectTimeoutMs);

    override query(...args: unknown[]): any {
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        let settle!: () => void;
        this.watch.track(new Promise<void>((resolve) => (settle = resolve)));
        args[last] = (...results: unknown[]) => {
          settle();
          return (callback as (...a: unknown[]) => unknown)(...results);
        };
        return super.query(...args);
      }
      const returned = super.query(...args);
      if (returned instanceof Promise) this.watch.track(returned);
      return returned;
    }
  };
}

/** Prisma's own default `connect_timeout`. */
export const CONNECT_TIMEOUT_MS = 5_000;

export const PG_ADAPTER_NAME = '@prisma/adapter-pg';

export interface PgConnectionOptions {
  /** Default: Prisma's 5 s. */
  connectTimeoutMs?: number;
  /** How long an idle connection stays open; 0: until disposed. */
  idleTimeoutMillis: number;
  /** The URL's `schema` parameter: where Prisma's engine works instead of `public`. */
  schema?: string;
  /**
   * Check a connection whose statement runs long, through a second one (see LivenessWatch). Only for a
   * server: a PGlite socket serves one client at a time.
   */
  watchLiveness?: boolean;
  /** Every transaction of the session is read-only: the server refuses any write (see `readOnlyOption`). */
  readOnly?: boolean;
}

/**
 * The engine describes the adapter's schema, but the migration scripts it writes name no schema: like
 * Prisma's own driver, make it the session's `search_path`. Startup options split on spaces, so spaces
 * and backslashes in the value are escaped.
 */
function searchPathOption(schema: string): string {
  const quoted = `"${schema.replace(/"/g, '""')}"`;
  return `-c search_path=${quoted.replace(/[\\ ]/g, '\\$&')}`;
}

/**
 * Reads open the session read-only, as a startup option so that a connection the pool reopens is too:
 * PostgreSQL then refuses every write to the database (DDL included) while reads and the engine's advisory
 * lock still work.
 */
const READ_ONLY_OPTION = '-c default_transaction_read_only=on';

function startupOptions(options: PgConnectionOptions): string | undefined {
  const parts = [options.schema === undefined ? undefined : searchPathOption(options.schema), options.readOnly ? READ_ONLY_OPTION : undefined];
  return parts.filter((part) => part !== undefined).join(' ') || undefined;
}

/**
 * A `@prisma/adapter-pg` connection over a pool of exactly one connection: the engine's session
 * advisory lock and our reads of `_prisma_migrations` must share it, and a PGlite socket server must
 * see one client only. The adapter's `"char"` and `executeScript` limitations are fixed here;
 * disposing ends the pool.
 */
export async function connectPg(connectionString: string, options: PgConnectionOptions): Promise<SqlDriverAdapter> {
  const config: pg.PoolConfig = {
    connectionString,
    max: 1,
    idleTimeoutMillis: options.idleTimeoutMillis,
    connectionTimeoutMillis: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    // A server or network that goes away without closing the socket: found in about a minute, not never.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    Client: options.watchLiveness ? watchedClient(connectionString, options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS) : CharColumnsClient,
    options: startupOptions(options),
  };
  // The adapter is typed against its own, newer @types/pg; the runtime `pg` is the same module.
  const adapter = await new PrismaPg(config as ConstructorParameters<typeof PrismaPg>[0], { schema: options.schema }).connect();
  return delegate(adapter, {
    queryRaw: async (query) => {
      const result = await adapter.queryRaw(query);
      for (const index of charColumns.get(result.rows) ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
      return result;
    },
    // The adapter splits scripts on every `;`, breaking `DO $$ … $$` blocks, function bodies and string
    // literals. A parameterless query goes out as one simple-protocol message, which PostgreSQL runs
    // statement by statement itself; `executeRaw` keeps the adapter's own error mapping.
    executeScript: async (script) => {
      await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
    },
  });
}

/** Where the engine's shadow connections come from; `close` releases what outlives one connection. */
export interface ShadowSource {
  connect(): Promise<SqlDriverAdapter>;
  close(): Promise<void>;
}

/**
 * Empties a database for shadow use: drops every non-system schema (with its tables, types, functions
 * and the extensions installed in it) and recreates `public`, as a fresh database has it.
 */
export async function wipeSchemas(adapter: SqlDriverAdapter): Promise<void> {
  await adapter.executeScript(`
    DO $$
    DECLARE
      schema_name name;
    BEGIN
      FOR schema_name IN
        SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
      LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', schema_name);
      END LOOP;
      CREATE SCHEMA public;
    END $$;
  `);
}
