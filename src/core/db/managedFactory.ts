import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

type Provider = SqlMigrationAwareDriverAdapterFactory['provider'];

/**
 * The adapter factory handed to the schema engine. It keeps one main connection for the engine and for
 * our own reads of `_prisma_migrations` (SQLite's exclusive lock and PostgreSQL's session advisory lock
 * both require that it is the same connection), tracks every shadow connection, and releases all of them
 * in `dispose()` — the engine's `free()` releases none.
 */
export class ManagedAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  private main: Promise<SqlDriverAdapter> | undefined;
  private readonly shadows = new Set<SqlDriverAdapter>();
  private nextShadowSeeds: ReadonlyArray<Buffer | undefined> = [];

  constructor(
    readonly provider: Provider,
    readonly adapterName: string,
    private readonly openMain: () => Promise<SqlDriverAdapter>,
    private readonly openShadow: () => Promise<SqlDriverAdapter>,
    private readonly onDispose: () => Promise<void> = async () => {},
    /**
     * A shadow database that starts as a replayed state (a scratch database's `snapshot()` of the same kind),
     * where the shadow can (a SQLite file, a PGlite): see `withShadowSeeds`.
     */
    private readonly openSeededShadow?: (seed: Buffer) => Promise<SqlDriverAdapter>,
  ) {}

  /** Whether `withShadowSeeds` can start a shadow database from a replayed state. */
  get seedsShadows(): boolean {
    return this.openSeededShadow !== undefined;
  }

  /**
   * Runs `operation` with the shadow databases the engine asks for starting as `seeds`, in the order it
   * asks for them (undefined: an empty one). The engine replays migrations into a shadow database it is
   * given without emptying it first, so a shadow that already holds a history's first migrations needs
   * only the rest (the caller passes only those).
   */
  async withShadowSeeds<T>(seeds: ReadonlyArray<Buffer | undefined>, operation: () => Promise<T>): Promise<T> {
    this.nextShadowSeeds = seeds;
    try {
      return await operation();
    } finally {
      this.nextShadowSeeds = [];
    }
  }

  /** The engine may call this several times and dispose what it gets: it always gets the same, undisposable connection. */
  connect(): Promise<SqlDriverAdapter> {
    return this.mainConnection().then((adapter) => delegate(adapter, { dispose: async () => {} }));
  }

  mainConnection(): Promise<SqlDriverAdapter> {
    this.main ??= this.openMain().catch((error: unknown) => {
      this.main = undefined;
      throw error;
    });
    return this.main;
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const [seed, ...rest] = this.nextShadowSeeds;
    this.nextShadowSeeds = rest;
    const shadow = seed && this.openSeededShadow ? await this.openSeededShadow(seed) : await this.openShadow();
    const tracked = delegate(shadow, {
      dispose: async () => {
        if (!this.shadows.delete(tracked)) return;
        await shadow.dispose();
      },
    });
    this.shadows.add(tracked);
    return tracked;
  }

  /**
   * Closes every connection; the next `connect()` opens a new one. Releases SQLite's exclusive lock and
   * PostgreSQL's session advisory lock, e.g. after an engine panic or before a SQLite file is recreated.
   */
  async closeConnections(): Promise<void> {
    const main = this.main;
    this.main = undefined;
    const shadows = [...this.shadows];
    await Promise.allSettled(shadows.map((s) => s.dispose()));
    if (main) await main.then((m) => m.dispose()).catch(() => undefined);
  }

  /** Closes the connections and releases what the database holds for good (servers, locks, temp files). */
  async dispose(): Promise<void> {
    await this.closeConnections();
    await this.onDispose();
  }
}

/** An adapter that forwards to `inner` except for the given methods. */
export function delegate(inner: SqlDriverAdapter, overrides: Partial<SqlDriverAdapter>): SqlDriverAdapter {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => inner.queryRaw(query),
    executeRaw: (query) => inner.executeRaw(query),
    executeScript: (script) => inner.executeScript(script),
    startTransaction: (isolationLevel) => inner.startTransaction(isolationLevel),
    getConnectionInfo: inner.getConnectionInfo ? () => inner.getConnectionInfo!() : undefined,
    dispose: () => inner.dispose(),
    ...overrides,
  };
}
