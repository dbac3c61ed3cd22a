// `npm run bench`: medians (min, max) of the engine's main operations on a generated real-size project
// (100 models, 200 migrations), and applying the history compared with running the same files through
// `sqlite3` / `psql` directly; the CLI's start-up against `node -e 0`. `--runs N` (default 5), `--json`
// for machine output, `--only cli` for the start-up rows alone, `--only targets` for issue 16's targets alone,
// `--only rehearsal` for a rehearsal against applying the same migrations.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDatabase, openPostgres } from '../../src/core/db/postgres';
import { openSqlite } from '../../src/core/db/sqlite';
import type { EngineDatabase } from '../../src/core/db/target';
import { MigrationEngine } from '../../src/core/engine/migrationEngine';
import { errorMessage } from '../../src/core/errors';
import { readMigrationsFolder, type MigrationsFolder } from '../../src/core/migrations/folder';
import { replayedHistory } from '../../src/core/operations/historyStates';
import { readStatus } from '../../src/core/operations/status';
import { discoverProject } from '../../src/core/project/discover';
import type { SchemaFile } from '../../src/core/types';
import { MIGRATION_COUNT, MODEL_COUNT, writeLargeProject, type LargeProject, type LargeProvider } from '../helpers/largeHistory';
import { cliRuns, timeCliRun } from './cliStart';
import { psqlApply, psqlTime, psqlValue, sqlite3Apply, sqlite3Value, which } from './floor';
import { DEBOUNCE_MS, keystrokeSamples } from './keystroke';

const SERVER = process.env.PG_BENCH_URL ?? process.env.PG_TEST_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const WARM_UP_CALLS = 5;

interface Measurement {
  name: string;
  /** Milliseconds, one per run. */
  samples: number[];
  note?: string;
}

/** A figure issue 16 sets, printed with the measured median, its floor and the ratio. */
interface Target {
  name: string;
  /** The measurement's name. */
  ours: string;
  targetMs: number;
  /** The floor measurement's name prefix. */
  floor: string;
}

const targets: Target[] = [];

interface Ratio {
  name: string;
  ours: string;
  floor: string;
  /** ours / floor, medians. */
  ratio: number;
}

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, json: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error('--runs must be a positive integer');
  process.exit(2);
}
const JSON_OUTPUT = values.json ?? false;
if (values.only !== undefined && !['cli', 'targets', 'rehearsal'].includes(values.only)) {
  console.error('--only takes cli, targets or rehearsal');
  process.exit(2);
}
const CLI_ONLY = values.only === 'cli';
const TARGETS_ONLY = values.only === 'targets';
const REHEARSAL_ONLY = values.only === 'rehearsal';
/** Other work on the machine shows in the spread (min–max); the load average says how much there was. */
const LOAD_AT_START = os.loadavg()[0].toFixed(1);

/** Progress goes to stderr, so that `--json` output stays clean. */
const progress = (message: string) => process.stderr.write(`${message}\n`);

const measurements: Measurement[] = [];
const skipped: string[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

/** Runs `once` RUNS times; each call returns the measured time (set-up before, clean-up after, not counted). */
async function measure(name: string, once: (run: number) => Promise<number>, note?: string, runs = RUNS): Promise<Measurement> {
  progress(`  ${name}`);
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) samples.push(await once(run));
  const measurement = { name, samples, ...(note && { note }) };
  measurements.push(measurement);
  return measurement;
}

async function timed(operation: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await operation();
  return performance.now() - started;
}

/** The nearest-rank percentile. */
function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The engine's own work: no replayed state and no result from the caches (the target rows measure those). */
function newEngine(database: EngineDatabase, files: readonly SchemaFile[], configDir: string): MigrationEngine {
  return new MigrationEngine({ database, schemaFiles: files, configDir, replayCache: false });
}

