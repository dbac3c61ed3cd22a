import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlResultSet } from '@prisma/driver-adapter-utils';
import type { SchemaEngineWasm } from '@prisma/migrate/dist/SchemaEngineWasm.js';
import type {
  DiffTarget,
  EvaluateDataLossOutput,
  MigrationList,
  SchemaEngine,
  SchemaFilter,
} from '@prisma/schema-engine-wasm' with { 'resolution-mode': 'import' };
import type { EngineDatabase } from '../db/target';
import { MigrateError } from '../errors';
import { assertFolderUsable, assertLockfileUsable, type MigrationsFolder, toEngineMigrationList } from '../migrations/folder';
import { appliedMigrations, migrationStatuses, pendingMigrations } from '../migrations/history';
import type { MigrationRow, MigrationStatus, SchemaFile } from '../types';
import { applyMigrationScripts, isProvablyEmpty } from './applyScripts';
import type { ApplyProgress, HistoryBackend } from './backend';
import { isPanic, toMigrateError } from './engineErrors';
import { comparesExtensions, HISTORY_EXTENSIONS_QUERY, withoutPresentExtensions } from './historyExtensions';
import { interruptedMigrationError, isConnectionLoss } from './interruptedMigration';
import { takeMigrationLock } from './migrationLock';
import { databaseFingerprint, databaseIdentity } from '../db/databaseFingerprint';
import { lookUp, type ReplayCacheOptions, replayKeys, replaysDir } from '../db/replayCache';
import { cachedResult, resultKey } from '../db/resultCache';
import { absentHistoryReadsEmpty, createMigrationsTable, deleteMigrationRows, readMigrationRows, recordRolledBack, revivedRows } from './migrationsTable';
import { newSchemaEngine } from './wasm';

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

/** A diff side, in the words of `prisma migrate diff`. */
export type DiffSource =
  | { kind: 'empty' }
  | { kind: 'migrations'; folder: MigrationsFolder; only?: ReadonlySet<string> }
  | { kind: 'schema'; files: readonly SchemaFile[] }
  /** The engine's database, described with `files`' datasource (namespaces, extensions); the engine's own schema by default. */
  | { kind: 'database'; files?: readonly SchemaFile[] };

export interface DiffResult {
  /** False when both sides describe the same database. */
  hasChanges: boolean;
  /** SQL script or human summary, as the engine printed it. */
  output: string;
}

export interface MigrationPlan {
  /** The SQL the next migration would contain (Prisma's empty-migration comment when nothing changed). */
  script: string;
  hasChanges: boolean;
  warnings: EvaluateDataLossOutput['warnings'];
  unexecutableSteps: EvaluateDataLossOutput['unexecutableSteps'];
}

export interface EngineOptions {
  database: EngineDatabase;
  /** The schema as the engine may see it (Prisma 6 URL properties blanked). */
  schemaFiles: readonly SchemaFile[];
  /** Folder against which the engine resolves relative paths in the schema. */
  configDir: string;
  /** Receives the engine's JSON log lines. */
  log?: (line: string) => void;
  /** Where replayed histories are looked up for shadow databases (see `cachedHistory`) and diffs for their results (see `diff`); false: never. */
  replayCache?: ReplayCacheOptions | false;
}

type Wrapper = SchemaEngineWasm;
type ErrorRegistry = ReturnType<typeof bindMigrationAwareSqlAdapterFactory>['errorRegistry'];
/**
 * Prisma's wrapper class, loaded with the engine (importing it costs ~0.3 s, which reading the status does
 * not need). Its constructor is private in its typings; `setup()` would load the `.wasm` from where 7.10
 * does not ship it.
 */
function wrapperClass(): new (options: { engine: SchemaEngine; errorRegistry: ErrorRegistry }) => Wrapper {
  const module = require('./prismaMigrate') as typeof import('./prismaMigrate');
  return module.SchemaEngineWasm as unknown as new (options: { engine: SchemaEngine; errorRegistry: ErrorRegistry }) => Wrapper;
}

interface LoadedEngine {
  /** Prisma's wrapper: its error and panic handling. */
  wrapper: Wrapper;
  /** The engine itself, for calls whose wrapper prints instead of returning (diff) or that it lacks. */
  raw: SchemaEngine;
  registry: ErrorRegistry;
}

