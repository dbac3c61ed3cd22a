import { ManagedAdapterFactory } from './managedFactory';
import { PG_ADAPTER_NAME } from './postgresAdapter';
import { connectServer, postgresTarget, probe } from './postgresServer';
import { configuredShadow, temporaryShadow } from './postgresShadow';
import type { EngineDatabase } from './target';

export { createDatabase } from './postgresServer';

export interface PostgresOptions {
  /** A database the engine may empty at will for shadow replays; without it, a temporary one is created. */
  shadowDatabaseUrl?: string;
  /** Extensions the migrations create: only needed if the shadow has to fall back to PGlite. */
  extensions?: string[];
  /** The database is only read: its session refuses writes. Shadow databases stay writable. */
  readOnly?: boolean;
}

/**
 * A PostgreSQL server. Fails fast with a typed MigrateError ('unreachable', 'auth', 'missingDatabase',
 * 'config') naming host, port and database, never the password. The engine's own `reset` is right for
 * PostgreSQL, so there is no `recreate`.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<EngineDatabase> {
  const target = postgresTarget(url);
  const shadow =
    options.shadowDatabaseUrl === undefined
      ? temporaryShadow(target, options.extensions ?? [])
      : configuredShadow(target, postgresTarget(options.shadowDatabaseUrl));
  await probe(target);
  const factory = new ManagedAdapterFactory(
    'postgres',
    PG_ADAPTER_NAME,
    () => connectServer(target, { readOnly: options.readOnly }),
    () => shadow.connect(),
    () => shadow.close(),
  );
  const scratch = (): EngineDatabase => {
    // Each connection is a temporary database of its own: the scratch database and its shadows alike.
    const temporary = temporaryShadow(target, options.extensions ?? []);
    const scratchFactory = new ManagedAdapterFactory(
      'postgres',
      PG_ADAPTER_NAME,
      () => temporary.connect(),
      () => temporary.connect(),
      () => temporary.close(),
    );
    return {
      provider: 'postgresql',
      shadow: 'server',
      label: `a scratch database on ${target.address}`,
      databaseName: 'scratch',
      factory: scratchFactory,
      dispose: () => scratchFactory.dispose(),
    };
  };
  return {
    ...(options.shadowDatabaseUrl === undefined && { scratch }),
    provider: 'postgresql',
    shadow: options.shadowDatabaseUrl === undefined ? 'server' : 'configured',
    label: target.display,
    databaseName: target.database,
    factory,
    dispose: () => factory.dispose(),
  };
}