/** Runs `work` with an engine that is disposed afterwards, whatever happens. */
async function withEngine<T>(database: EngineDatabase, files: readonly SchemaFile[], configDir: string, work: (engine: MigrationEngine) => Promise<T>): Promise<T> {
  const engine = newEngine(database, files, configDir);
  try {
    return await work(engine);
  } finally {
    await engine.dispose();
  }
}

/** The final schema with one optional field added to one model. */
function withOneField(schema: string): string {
  const header = 'model Model050 {\n';
  if (!schema.includes(header)) throw new Error('Model050 is missing from the generated schema');
  return schema.replace(header, `${header}  benchField String?\n`);
}

// --- PostgreSQL databases, created and always dropped -----------------------------------------------

async function serverReachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres`, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}

async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** A fresh database on the server for `work`, dropped afterwards. */
async function withPostgresDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `pm_bench_${randomBytes(6).toString('hex')}`;
  const url = `${SERVER}/${name}`;
  await createDatabase(url);
  const drop = () => dropDatabase(name);
  cleanups.push(drop); // Also dropped on an interrupted run; dropping twice is harmless.
  try {
    return await work(url);
  } finally {
    await drop();
  }
}

// --- The benchmarks ---------------------------------------------------------------------------------

const CLI = path.resolve(__dirname, '../../dist/cli.js');

/** `prisma-migrations apply` as CI runs it: a whole process, start-up included. Resolves with its wall time. */
async function cliApply(cwd: string, args: string[]): Promise<number> {
  const started = performance.now();
  const output = execFileSync(process.execPath, [CLI, 'apply', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - started;
  if (!output.includes(`Applied ${MIGRATION_COUNT} migrations`)) throw new Error(`apply did not apply ${MIGRATION_COUNT} migrations:\n${output}`);
  return ms;
}

function concatenated(folder: MigrationsFolder, dir: string): string {
  const file = path.join(dir, 'all-migrations.sql');
  writeFileSync(file, folder.migrations.map((m) => m.script ?? '').join('\n'));
  return file;
}

function assertAllApplied(applied: string[], where: string): void {
  if (applied.length !== MIGRATION_COUNT) throw new Error(`${where}: applied ${applied.length} migrations, expected ${MIGRATION_COUNT}`);
}

async function sqliteBenchmarks(project: LargeProject, sqlite3: string | null): Promise<void> {
  progress('SQLite');
  const dir = tempDir('pm-bench-sqlite-');
  const folder = readMigrationsFolder(project.migrationsDir);
  const files: SchemaFile[] = [{ path: project.schemaPath, content: project.schemaText }];
  const plus: SchemaFile[] = [{ path: project.schemaPath, content: withOneField(project.schemaText) }];

  await measureEngineLoad(dir);

  // The first engine in this process compiles the WebAssembly module: not part of the warm measurement.
  await withEngine(openSqlite(path.join(dir, 'load-first.db')), files, project.root, (engine) => engine.warmUp());
  await measure('engine load (new MigrationEngine + warmUp)', async (run) => {
    const database = openSqlite(path.join(dir, `load-${run}.db`));
    return withEngine(database, files, project.root, (engine) => engine.warmUp());
  });

  // Each run applies the whole history to a new file; the last one is kept for the reads below.
  let applied = '';
  await measure(`apply ${MIGRATION_COUNT} migrations, new SQLite file`, async (run) => {
    applied = path.join(dir, `apply-${run}.db`);
    return withEngine(openSqlite(applied), files, project.root, async (engine) => {
      await engine.warmUp();
      let names: string[] = [];
      const ms = await timed(async () => (names = await engine.applyPending(folder)));
      assertAllApplied(names, 'SQLite');
      return ms;
    });
  });

  await withEngine(openSqlite(applied), files, project.root, async (engine) => {
    await engine.warmUp();
    await measure('readStatus, no drift (200 applied)', () => timed(() => readStatus(engine, folder, { drift: false })));
    await measure('readStatus with drift (shadow replay)', async () => {
      let drift: unknown;
      const ms = await timed(async () => (drift = (await readStatus(engine, folder, { drift: true })).drift));
      if (drift !== null) throw new Error(`unexpected drift: ${JSON.stringify(drift)}`);
      return ms;
    });
    await measure('diff migrations → schema (shadow replay)', async () => {
      let changes = true;
      const ms = await timed(async () => (changes = (await engine.diff({ kind: 'migrations', folder }, { kind: 'schema', files }, { script: true })).hasChanges));
      if (changes) throw new Error('the history does not reach the schema');
      return ms;
    });
    for (let call = 0; call < WARM_UP_CALLS; call += 1) await engine.diff({ kind: 'schema', files }, { kind: 'schema', files: plus }, { script: true });
    await measure(
      `diff datamodel → datamodel, ${MODEL_COUNT} models + 1 field (warm)`,
      () => timed(() => engine.diff({ kind: 'schema', files }, { kind: 'schema', files: plus }, { script: true })),
      `after ${WARM_UP_CALLS} warm-up calls`,
    );
  });

  await withEngine(openSqlite(applied), plus, project.root, async (engine) => {
    await engine.warmUp();
    await measure('planMigration, 1 field added (evaluateDataLoss included)', async () => {
      let changes = false;
      const ms = await timed(async () => (changes = (await engine.planMigration(folder)).hasChanges));
      if (!changes) throw new Error('the plan is empty');
      return ms;
    });
  });

  if (!sqlite3) {
    skipped.push('sqlite3 is not on PATH: the SQLite floor and its ratio are skipped.');
    return;
  }
  await measure(`prisma-migrations apply, whole process: ${MIGRATION_COUNT} migrations, new SQLite file`, async () => {
    rmSync(path.join(project.root, 'prisma', 'dev.db'), { force: true });
    return cliApply(project.root, []);
  });

  const script = concatenated(folder, dir);
  await measure(`sqlite3: ${MIGRATION_COUNT} files in one session (floor)`, async (run) => {
    const file = path.join(dir, `floor-${run}.db`);
    const ms = await sqlite3Apply(sqlite3, file, script);
    const tables = await sqlite3Value(sqlite3, file, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'Model%'`);
    if (tables !== String(MODEL_COUNT)) throw new Error(`sqlite3 left ${tables} tables`);
    return ms;
  });
}