/**
 * Prisma Migrate's operations on one dev database, over the WASM schema engine. The engine is loaded on
 * first use and reused; operations are serialised because they share one connection (and, on
 * PostgreSQL, the engine's session advisory lock). After a panic the instance is thrown away.
 */
export class MigrationEngine implements HistoryBackend {
  readonly provider: EngineDatabase['provider'];
  private loaded: Promise<LoadedEngine> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** The last history replayed for its extensions (drift diffs the same history twice). */
  private replayedExtensions: { scripts: string; names: ReadonlySet<string> } | undefined;

  constructor(private options: EngineOptions) {
    this.provider = options.database.provider;
  }

  get database(): EngineDatabase {
    return this.options.database;
  }

  /** The schema as the engine sees it. */
  get schemaFiles(): readonly SchemaFile[] {
    return this.options.schemaFiles;
  }

  /** Loads the engine now (it is otherwise loaded on first use); resolves with the time it took in ms. */
  async warmUp(): Promise<number> {
    const started = performance.now();
    await this.engine();
    return performance.now() - started;
  }

  async readMigrationRows(): Promise<MigrationRow[] | null> {
    const read = () => this.onMainConnection(readMigrationRows);
    const state = this.options.database.contentState;
    if (state === undefined || this.options.replayCache === false) return read();
    const rows = await cachedResult(this.options.replayCache ?? {}, resultKey('migration-rows', [state]), read);
    return rows && revivedRows(rows);
  }

  /** The engine's diff; a diff computed before from the same inputs comes from the result cache (see `diffKey`) without loading the engine. */
  async diff(from: DiffSource, to: DiffSource, options: { script: boolean }): Promise<DiffResult> {
    const compute = () => this.withEngine(({ raw }) => this.engineDiff(raw, from, to, options));
    if (this.options.replayCache === false) return compute();
    const replays = from.kind === 'migrations' || to.kind === 'migrations';
    const readsDatabase = from.kind === 'database' || to.kind === 'database' || (replays && this.options.database.shadow === 'server');
    const fingerprint = readsDatabase ? await this.fingerprint() : undefined;
    const key = this.diffKey(from, to, options, fingerprint);
    if (key === undefined) return compute();
    // A database that changed while the engine read it: its result belongs to neither fingerprint.
    const unchanged = async () => fingerprint === undefined || (await this.fingerprint()) === fingerprint;
    return cachedResult(this.options.replayCache ?? {}, key, compute, unchanged);
  }

  /**
   * Everything a diff's result depends on: each side (a history by its replay key, a schema by its text,
   * the database by its fingerprint), the engine's schema, the shadow database's kind and, for a shadow
   * on the server or a SQLite of this runtime, what decides its version (the server's is in the
   * fingerprint). Undefined where a result cannot be keyed: a migration without its script (the engine
   * reports it), a shadow on a configured server.
   */
  private diffKey(from: DiffSource, to: DiffSource, options: { script: boolean }, fingerprint: string | undefined): string | undefined {
    const sides = [from, to].map((side) => this.sideKey(side, fingerprint));
    if (sides.includes(undefined)) return undefined;
    if ((from.kind === 'migrations' || to.kind === 'migrations') && this.options.database.shadow === 'configured') return undefined;
    const runtime = this.provider === 'sqlite' ? [process.version, process.versions.sqlite ?? null] : null;
    return resultKey('diff', [this.provider, this.options.database.shadow, runtime, fingerprint ?? null, this.options.schemaFiles, options.script, ...sides]);
  }

  private sideKey(side: DiffSource, fingerprint: string | undefined): unknown {
    switch (side.kind) {
      case 'empty':
        return ['empty'];
      case 'schema':
        return ['schema', side.files];
      case 'database':
        return ['database', side.files ?? null, fingerprint];
      case 'migrations': {
        assertLockfileUsable(side.folder, this.provider);
        const migrations = side.folder.migrations.filter((m) => !side.only || side.only.has(m.name));
        if (migrations.some((m) => m.script === null)) return undefined;
        const keys = replayKeys(this.provider === 'sqlite' ? 'sqlite' : 'postgresql', migrations.map((m) => ({ name: m.name, script: m.script! })));
        return ['migrations', keys[keys.length - 1], side.folder.lockfile];
      }
    }
  }

  /** The database's schema fingerprint (databaseFingerprint.ts), read on the main connection, or its content's state where known without it. */
  private fingerprint(): Promise<string> {
    const state = this.options.database.contentState;
    return state === undefined ? this.onMainConnection(databaseFingerprint) : Promise.resolve(state);
  }

