import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { pgliteExtensions } from './extensions';
import { delegate } from './managedFactory';
import { startPglite, type PgliteServer } from './pgliteServer';
import { type ShadowSource, wipeSchemas } from './postgresAdapter';

/**
 * An in-memory PGlite as the shadow database. A socket server ignores the database name, so the
 * shadow cannot be a second database of the dev PGlite: it is its own instance, started on first use
 * (that costs seconds) and reused, its connection kept open for the same reason, and wiped before
 * each use (the engine never empties an adapter-provided shadow database itself).
 */
export function pgliteShadow(extensions: readonly string[]): ShadowSource {
  let started: Promise<{ server: PgliteServer; adapter: SqlDriverAdapter }> | undefined;

  const start = async () => {
    const server = await startPglite(undefined, await pgliteExtensions(extensions));
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
    async close() {
      const running = await started?.catch(() => undefined);
      started = undefined;
      if (!running) return;
      await running.adapter.dispose();
      await running.server.close();
    },
  };
}
