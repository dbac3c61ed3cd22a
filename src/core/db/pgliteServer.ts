import type { Extension, PGlite } from '@electric-sql/pglite';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { connectPg } from './postgresAdapter';
import { pgliteModule, pgliteSocketModule } from './pgliteModules';

export interface PgliteServer {
  /** The engine's connection (see `connectPg`), read-only if asked. Connect once: the server takes no second client. */
  connect(options?: { readOnly?: boolean }): Promise<SqlDriverAdapter>;
  close(): Promise<void>;
}

/**
 * A PGlite instance (persisted in `dataDir`, or in memory) behind a PostgreSQL wire-protocol socket
 * on 127.0.0.1 and a free port, so `@prisma/adapter-pg` can drive it like a server. PGlite is one
 * backend: the socket server runs one query at a time, whichever connection sends it, so only one pool
 * of one connection may use it. Only `extensions` (see `pgliteExtensions`) can be created later: PGlite
 * takes them at start-up.
 */
export async function startPglite(dataDir: string | undefined, extensions: Record<string, Extension>): Promise<PgliteServer> {
  const db = await pgliteModule().PGlite.create(dataDir, { extensions });
  return servePglite(db, () => db.close());
}

/**
 * Serves an already started PGlite instance (see `startPglite`). `closeDb` closes it (and releases
 * whatever belongs to it) after the socket server has stopped; it also runs if the server fails to start.
 */
export async function servePglite(db: PGlite, closeDb: () => Promise<void>): Promise<PgliteServer> {
  // One live connection plus one closing: node-postgres' pool destroys its connection after any failed
  // query and connects again at once, before the server has seen the old socket close.
  const server = new (pgliteSocketModule().PGLiteSocketServer)({ db, host: '127.0.0.1', port: 0, maxConnections: 2 });
  try {
    await server.start();
  } catch (error) {
    await closeDb();
    throw error;
  }
  // PGlite ignores user, password and database name.
  const url = `postgresql://postgres@${server.getServerConn()}/postgres`;
  return {
    // In-process: closing an idle connection would free nothing.
    async connect(options) {
      const adapter = await connectPg(url, { idleTimeoutMillis: 0 });
      // The socket server ignores startup options; PGlite being one session, the setting holds for it.
      if (options?.readOnly) await adapter.executeScript('SET SESSION default_transaction_read_only = on');
      return adapter;
    },
    async close() {
      try {
        await server.stop();
      } finally {
        await closeDb();
      }
    },
  };
}