  /** What decides how the database runs a script (its server's version and the session's rights): see `databaseIdentity`. */
  identity(): Promise<string> {
    return this.onMainConnection(databaseIdentity);
  }

  private onMainConnection<T>(read: (adapter: SqlDriverAdapter) => Promise<T>): Promise<T> {
    return this.serialised(async () => {
      try {
        return await read(await this.options.database.factory.mainConnection());
      } catch (error) {
        throw toMigrateError(error, undefined);
      }
    });
  }

  private async engineDiff(raw: SchemaEngine, from: DiffSource, to: DiffSource, options: { script: boolean }): Promise<DiffResult> {
    const cached = this.cachedHistory(from, to);
    const run = () =>
      raw.diff({
        from: this.diffTarget(cached?.from ?? from),
        to: this.diffTarget(cached?.to ?? to),
        script: options.script,
        exitCode: true,
        filters: NO_FILTER,
      });
    const result = cached ? await this.options.database.factory.withShadowSeeds(cached.seeds, run) : await run();
    const diff = { hasChanges: result.exitCode === 2, output: (result.stdout ?? '').trim() };
    if (!diff.hasChanges) return diff;
    const present = from.kind === 'migrations' && this.mayMisreportExtensions(to) ? await this.historyExtensions(from) : undefined;
    return present ? withoutPresentExtensions(diff.output, present, options.script) : diff;
  }

  /**
   * A diff with history sides, where the shadow databases can start from replayed states: for each side,
   * the longest prefix of that history the replay cache holds (replayCache.ts) seeds the shadow database
   * the engine replays it in (it asks for one per side, `from` first), and the engine is given only the
   * migrations after it. The engine replays into the shadow it is given without emptying it, so the diff
   * is the one a whole replay gives (tested against it), for a fraction of the replay.
   */
  private cachedHistory(from: DiffSource, to: DiffSource): { from: DiffSource; to: DiffSource; seeds: Array<Buffer | undefined> } | undefined {
    if (this.options.replayCache === false || !this.options.database.factory.seedsShadows) return undefined;
    const dir = replaysDir(this.options.replayCache ?? {});
    if (!dir) return undefined;
    const provider = this.provider === 'sqlite' ? 'sqlite' : 'postgresql';
    const seeded = (side: DiffSource): { side: DiffSource; seed?: Buffer } => {
      if (side.kind !== 'migrations') return { side };
      const migrations = side.folder.migrations.filter((m) => !side.only || side.only.has(m.name));
      if (migrations.some((m) => m.script === null)) return { side };
      const found = lookUp(dir, replayKeys(provider, migrations.map((m) => ({ name: m.name, script: m.script! }))));
      return found ? { side: { ...side, only: new Set(migrations.slice(found.count).map((m) => m.name)) }, seed: found.bytes } : { side };
    };
    const [a, b] = [seeded(from), seeded(to)];
    if (!a.seed && !b.seed) return undefined;
    const seeds = [from, to].flatMap((side, i) => (side.kind === 'migrations' ? [[a, b][i]!.seed] : []));
    return { from: a.side, to: b.side, seeds };
  }

  /**
   * Whether a diff from a migration history may plan extensions the history has (see
   * `withoutPresentExtensions`): on PostgreSQL, towards a database or schema whose schema enables
   * `postgresqlExtensions`. Between two histories both sides lack them alike.
   */
  private mayMisreportExtensions(to: DiffSource): boolean {
    if (this.provider !== 'postgresql') return false;
    if (to.kind === 'schema') return comparesExtensions(to.files);
    return to.kind === 'database' && comparesExtensions(this.options.schemaFiles);
  }

  /** The extensions a fresh shadow database has after the history ran, as the engine's replay leaves it. */
  private async historyExtensions(source: Extract<DiffSource, { kind: 'migrations' }>): Promise<ReadonlySet<string>> {
    const scripts = source.folder.migrations.flatMap((m) => (m.script !== null && (!source.only || source.only.has(m.name)) ? [m.script] : []));
    const key = JSON.stringify(scripts);
    if (this.replayedExtensions?.scripts !== key) {
      const rows = await this.replayInShadow(scripts, (query) => query(HISTORY_EXTENSIONS_QUERY));
      this.replayedExtensions = { scripts: key, names: new Set(rows.map((row) => String(row.extname))) };
    }
    return this.replayedExtensions.names;
  }