/** Loading the engine in a new process: the floor of anything that runs it. */
async function measureEngineLoad(dir: string): Promise<void> {
  await measure(
    'engine load, new process (import + WASM compile)',
    async (run) => {
      const runDir = path.join(dir, `cold-${run}`);
      mkdirSync(runDir);
      const output = execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'coldLoad.ts'), runDir], { encoding: 'utf8' });
      return (JSON.parse(output) as { ms: number }).ms;
    },
    'module loading through tsx included',
  );
}

/** Typing into schema.prisma: enough keystrokes for a p95. */
async function keystrokeBenchmarks(project: LargeProject): Promise<void> {
  progress('Keystroke → diagnostics (SQLite project)');
  const samples = await keystrokeSamples(project, Math.max(RUNS, 40));
  const add = (name: string, values: number[], note?: string) => measurements.push({ name, samples: values, ...(note && { note }) });
  add('keystroke: schema analysis in process (warm)', samples.analysis, 'datamodel, engine diff, classification, ranges, diagnostics');
  add('keystroke: bare engine diff datamodel → datamodel', samples.engineDiff);
  add('keystroke → diagnostics published over LSP', samples.lsp, `dist/server.js; the ${DEBOUNCE_MS} ms debounce after the last keystroke is not counted`);
}

/**
 * The scratch replay a check, the editor's analysis and down scripts start with: the whole history
 * (an empty replay cache; the run stores its state), then restored from the cache.
 */
