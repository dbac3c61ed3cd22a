import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { pgliteExtensions } from './extensions';
import { ManagedAdapterFactory } from './managedFactory';
import { type PgliteServer, servePglite } from './pgliteServer';
import { pgliteShadow } from './pgliteShadow';
import { openMemoryPglite } from './pgliteTemplate';
import { PG_ADAPTER_NAME } from './postgresAdapter';
import { openSqlite } from './sqlite';
import type { EngineDatabase } from './target';

/** A scratch database whose whole content can be taken as bytes, and started again from them. */
export interface ScratchDatabase extends EngineDatabase {
  /** The database as bytes for `ScratchOptions.seed`: the SQLite file, or PGlite's `dumpDataDir` tarball. */
  snapshot(): Promise<Buffer>;
}

export interface ScratchOptions {
  /** Where the PGlite template lives (see `ShadowPgliteOptions`). */
  cacheDir?: string;
  /** What a `snapshot()` of an earlier scratch database of the same provider returned: the database starts as it was. */
  seed?: Buffer;
}

/**
 * A database of nobody's: a temporary SQLite file, or a PGlite in memory, for work that must not touch
 * the user's databases (replaying the history to learn the schema it leaves). PGlite runs a history
 * several times faster in memory than on a data folder, and starts in memory from a tarball (the
 * template's fresh cluster, see `templateDump`, or a seed) without initdb; so does its shadow database,
 * which replays whole histories for diffs. Disposing deletes it.
 */
export function openScratchDatabase(provider: EngineDatabase['provider'], extensions: readonly string[] = [], options: ScratchOptions = {}): ScratchDatabase {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'prisma-migrations-scratch-'));
    const file = path.join(dir, 'scratch.db');
    if (options.seed) writeFileSync(file, options.seed);
    const database = openSqlite(file);
    return {
      ...database,
      label: 'a scratch SQLite database',
      async snapshot() {
        // Closed, the file is the whole database (no journal holds part of it); the next use reopens it.
        await database.factory.closeConnections();
        if (['-journal', '-wal'].some((suffix) => existsSync(file + suffix))) throw new Error('the scratch SQLite database left a journal behind');
        return readFileSync(file);
      },
      dispose: async () => {
        await database.dispose();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  let main: Promise<{ db: PGlite; server: PgliteServer }> | undefined;
  const start = async () => {
    const { db, close } = await openMemoryPglite(await pgliteExtensions(extensions), options);
    return { db, server: await servePglite(db, close) };
  };
  const started = () => {
    main ??= start().catch((error: unknown) => {
      main = undefined;
      throw error;
    });
    return main;
  };
  const shadow = pgliteShadow(extensions, { cacheDir: options.cacheDir, inMemory: true });
  const factory = new ManagedAdapterFactory(
    'postgres',
    PG_ADAPTER_NAME,
    async () => (await started()).server.connect(),
    () => shadow.connect(),
    async () => {
      const running = await main?.catch(() => undefined);
      main = undefined;
      await Promise.all([running?.server.close(), shadow.close()]);
    },
    (seed) => shadow.connectFrom(seed),
  );
  return {
    provider,
    shadow: 'embedded',
    label: 'a scratch PGlite database',
    databaseName: 'scratch',
    factory,
    async snapshot() {
      const { db } = await started();
      return Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    },
    dispose: () => factory.dispose(),
  };
}