  /** Marks an applied migration rolled back after its down script ran (see `recordRolledBack`). */
  recordRolledBack(name: string): Promise<void> {
    return this.serialised(async () => {
      try {
        const updated = await recordRolledBack(await this.options.database.factory.mainConnection(), name, new Date());
        if (updated !== 1) throw new MigrateError('state', `${name} is not recorded as applied on this database.`, { migration: name });
      } catch (error) {
        throw toMigrateError(error, undefined);
      }
    });
  }

  /** Forgets migrations the database applied (their rows go), for a squash that replaces them. */
  forgetMigrations(names: readonly string[]): Promise<number> {
    return this.serialised(async () => {
      try {
        return await deleteMigrationRows(await this.options.database.factory.mainConnection(), names);
      } catch (error) {
        throw toMigrateError(error, undefined);
      }
    });
  }

  /** A single number a read-only query returns (counts). */
  async queryNumber(sql: string): Promise<number> {
    const [row] = await this.queryRows(sql);
    return Number(Object.values(row ?? {})[0] ?? 0);
  }

  /** The rows of a read-only query (catalog reads), through the engine's own connection. */
  queryRows(sql: string): Promise<Array<Record<string, unknown>>> {
    return this.serialised(async () => {
      try {
        return rowsOf(await (await this.options.database.factory.mainConnection()).queryRaw({ sql, args: [], argTypes: [] }));
      } catch (error) {
        throw toMigrateError(error, undefined);
      }
    });
  }

  /**
   * Runs `scripts` on a fresh shadow database, then `sql` there. On a server the shadow is a temporary
   * database of the same server, so what its catalog says is worded as the main database's would be.
   */
  shadowQuery(scripts: readonly string[], sql: string): Promise<Array<Record<string, unknown>>> {
    return this.inShadow(scripts, (query) => query(sql));
  }

  /** Runs `scripts` on a fresh shadow database, then hands `read` a way to query it before it goes. */
  inShadow<T>(scripts: readonly string[], read: (query: (sql: string) => Promise<Array<Record<string, unknown>>>) => Promise<T>): Promise<T> {
    return this.serialised(async () => {
      try {
        return await this.replayInShadow(scripts, read);
      } catch (error) {
        throw toMigrateError(error, undefined);
      }
    });
  }

  private async replayInShadow<T>(scripts: readonly string[], read: (query: (sql: string) => Promise<Array<Record<string, unknown>>>) => Promise<T>): Promise<T> {
    const shadow = await this.options.database.factory.connectToShadowDb();
    try {
      for (const script of scripts) await shadow.executeScript(script);
      return await read(async (sql) => rowsOf(await shadow.queryRaw({ sql, args: [], argTypes: [] })));
    } finally {
      await shadow.dispose();
    }
  }

  /** The database's schema as a Prisma datamodel (`prisma db pull`), for comparing schemas without a database. */
  introspect(): Promise<SchemaFile[]> {
    return this.withEngine(async ({ raw }) => {
      const result = await raw.introspect({
        schema: this.schema(),
        baseDirectoryPath: this.options.configDir,
        force: true,
        compositeTypeDepth: 0,
        namespaces: null,
      });
      return result.schema.files.map((f) => ({ path: f.path, content: f.content }));
    });
  }

  /**
   * What the database lacks compared to its applied migrations: null when nothing, else the engine's
   * summary. Needs every applied migration's file; replays them in the shadow database.
   */
  async drift(folder: MigrationsFolder, applied: ReadonlySet<string>): Promise<{ summary: string; script: string } | null> {
    const history: DiffSource = { kind: 'migrations', folder, only: applied };
    const summary = await this.diff(history, { kind: 'database' }, { script: false });
    if (!summary.hasChanges) return null;
    const script = await this.diff(history, { kind: 'database' }, { script: true });
    return { summary: summary.output, script: script.output };
  }

