import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManagedAdapterFactory } from './managedFactory';
import { pgliteShadow } from './pgliteShadow';
import { PG_ADAPTER_NAME } from './postgresAdapter';
import { openSqlite } from './sqlite';
import type { EngineDatabase } from './target';

/**
 * A database of nobody's: a temporary SQLite file, or a PGlite started from the shadow template, for
 * work that must not touch the user's databases (replaying the history to learn the schema it leaves).
 * Disposing deletes it.
 */
export function openScratchDatabase(provider: EngineDatabase['provider'], extensions: readonly string[] = []): EngineDatabase {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'prisma-migrations-scratch-'));
    const database = openSqlite(path.join(dir, 'scratch.db'));
    return {
      ...database,
      label: 'a scratch SQLite database',
      dispose: async () => {
        await database.dispose();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const main = pgliteShadow(extensions);
  const shadow = pgliteShadow(extensions);
  const factory = new ManagedAdapterFactory('postgres', PG_ADAPTER_NAME, () => main.connect(), () => shadow.connect(), async () => {
    await Promise.all([main.close(), shadow.close()]);
  });
  return { provider, label: 'a scratch PGlite database', databaseName: 'scratch', factory, dispose: () => factory.dispose() };
}