async function replayCacheBenchmarks(large: LargeProject, provider: LargeProvider): Promise<void> {
  progress(`replay cache (${provider === 'sqlite' ? 'SQLite' : 'PGlite'})`);
  const project = await discoverProject({ cwd: large.root, trusted: true });
  const folder = readMigrationsFolder(project.migrationsDir);
  const cacheDir = tempDir(`pm-bench-replays-${provider}-`);
  const replay = async () => {
    let dispose = async () => {};
    const ms = await timed(async () => {
      const { engine } = await replayedHistory(project, folder, 'Benchmarks', { cacheDir });
      dispose = () => engine.dispose();
    });
    await dispose();
    return ms;
  };
  const what = `replay ${MIGRATION_COUNT} migrations into a scratch ${provider === 'sqlite' ? 'SQLite file' : 'PGlite'}`;
  // The PGlite template lives in the same folder: built once, outside the measurements.
  await replay();
  await measure(`${what}, cold replay cache`, () => {
    rmSync(path.join(cacheDir, 'replays'), { recursive: true, force: true });
    return replay();
  }, 'the state is stored as part of the run');
  await measure(`${what}, warm replay cache`, replay);
}

async function postgresBenchmarks(project: LargeProject, psql: string | null): Promise<void> {
  progress(`PostgreSQL (${SERVER.replace(/\/\/[^@/]*@/, '//')})`);
  const unreachable = await serverReachable();
  if (unreachable) {
    skipped.push(`PostgreSQL at ${SERVER.replace(/\/\/[^@/]*@/, '//')} is not reachable (${unreachable}): its rows are skipped.`);
    return;
  }
  const dir = tempDir('pm-bench-pg-');
  const folder = readMigrationsFolder(project.migrationsDir);
  const files: SchemaFile[] = [{ path: project.schemaPath, content: project.schemaText }];

  await measure(`apply ${MIGRATION_COUNT} migrations, new PostgreSQL database`, () =>
    withPostgresDatabase(async (url) =>
      withEngine(await openPostgres(url), files, project.root, async (engine) => {
        await engine.warmUp();
        let names: string[] = [];
        const ms = await timed(async () => (names = await engine.applyPending(folder)));
        assertAllApplied(names, 'PostgreSQL');
        return ms;
      }),
    ),
  );

  if (!psql) {
    skipped.push('psql is not on PATH: the PostgreSQL floor and its ratio are skipped.');
    return;
  }
  await measure(`prisma-migrations apply, whole process: ${MIGRATION_COUNT} migrations, new PostgreSQL database`, () =>
    withPostgresDatabase((url) => cliApply(project.root, ['--url', url])),
  );
  await measure(
    `prisma-migrations apply, whole process: ${MIGRATION_COUNT} migrations, new embedded PGlite`,
    async () => {
      rmSync(path.join(project.root, 'prisma', '.pglite'), { recursive: true, force: true });
      return cliApply(project.root, []);
    },
    'target 2 s',
  );
  // Its floor: PGlite alone, in a new process, running the same scripts one by one into an empty data folder.
  const scripts = path.join(dir, 'scripts.json');
  writeFileSync(scripts, JSON.stringify(folder.migrations.map((m) => m.script)));
  const empty = path.join(dir, 'empty-pglite');
  execFileSync(process.execPath, ['-e', BARE_PGLITE_APPLY, empty, '[]'], { cwd: REPOSITORY, stdio: 'ignore' });
  await measure(`bare PGlite: ${MIGRATION_COUNT} scripts into an empty data folder, new process (floor)`, async (run) => {
    const copy = path.join(dir, `bare-pglite-${run}`);
    cpSync(empty, copy, { recursive: true });
    const started = performance.now();
    execFileSync(process.execPath, ['-e', BARE_PGLITE_APPLY, copy, scripts], { cwd: REPOSITORY, stdio: 'ignore' });
    return performance.now() - started;
  });

  const script = concatenated(folder, dir);
  await measure(`psql: ${MIGRATION_COUNT} files in one session (floor)`, () =>
    withPostgresDatabase(async (url) => {
      const ms = await psqlApply(psql, url, script);
      const tables = await psqlValue(psql, url, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'Model%'`);
      if (tables !== String(MODEL_COUNT)) throw new Error(`psql left ${tables} tables`);
      return ms;
    }),
  );
}

const REPOSITORY = path.resolve(__dirname, '../..');

/** PGlite alone: opens (or initialises) the data folder, runs each script of a JSON list file (or `[]`) and closes. */
const BARE_PGLITE_APPLY = `const { PGlite } = require('@electric-sql/pglite');
const [dir, list] = process.argv.slice(1);
(async () => { const db = await PGlite.create(dir); for (const sql of list === '[]' ? [] : JSON.parse(require('fs').readFileSync(list, 'utf8'))) await db.exec(sql); await db.close(); })();`;

/** A PGlite data folder read by PGlite alone, in a new process: the floor of anything that reads it. */
const BARE_PGLITE = `const { PGlite } = require('@electric-sql/pglite');
(async () => { const db = await PGlite.create(process.argv[1]); await db.query('SELECT count(*) FROM _prisma_migrations'); await db.close(); })();`;

/**
 * The targets of issue 16, as CI and the editor pay them: whole CLI processes on the PostgreSQL project,
 * against the server and the embedded PGlite. Cold: no replayed history and no result cached (the PGlite
 * template, built once per user, kept); warm: the same command run before.
 */
async function targetBenchmarks(project: LargeProject, psql: string | null): Promise<void> {
  progress('Targets: status with drift, check --ci --url, down --verify (whole processes)');
  const unreachable = await serverReachable();
  if (unreachable) {
    skipped.push(`PostgreSQL at ${SERVER.replace(/\/\/[^@/]*@/, '//')} is not reachable (${unreachable}): the target rows are skipped.`);
    return;
  }
  const name = `pm_bench_${randomBytes(6).toString('hex')}`;
  const url = `${SERVER}/${name}`;
  await createDatabase(url);
  cleanups.push(() => dropDatabase(name));
  const cacheDir = tempDir('pm-bench-cache-');
  const env = { ...process.env, PRISMA_MIGRATIONS_CACHE_DIR: cacheDir };
  const run = (args: string[]) => {
    const started = performance.now();
    execFileSync(process.execPath, [CLI, ...args], { cwd: project.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return performance.now() - started;
  };
  run(['apply', '--url', url]);
  rmSync(path.join(project.root, 'prisma', '.pglite'), { recursive: true, force: true });
  run(['apply']);
  const emptyCaches = () => ['replays', 'results'].forEach((dir) => rmSync(path.join(cacheDir, dir), { recursive: true, force: true }));
  const downMigration = readMigrationsFolder(project.migrationsDir).migrations[149]!.name;
  const commands: Array<{ name: string; args: string[]; target: { cold?: number; warm: number }; floor: string }> = [
    { name: 'status with drift, PostgreSQL server', args: ['status', '--url', url], target: { warm: 1000 }, floor: 'psql: read _prisma_migrations' },
    { name: 'status with drift, embedded PGlite', args: ['status'], target: { warm: 1500 }, floor: 'bare PGlite: open the data folder' },
    { name: 'check --ci --url (server)', args: ['check', '--ci', '--url', url], target: { cold: 3000, warm: 1000 }, floor: 'psql: read _prisma_migrations' },
    { name: `down --verify (migration 150 of ${MIGRATION_COUNT})`, args: ['down', downMigration, '--verify'], target: { cold: 5000, warm: 5000 }, floor: 'engine load, new process' },
  ];
  for (const command of commands) {
    await measure(`${command.name}: cold cache`, async () => {
      emptyCaches();
      return run(command.args);
    }, undefined, Math.min(RUNS, 3));
    if (command.target.cold !== undefined) targets.push({ name: `${command.name}, cold`, ours: `${command.name}: cold cache`, targetMs: command.target.cold, floor: command.floor });
    await measure(`${command.name}: warm cache`, async () => run(command.args));
    targets.push({ name: `${command.name}, warm`, ours: `${command.name}: warm cache`, targetMs: command.target.warm, floor: command.floor });
  }
  if (psql) await measure('psql: read _prisma_migrations (floor)', () => psqlTime(psql, url, 'SELECT count(*) FROM _prisma_migrations'));
  else skipped.push('psql is not on PATH: the server rows have no floor.');
  if (!measurements.some((m) => m.name.startsWith('engine load, new process'))) await measureEngineLoad(tempDir('pm-bench-engine-'));
  await measure('bare PGlite: open the data folder, read _prisma_migrations, close (floor)', async () => {
    const started = performance.now();
    execFileSync(process.execPath, ['-e', BARE_PGLITE, path.join(project.root, 'prisma', '.pglite')], { cwd: REPOSITORY, stdio: 'ignore' });
    return performance.now() - started;
  });
}

/** How many of the history's last migrations the rehearsal rows leave pending. */
const REHEARSED = 50;

/**
 * `rehearse` (copy, apply statement by statement with locks and row counts, drop) against what it stands
 * in for: `apply` of the same pending migrations on a copy of the same database, the copy made untimed.
 * Whole CLI processes on the server, interleaved run by run.
 */
async function rehearsalBenchmarks(project: LargeProject): Promise<void> {
  progress(`Rehearsal: the last ${REHEARSED} of ${MIGRATION_COUNT} migrations pending on the server`);
  const unreachable = await serverReachable();
  if (unreachable) {
    skipped.push(`PostgreSQL is not reachable (${unreachable}): the rehearsal rows are skipped.`);
    return;
  }
  const name = `pm_bench_${randomBytes(6).toString('hex')}`;
  await createDatabase(`${SERVER}/${name}`);
  cleanups.push(() => dropDatabase(name));
  const run = (args: string[]) => {
    const started = performance.now();
    execFileSync(process.execPath, [CLI, ...args], { cwd: project.root, stdio: ['ignore', 'pipe', 'pipe'] });
    return performance.now() - started;
  };
  // The database holds the history but its last migrations: moved aside while the rest is applied.
  const later = readMigrationsFolder(project.migrationsDir).migrations.slice(-REHEARSED);
  const aside = tempDir('pm-bench-aside-');
  for (const m of later) cpSync(m.dir, path.join(aside, m.name), { recursive: true });
  for (const m of later) rmSync(m.dir, { recursive: true });
  run(['apply', '--url', `${SERVER}/${name}`]);
  for (const m of later) cpSync(path.join(aside, m.name), m.dir, { recursive: true });
  const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  cleanups.push(() => admin.end());
  const rehearsal: number[] = [];
  const apply: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    rehearsal.push(run(['rehearse', '--url', `${SERVER}/${name}`]));
    const copy = `${name}_copy`;
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(copy)} TEMPLATE ${pg.escapeIdentifier(name)}`);
    try {
      apply.push(run(['apply', '--url', `${SERVER}/${copy}`]));
    } finally {
      await dropDatabase(copy);
    }
  }
  measurements.push({ name: `rehearse: ${REHEARSED} pending of ${MIGRATION_COUNT}, server (copy, apply with locks and rows, drop)`, samples: rehearsal });
  measurements.push({ name: `apply the same ${REHEARSED} on a copy made beforehand (what it stands in for)`, samples: apply });
}

/** Whole CLI processes, interleaved run by run so that a burst of load on the machine hits all of them alike. */
async function cliBenchmarks(): Promise<void> {
  progress('CLI start-up (the example: 3 migrations, SQLite)');
  const dir = tempDir('pm-bench-cli-');
  const runs = cliRuns(dir);
  const samples = runs.map(() => [] as number[]);
  for (let run = 0; run < RUNS; run += 1) runs.forEach((cli, i) => samples[i].push(timeCliRun(cli, dir)));
  runs.forEach((cli, i) => measurements.push({ name: cli.name, samples: samples[i] }));
}

// --- Output -----------------------------------------------------------------------------------------

function ratios(): Ratio[] {
  const byName = (prefix: string) => measurements.find((m) => m.name.startsWith(prefix));
  const pairs: Array<[string, string, string]> = [
    ['apply on SQLite vs sqlite3', `apply ${MIGRATION_COUNT} migrations, new SQLite`, 'sqlite3:'],
    ['apply on PostgreSQL vs psql', `apply ${MIGRATION_COUNT} migrations, new PostgreSQL`, 'psql:'],
    ['CLI apply on SQLite vs sqlite3, whole processes (goal 1.5×)', `prisma-migrations apply, whole process: ${MIGRATION_COUNT} migrations, new SQLite`, 'sqlite3:'],
    ['CLI apply on PostgreSQL vs psql, whole processes (goal 1.2×)', `prisma-migrations apply, whole process: ${MIGRATION_COUNT} migrations, new PostgreSQL`, 'psql:'],
    ['CLI apply on PGlite vs bare PGlite, whole processes (target 2 s)', `prisma-migrations apply, whole process: ${MIGRATION_COUNT} migrations, new embedded PGlite`, `bare PGlite: ${MIGRATION_COUNT} scripts`],
    ['schema analysis vs bare engine diff', 'keystroke: schema analysis', 'keystroke: bare engine diff'],
    ['CLI --help vs node -e 0', 'prisma-migrations --help', 'node -e 0'],
    ['CLI status --no-drift vs node -e 0', 'prisma-migrations status --no-drift', 'node -e 0'],
    ['CLI check vs node -e 0', 'prisma-migrations check', 'node -e 0'],
  ];
  return pairs.flatMap(([name, ours, floor]) => {
    const a = byName(ours);
    const b = byName(floor);
    return a && b ? [{ name, ours: a.name, floor: b.name, ratio: median(a.samples) / median(b.samples) }] : [];
  });
}

function targetResults(): Array<Target & { medianMs: number; floorMs?: number; met: boolean }> {
  return targets.flatMap((target) => {
    const ours = measurements.find((m) => m.name === target.ours);
    if (!ours) return [];
    const floor = measurements.find((m) => m.name.startsWith(target.floor));
    const medianMs = median(ours.samples);
    return [{ ...target, medianMs, ...(floor && { floorMs: median(floor.samples) }), met: medianMs <= target.targetMs }];
  });
}

const ms = (value: number) => (value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US'));

function printTable(generation: string): void {
  const header = ['', 'median ms', 'p95', 'min', 'max', 'runs'];
  const rows = measurements.map((m) => [m.name, ms(median(m.samples)), ms(percentile(m.samples, 95)), ms(Math.min(...m.samples)), ms(Math.max(...m.samples)), String(m.samples.length)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const load = os.loadavg()[0].toFixed(1);
  console.log(
    `\nprisma-migrations bench: ${CLI_ONLY ? 'CLI start-up' : `${MODEL_COUNT} models, ${MIGRATION_COUNT} migrations`}, ${RUNS} runs (Node ${process.version}, ${os.cpus().length} CPUs, load ${LOAD_AT_START} at start, ${load} at end)`,
  );
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  const found = ratios();
  if (found.length) {
    console.log('');
    const nameWidth = Math.max(...found.map((r) => r.name.length));
    for (const r of found) console.log(`${r.name.padEnd(nameWidth)}  ${r.ratio.toFixed(2)}× (ours / floor, medians)`);
  }
  const met = targetResults();
  if (met.length) {
    console.log('\nTargets (issue 16): median against the target, and against its floor');
    const nameWidth = Math.max(...met.map((t) => t.name.length));
    for (const t of met) {
      const floor = t.floorMs === undefined ? 'no floor measured' : `floor ${ms(t.floorMs)} ms (${t.floor}), ${(t.medianMs / t.floorMs).toFixed(1)}×`;
      console.log(`${t.name.padEnd(nameWidth)}  ${ms(t.medianMs).padStart(6)} ms  target ${ms(t.targetMs)} ms  ${t.met ? 'met   ' : 'MISSED'}  ${floor}`);
    }
  }
  const notes = measurements.filter((m) => m.note).map((m) => `${m.name}: ${m.note}`);
  if (found.some((r) => r.name.startsWith('apply'))) notes.push('floors: each statement in autocommit, no bookkeeping; ours: apply only (engine loaded and connected before)');
  if (found.some((r) => r.name.startsWith('CLI'))) notes.push('CLI rows: wall time of whole processes (spawn to exit), the four interleaved run by run');
  for (const text of [...notes, generation, ...skipped]) console.log(`- ${text}`);
}

async function main(): Promise<void> {
  if (!TARGETS_ONLY && !REHEARSAL_ONLY) await cliBenchmarks();
  if (CLI_ONLY) return report('generated projects: none (--only cli)');
  if (REHEARSAL_ONLY) {
    await rehearsalBenchmarks(await writeLargeProject('postgresql', tempDir('pm-bench-project-postgresql-')));
    return report('generated projects: postgresql (--only rehearsal)');
  }
  if (TARGETS_ONLY) {
    const result = await writeLargeProject('postgresql', tempDir('pm-bench-project-postgresql-'));
    await targetBenchmarks(result, which('psql'));
    return report('generated projects: postgresql (--only targets)');
  }
  const tools = { sqlite3: which('sqlite3'), psql: which('psql') };
  const projects = {} as Record<LargeProvider, LargeProject>;
  const generationNotes: string[] = [];
  for (const provider of ['sqlite', 'postgresql'] as const) {
    const result = await writeLargeProject(provider, tempDir(`pm-bench-project-${provider}-`));
    projects[provider] = result;
    generationNotes.push(
      result.generation.generated
        ? `${provider} history generated in ${ms(result.generation.ms)} ms`
        : `${provider} history from the cache (${path.basename(result.generation.cacheDir)})`,
    );
  }
  await sqliteBenchmarks(projects.sqlite, tools.sqlite3);
  await keystrokeBenchmarks(projects.sqlite);
  await postgresBenchmarks(projects.postgresql, tools.psql);
  await targetBenchmarks(projects.postgresql, tools.psql);
  await rehearsalBenchmarks(projects.postgresql);
  for (const provider of ['sqlite', 'postgresql'] as const) await replayCacheBenchmarks(projects[provider], provider);

  report(`generated projects: ${generationNotes.join('; ')}`);
}

function report(generation: string): void {
  if (JSON_OUTPUT) {
    const summary = measurements.map((m) => ({
      name: m.name,
      unit: 'ms',
      median: median(m.samples),
      p95: percentile(m.samples, 95),
      min: Math.min(...m.samples),
      max: Math.max(...m.samples),
      samples: m.samples,
      ...(m.note && { note: m.note }),
    }));
    const output = {
      models: MODEL_COUNT,
      migrations: MIGRATION_COUNT,
      runs: RUNS,
      node: process.version,
      cpus: os.cpus().length,
      loadAverage: { start: Number(LOAD_AT_START), end: os.loadavg()[0] },
      measurements: summary,
      ratios: ratios(),
      targets: targetResults(),
      generation,
      skipped,
    };
    console.log(JSON.stringify(output, null, 2));
  } else {
    printTable(generation);
  }
}

async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      progress(`clean-up failed: ${errorMessage(error)}`);
    }
  }
}

let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  progress('interrupted: cleaning up');
  void cleanUp().finally(() => process.exit(130));
});

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  })
  .finally(cleanUp);

