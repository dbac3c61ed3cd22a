import { PrismaLibSql } from '@prisma/adapter-libsql';
import { narrowInteger } from './nodeSqliteAdapter';
import type { SqliteDriver } from './sqliteDriver';

type Client = ReturnType<PrismaLibSql['createClient']>;
type ResultSet = Awaited<ReturnType<Client['execute']>>;

/**
 * libsql's client reads integers as numbers and throws on one beyond 2^53 (a 64-bit id, a hash): read them
 * all as bigints, and give back as numbers those a number holds exactly — what node:sqlite's adapter does.
 */
class PrismaLibSqlWideIntegers extends PrismaLibSql {
  override createClient(config: Parameters<PrismaLibSql['createClient']>[0]): Client {
    return narrowingIntegers(super.createClient({ ...config, intMode: 'bigint' }));
  }
}

/** The client, or a transaction it started, whose results carry numbers for the integers a number holds exactly. */
function narrowingIntegers<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== 'function') return value;
      // The client keeps its connection in private fields: its methods run on the client itself.
      if (key === 'execute') return async (...args: unknown[]) => narrowed((await value.apply(object, args)) as ResultSet);
      if (key === 'transaction') return async (...args: unknown[]) => narrowingIntegers((await value.apply(object, args)) as object);
      return value.bind(object) as unknown;
    },
  });
}

function narrowed(result: ResultSet): ResultSet {
  return { ...result, rows: result.rows.map((row) => Array.from(row, narrowInteger) as unknown as (typeof result.rows)[number]) };
}

export const libsqlDriver: SqliteDriver = {
  name: 'libsql',
  factory: (filePath) => new PrismaLibSqlWideIntegers({ url: `file:${filePath}` }),
};