  /**
   * The next migration's SQL and its data-loss feedback (with row counts from the dev database), writing
   * nothing. The SQL follows the whole local history; the data loss is what going from the database's
   * applied migrations to the schema would cost this database (pending migrations included).
   */
  async planMigration(folder: MigrationsFolder): Promise<MigrationPlan> {
    assertFolderUsable(folder, this.provider);
    return this.withEngine(async ({ wrapper, raw }) => {
      const diff = await this.engineDiff(raw, { kind: 'migrations', folder }, { kind: 'schema', files: this.options.schemaFiles }, { script: true });
      // A database without the history table has applied nothing; planning reads it, never creates it.
      const rows = (await readMigrationRows(await this.options.database.factory.mainConnection())) ?? [];
      const applied = new Set(appliedMigrations(migrationStatuses(folder.migrations, rows)));
      const migrationsList = toEngineMigrationList(folder, applied, this.provider);
      // evaluateDataLoss reads the shadow-database cache that devDiagnostic fills for exactly this list (NOTES.md).
      await wrapper.devDiagnostic({ migrationsList, filters: NO_FILTER });
      const feedback = await wrapper.evaluateDataLoss({ migrationsList, schema: this.schema(), filters: NO_FILTER });
      return {
        script: diff.output + '\n',
        hasChanges: diff.hasChanges,
        warnings: feedback.warnings,
        unexecutableSteps: feedback.unexecutableSteps,
      };
    });
  }

  /**
   * Applies without loading the engine (applyScripts.ts does what its apply does, on its connection);
   * the engine only decides whether a database without a history may get one (P3005).
   */
  async applyPending(folder: MigrationsFolder, progress: ApplyProgress = {}): Promise<string[]> {
    assertFolderUsable(folder, this.provider);
    return this.serialised(async () => {
      try {
        const connection = await this.options.database.factory.mainConnection();
        const release = await takeMigrationLock(this.options.database, connection, progress.onWait);
        try {
          return await this.applyLocked(connection, folder, progress);
        } finally {
          await release().catch(() => undefined);
        }
      } catch (error) {
        throw toMigrateError(error, undefined);
      }
    });
  }

  private async applyLocked(connection: SqlDriverAdapter, folder: MigrationsFolder, progress: ApplyProgress): Promise<string[]> {
    const rows = (await readMigrationRows(connection)) ?? (await this.initializeHistory(connection));
    const statuses = migrationStatuses(folder.migrations, rows);
    const failed = statuses.find((s) => s.status === 'failed');
    if (failed) {
      throw new MigrateError(
        'state',
        `Migration ${failed.name} failed earlier; resolve it first (mark it applied or rolled back).`,
        { migration: failed.name },
      );
    }
    const pending = new Set(pendingMigrations(statuses));
    let inFlight: string | undefined;
    try {
      return await applyMigrationScripts(
        connection,
        folder.migrations.filter((m) => pending.has(m.name)),
        { ...progress, onStart: (name) => (inFlight = name) },
      );
    } catch (error) {
      const mapped = toMigrateError(error, undefined, inFlight);
      if (inFlight === undefined || !isConnectionLoss(mapped) || mapped.kind === 'migrationFailed') throw mapped;
      throw interruptedMigrationError(inFlight, mapped, await this.recordedStatus(folder, inFlight));
    }
  }

  /**
   * Creates `_prisma_migrations` where the engine would: in an empty database. One that holds anything
   * goes to the engine, which creates it or refuses with P3005 as Prisma does.
   */
  private async initializeHistory(connection: SqlDriverAdapter): Promise<MigrationRow[]> {
    if (await isProvablyEmpty(connection)) {
      await createMigrationsTable(connection);
      return [];
    }
    let loaded: LoadedEngine | undefined;
    try {
      loaded = await this.engine();
      await loaded.wrapper.applyMigrations({
        migrationsList: toEngineMigrationList({ dir: '', migrations: [], lockfile: null, problems: [] }, undefined, this.provider),
        filters: NO_FILTER,
      });
    } catch (error) {
      if (isPanic(error)) await this.unload();
      throw toMigrateError(error, loaded?.registry);
    }
    return [];
  }

  /** How the history records `name` now, on a new connection if the last one was lost; undefined if it cannot be read. */
  private async recordedStatus(folder: MigrationsFolder, name: string): Promise<MigrationStatus | undefined> {
    const rows = await readMigrationRows(await this.options.database.factory.mainConnection()).catch(() => undefined);
    return rows === undefined ? undefined : migrationStatuses(folder.migrations, rows ?? []).find((m) => m.name === name);
  }

