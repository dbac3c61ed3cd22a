import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { pgliteExtensions } from './extensions';
import { delegate } from './managedFactory';
import { type PgliteServer, servePglite } from './pgliteServer';
import { openMemoryPglite, openShadowPglite, type ShadowPgliteOptions } from './pgliteTemplate';
import { type ShadowSource, wipeSchemas } from './postgresAdapter';

/**
 * A PGlite of its own as the shadow database. A socket server ignores the database name, so the
 * shadow cannot be a second database of the dev PGlite: it is its own instance, started on first use
 * on a private copy of a once-built template (see `openShadowPglite`: ~1 s instead of initdb's 4–9 s)
 * and reused, its connection kept open for the same reason, and wiped before each use (the engine
 * never empties an adapter-provided shadow database itself). `close()` stops it and deletes the copy.
 * `inMemory`: started in memory from the template's dump instead, for histories replayed whole.
 */
export function pgliteShadow(extensions: readonly string[], options: ShadowPgliteOptions = {}): ShadowSource & { connectFrom(seed: Buffer): Promise<SqlDriverAdapter> } {
  let started: Promise<{ server: PgliteServer; adapter: SqlDriverAdapter }> | undefined;

  const start = async () => {
    const loaded = await pgliteExtensions(extensions);
    const shadow = options.inMemory ? await openMemoryPglite(loaded, options) : await openShadowPglite(loaded, options);
    const server = await servePglite(shadow.db, () => shadow.close());
    try {
      return { server, adapter: await server.connect() };
    } catch (error) {
      await server.close();
      throw error;
    }
  };

  return {
    async connect() {
      started ??= start().catch((error: unknown) => {
        started = undefined;
        throw error;
      });
      const { adapter } = await started;
      await wipeSchemas(adapter);
      return delegate(adapter, { dispose: async () => {} });
    },
    /** A shadow of its own, in memory, starting as `seed` (a scratch PGlite's snapshot); disposing it stops it. */
    async connectFrom(seed: Buffer) {
      const shadow = await openMemoryPglite(await pgliteExtensions(extensions), { ...options, seed });
      const server = await servePglite(shadow.db, () => shadow.close());
      try {
        const adapter = await server.connect();
        return delegate(adapter, {
          dispose: async () => {
            try {
              await adapter.dispose();
            } finally {
              await server.close();
            }
          },
        });
      } catch (error) {
        await server.close();
        throw error;
      }
    },
    async close() {
      const running = await started?.catch(() => undefined);
      started = undefined;
      if (!running) return;
      try {
        await running.adapter.dispose();
      } finally {
        await running.server.close();
      }
    },
  };
}
