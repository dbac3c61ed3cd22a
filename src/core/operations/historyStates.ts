import { requiredExtensions } from '../db/extensions';
import { discard, lookUp, type ReplayCacheOptions, replayKeys, replaysDir, store } from '../db/replayCache';
import { cachedResult, resultKey } from '../db/resultCache';
import { openScratchDatabase } from '../db/scratch';
import type { EngineDatabase } from '../db/target';
import { type DiffSource, MigrationEngine } from '../engine/migrationEngine';
import { MigrateError } from '../errors';
import type { MigrationsFolder } from '../migrations/folder';
import type { PrismaProject } from '../types';

/** The migrations folder cut to its first `count` migrations: the history at a point in time. */
export function historyPrefix(folder: MigrationsFolder, count: number): MigrationsFolder {
  return { ...folder, migrations: folder.migrations.slice(0, count) };
}

/** Where a migration sits in the history; a name that is not there, or a migration without SQL before it, is an error. */
export function positionOf(folder: MigrationsFolder, name: string): number {
  const index = folder.migrations.findIndex((m) => m.name === name);
  if (index === -1) throw new MigrateError('config', `There is no migration ${name} in ${folder.dir}.`, { migration: name });
  const broken = folder.migrations.slice(0, index + 1).find((m) => m.script === null);
  if (broken) throw new MigrateError('migrationsFolder', `${broken.name} has no migration.sql: the history cannot be replayed.`, { migration: broken.name });
  return index;
}

/** A history as a diff side: nothing before the first migration is the empty database. */
export function historySource(folder: MigrationsFolder): DiffSource {
  return folder.migrations.length === 0 ? { kind: 'empty' } : { kind: 'migrations', folder };
}

/** An engine on a scratch database for replaying histories; `what` names the feature in the refusal for other providers. */
export function scratchEngine(project: PrismaProject, folder: MigrationsFolder, what: string): MigrationEngine {
  return engineOn(project, openScratchDatabase(scratchProvider(project, what), scriptExtensions(folder)));
}

function scratchProvider(project: PrismaProject, what: string): 'sqlite' | 'postgresql' {
  const provider = project.provider;
  if (provider !== 'sqlite' && provider !== 'postgresql') {
    throw new MigrateError('unsupported', `${what} need Prisma's schema engine, which this build cannot run for ${provider}.`);
  }
  return provider;
}

const scriptExtensions = (folder: MigrationsFolder) => requiredExtensions(folder.migrations.flatMap((m) => (m.script === null ? [] : [m.script])));

const engineOn = (project: PrismaProject, database: EngineDatabase, replayCache: ReplayCacheOptions = {}) =>
  new MigrationEngine({ database, schemaFiles: project.engineSchemaFiles, configDir: project.root, replayCache });

/**
 * A result computed from the project and a history on scratch databases only (a schema check, a down
 * script, its verification), through the result cache (resultCache.ts): keyed by `kind`, the project
 * as read (its URLs aside: nothing here connects to them), the history's migrations and lockfile, and
 * `inputs`.
 */
export function cachedHistoryResult<T>(
  kind: string,
  project: PrismaProject,
  folder: MigrationsFolder,
  inputs: readonly unknown[],
  compute: () => Promise<T>,
  cache: ReplayCacheOptions = {},
): Promise<T> {
  const history = folder.migrations.map((m) => [m.name, m.script]);
  const key = resultKey(kind, [{ ...project, url: undefined, shadowDatabaseUrl: undefined }, history, folder.lockfile, ...inputs]);
  return cachedResult(cache, key, compute);
}

/** A scratch engine holding a replayed history, and how it got there. */
export interface ReplayedHistory {
  engine: MigrationEngine;
  /** How many of the first migrations' state came from the replay cache. */
  restored: number;
  /** How many were applied on top of it. */
  applied: number;
}

/**
 * A scratch engine (see `scratchEngine`) whose database holds the whole history replayed, as
 * `replayHistory` leaves it, through the replay cache (`replayCache.ts`): the longest prefix of the
 * history replayed before is restored, the rest applied, and the whole stored for next time. An entry
 * the database refuses is deleted and the history replayed from the start. A history that fails to
 * replay stores nothing. With `server` (a PostgreSQL server's database that offers a `scratch`), the
 * history is replayed in a scratch database on that server instead. `appliedLater`: a longer history the
 * caller applies on the engine afterwards, whose extensions a scratch PGlite must load when it starts
 * (they cannot be loaded once it runs). The caller disposes the engine.
 */
export async function replayedHistory(
  project: PrismaProject,
  folder: MigrationsFolder,
  what: string,
  cache: ReplayCacheOptions = {},
  server?: EngineDatabase,
  appliedLater: MigrationsFolder = folder,
): Promise<ReplayedHistory> {
  const provider = scratchProvider(project, what);
  if (server?.scratch && provider === 'postgresql') {
    // A server database is neither restored from the cache nor stored: its replay is the fast one.
    const engine = engineOn(project, server.scratch(), cache);
    try {
      return { engine, restored: 0, applied: (await replayHistory(engine, folder)).length };
    } catch (error) {
      await engine.dispose();
      throw error;
    }
  }
  const extensions = scriptExtensions(appliedLater);
  const missing = folder.migrations.findIndex((m) => m.script === null);
  const replayable = missing === -1 ? folder.migrations : folder.migrations.slice(0, missing);
  const keys = replayKeys(provider, replayable.map((m) => ({ name: m.name, script: m.script ?? '' })));
  const dir = replaysDir(cache);
  const open = (seed?: Buffer) => {
    const database = openScratchDatabase(provider, extensions, { cacheDir: cache.cacheDir, seed });
    return { database, engine: engineOn(project, database, cache) };
  };

  let cached = dir === undefined ? undefined : lookUp(dir, keys);
  let { database, engine } = open(cached?.bytes);
  if (dir !== undefined && cached !== undefined) {
    try {
      await database.factory.mainConnection();
    } catch {
      await engine.dispose();
      discard(dir, cached.key);
      cached = undefined;
      ({ database, engine } = open());
    }
  }
  try {
    const applied = await replayHistory(engine, folder);
    if (dir !== undefined && applied.length > 0) {
      const snapshot = await database.snapshot().catch(() => undefined);
      if (snapshot) await store(dir, keys[keys.length - 1]!, snapshot, cache);
    }
    return { engine, restored: cached?.count ?? 0, applied: applied.length };
  } catch (error) {
    await engine.dispose();
    throw error;
  }
}

/**
 * Applies the whole history to a scratch engine's empty database. A migration failing there is the
 * history's fault, whatever a database that resolved it records: said so, not as a failure on the target.
 */
export async function replayHistory(engine: MigrationEngine, folder: MigrationsFolder): Promise<string[]> {
  try {
    return await engine.applyPending(folder);
  } catch (error) {
    const name = error instanceof MigrateError && error.kind === 'migrationFailed' ? error.details?.migration : undefined;
    if (name === undefined) throw error;
    const detail = (error as MigrateError).message.replace(`Migration ${name} failed: `, '');
    throw new MigrateError(
      'migrationFailed',
      `The migration history does not replay on an empty database: ${name} fails there (${detail}). Every new database would fail the same way, even where ${name} is marked applied: fix its SQL.`,
      { cause: error, migration: name },
    );
  }
}