  markApplied(folder: MigrationsFolder, name: string): Promise<void> {
    return this.withEngine(async ({ wrapper }) => {
      const connection = await this.options.database.factory.mainConnection();
      if ((await readMigrationRows(connection)) === null) await createMigrationsTable(connection);
      await wrapper.markMigrationApplied({ migrationName: name, migrationsList: toEngineMigrationList(folder, undefined, this.provider) });
    });
  }

  markRolledBack(name: string): Promise<void> {
    return this.withEngine(async ({ wrapper }) => {
      await wrapper.markMigrationRolledBack({ migrationName: name });
    });
  }

  reset(): Promise<void> {
    const { recreate } = this.options.database;
    if (recreate) {
      return this.serialised(async () => {
        await this.unload();
        await recreate.call(this.options.database);
      });
    }
    return this.withEngine(async ({ wrapper }) => {
      await wrapper.reset({ filter: NO_FILTER });
    });
  }

  /**
   * Runs a script on the dev database through the engine's own connection (SQLite holds an exclusive
   * lock). Not through the engine's `dbExecute`, which on SQLite runs only the first statement.
   */
  execute(script: string): Promise<void> {
    return this.serialised(async () => {
      try {
        const connection = await this.options.database.factory.mainConnection();
        await connection.executeScript(script);
      } catch (error) {
        throw toMigrateError(error, undefined);
      }
    });
  }

  /**
   * The schema changed (the user edited it): later operations use the new files. The engine instance is
   * rebuilt because it is created with the schema; the database connections stay.
   */
  updateSchema(schemaFiles: readonly SchemaFile[]): Promise<void> {
    return this.serialised(async () => {
      this.options = { ...this.options, schemaFiles };
      await this.freeEngine();
    });
  }

  async dispose(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.freeEngine();
    await this.options.database.dispose();
  }

  private schema(files: readonly SchemaFile[] = this.options.schemaFiles): { files: SchemaFile[] } {
    return { files: files.map((f) => ({ path: f.path, content: f.content })) };
  }

  private diffTarget(source: DiffSource): DiffTarget {
    switch (source.kind) {
      case 'empty':
        return { tag: 'empty' };
      case 'schema':
        return { tag: 'schemaDatamodel', files: source.files.map((f) => ({ path: f.path, content: f.content })) };
      case 'database':
        return { tag: 'schemaDatasource', ...this.schema(source.files), configDir: this.options.configDir };
      case 'migrations':
        assertLockfileUsable(source.folder, this.provider);
        return { tag: 'migrations', ...toEngineMigrationList(source.folder, source.only, this.provider) } satisfies DiffTarget &
          MigrationList;
    }
  }

  private serialised<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation, operation);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private withEngine<T>(operation: (engine: LoadedEngine, registry: () => LoadedEngine['registry']) => Promise<T>): Promise<T> {
    return this.serialised(async () => {
      let loaded: LoadedEngine | undefined;
      try {
        loaded = await this.engine();
        const current = loaded;
        return await operation(current, () => current.registry);
      } catch (error) {
        if (isPanic(error)) await this.unload();
        throw toMigrateError(error, loaded?.registry);
      }
    });
  }

  private engine(): Promise<LoadedEngine> {
    this.loaded ??= (async () => {
      const bound = bindMigrationAwareSqlAdapterFactory(absentHistoryReadsEmpty(this.options.database.factory));
      // The engine connects while it is created: a connection that fails (a PGlite refusing an
      // extension, a server down) reaches us as an id in this registry, not yet in `this.loaded`.
      const raw = await newSchemaEngine(this.options.schemaFiles, bound, (line) => this.options.log?.(line)).catch((error: unknown) => {
        throw toMigrateError(error, bound.errorRegistry);
      });
      const Wrapper = wrapperClass();
      const wrapper = new Wrapper({ engine: raw, errorRegistry: bound.errorRegistry });
      return { wrapper, raw, registry: bound.errorRegistry };
    })().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  /** Frees the engine and closes the connections; both are reopened by the next operation. */
  private async unload(): Promise<void> {
    await this.freeEngine();
    await this.options.database.factory.closeConnections();
  }

  private async freeEngine(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    if (loaded) {
      const engine = await loaded.catch(() => undefined);
      try {
        engine?.raw.free();
      } catch {
        // A panicked instance may fail to free; its memory goes with the module.
      }
    }
  }
}

function rowsOf(result: SqlResultSet): Array<Record<string, unknown>> {
  return result.rows.map((row) => Object.fromEntries(result.columnNames.map((name, i) => [name, row[i]])));
}
