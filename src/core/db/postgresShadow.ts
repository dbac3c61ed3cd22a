import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { errorMessage, MigrateError } from '../errors';
import { delegate } from './managedFactory';
import { pgliteShadow } from './pgliteShadow';
import { type ShadowSource, wipeSchemas } from './postgresAdapter';
import { connectClient, connectServer, type PostgresTarget, probe, withDatabase } from './postgresServer';

/** The user's `shadowDatabaseUrl`: emptied before each use, as Prisma does. Never the main database. */
export function configuredShadow(main: PostgresTarget, shadow: PostgresTarget): ShadowSource {
  if (shadow.address.toLowerCase() === main.address.toLowerCase() && shadow.database === main.database) {
    throw new MigrateError(
      'config',
      `The shadow database URL points to the main database (${main.display}). The shadow database is emptied on every use: give it a database of its own.`,
    );
  }
  return {
    async connect() {
      await probe(shadow);
      const adapter = await connectServer(shadow);
      try {
        await wipeSchemas(adapter);
      } catch (error) {
        await adapter.dispose();
        throw error;
      }
      return adapter;
    },
    close: async () => {},
  };
}

const INSUFFICIENT_PRIVILEGE = '42501';
const SYNTAX_ERROR = '42601';

/**
 * Without a `shadowDatabaseUrl`: a temporary database on the same server, created through a separate
 * admin connection and dropped when the engine disposes the shadow connection. Stock
 * `PrismaPg.connectToShadowDb` cannot be used: given a URL it reconnects to the main database, and it
 * drops the database before closing its pool, which fails and leaks the database. A user who may not
 * create databases gets an in-memory PGlite shadow instead.
 */
export function temporaryShadow(main: PostgresTarget, extensions: readonly string[]): ShadowSource {
  let fallback: ShadowSource | undefined;

  const connectFallback = async () => {
    fallback ??= pgliteShadow(extensions);
    try {
      return await fallback.connect();
    } catch (error) {
      throw new MigrateError(
        'unsupported',
        `User \`${main.user}\` may not create a temporary shadow database on ${main.address}, and the embedded PGlite shadow database could not be used instead: ${errorMessage(error)} Set a shadow database URL.`,
        { cause: error },
      );
    }
  };

  return {
    async connect() {
      if (fallback) return connectFallback();
      const admin = await connectClient(main);
      const name = `prisma_migrations_shadow_${randomBytes(6).toString('hex')}`;
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } catch (error) {
        await admin.end();
        if ((error as { code?: unknown }).code === INSUFFICIENT_PRIVILEGE) return connectFallback();
        throw error;
      }
      const drop = () => dropDatabase(admin, name, main);
      let adapter;
      try {
        adapter = await connectServer(withDatabase(main, name));
      } catch (error) {
        await drop();
        throw error;
      }
      // The pool must be gone before the database can be dropped.
      return delegate(adapter, { dispose: () => adapter.dispose().finally(drop) });
    },
    close: async () => fallback?.close(),
  };
}

/** Drops the database (forcing out stray sessions where the server knows how, PostgreSQL 13+), then ends `admin`. */
export async function dropDatabase(admin: pg.Client, name: string, main: PostgresTarget): Promise<void> {
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch((error: { code?: unknown }) => {
      if (error.code !== SYNTAX_ERROR) throw error;
      return admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    });
  } catch (error) {
    throw new MigrateError('state', `The temporary database \`${name}\` on ${main.address} could not be dropped (${errorMessage(error)}); drop it by hand.`, {
      cause: error,
    });
  } finally {
    await admin.end().catch(() => undefined);
  }
}
