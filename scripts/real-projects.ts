// `npm run real-projects -- <folder>`: every subfolder of <folder> is a real Prisma project (the set is listed in
// test/realProjects/projects.json with the commits to fetch it again). Each one is copied to a temp folder and put
// through the built CLI as a user would: rehearse the whole history on a copy of a fresh database, apply on it, status --json, diff migrations → schema,
// check --ci with and without a target, then a squash of the whole history, applied to another fresh database and
// compared with the original history's database (schema by the engine's diff, extensions, functions, triggers,
// views, rows per table). One line per project; exit 1 if any step failed. Not part of `npm test`.
//
// A project's `cliArgs` in the manifest (e.g. --schema where the project copies its schema into place at build time)
// are added to every command. Options: --only <name,…> (some of the projects), --logs <dir> (every step's stdout and
// stderr; default a temp dir).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { newPostgresDatabase } from '../test/helpers/postgresDatabase';
import type { RehearsalReport } from '../src/core/rehearsal/rehearse';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');
const MANIFEST = path.resolve(__dirname, '..', 'test', 'realProjects', 'projects.json');
const STEP_TIMEOUT_MS = 20 * 60_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface Step {
  name: string;
  ok: boolean;
  detail: string;
}

interface Database {
  url: string;
  /** Extensions, functions, triggers, views and row counts per table, as `kind name` → value. */
  contents(): Promise<Map<string, string>>;
  drop(): Promise<void>;
}

type Provider = 'postgresql' | 'sqlite';

interface History {
  provider: Provider;
  /** Migration folder names, in order. */
  migrations: string[];
}

function cli(cwd: string, logDir: string, step: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, maxBuffer: 512 * 1024 * 1024, timeout: STEP_TIMEOUT_MS }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      writeFileSync(path.join(logDir, `${step}.log`), `$ prisma-migrations ${args.join(' ')}\nexit ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The history beside the project's migration_lock.toml (the first one found), read without the CLI. */
function readHistory(root: string): History {
  const lockfile = readdirSync(root, { recursive: true, encoding: 'utf8' }).find((file) => path.basename(file) === 'migration_lock.toml');
  if (!lockfile) throw new Error(`${root}: no migration_lock.toml`);
  const provider = /provider\s*=\s*"(\w+)"/.exec(readFileSync(path.join(root, lockfile), 'utf8'))?.[1];
  if (provider !== 'postgresql' && provider !== 'sqlite') throw new Error(`${root}: ${lockfile} names ${provider ?? 'no provider'}, not postgresql or sqlite`);
  const dir = path.join(root, path.dirname(lockfile));
  const migrations = readdirSync(dir).filter((name) => existsSync(path.join(dir, name, 'migration.sql'))).sort();
  return { provider, migrations };
}

/** The manifest's extra arguments for a project, by folder name. */
function cliArgs(name: string): string[] {
  const projects = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Array<{ name: string; cliArgs?: string[] }>;
  return projects.find((p) => p.name === name)?.cliArgs ?? [];
}

async function postgresDatabase(): Promise<Database> {
  const db = await newPostgresDatabase('pm_real');
  const query = async (sql: string) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<{ key: string; value: string }>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    url: db.url,
    async contents() {
      const objects = await query(`
        SELECT 'extension ' || extname AS key, '' AS value FROM pg_extension
        UNION ALL SELECT 'function ' || n.nspname || '.' || p.proname, '' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
        UNION ALL SELECT 'trigger ' || tgrelid::regclass || '.' || tgname, '' FROM pg_trigger WHERE NOT tgisinternal
        UNION ALL SELECT 'view ' || schemaname || '.' || viewname, '' FROM pg_views WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`);
      const tables = await query(`SELECT format('%I.%I', table_schema, table_name) AS key, '' AS value FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') AND table_name <> '_prisma_migrations'`);
      const counts = tables.length ? await query(tables.map((t) => `SELECT 'rows ${t.key.replaceAll("'", "''")}' AS key, count(*)::text AS value FROM ${t.key}`).join(' UNION ALL ')) : [];
      return new Map([...objects, ...counts].map((row) => [row.key, row.value]));
    },
    drop: db.drop,
  };
}

async function sqliteDatabase(dir: string, name: string): Promise<Database> {
  const { createClient } = await import('@libsql/client');
  const url = `file:${path.join(dir, `${name}.db`)}`;
  return {
    url,
    async contents() {
      const client = createClient({ url });
      try {
        const objects = (await client.execute(`SELECT type || ' ' || name AS key FROM sqlite_master WHERE type IN ('trigger', 'view')`)).rows.map((r) => [String(r.key), '']);
        const tables = (await client.execute(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'`)).rows;
        const counts = [];
        for (const { name: table } of tables) {
          const { rows } = await client.execute(`SELECT count(*) AS n FROM "${String(table).replaceAll('"', '""')}"`);
          counts.push([`rows ${String(table)}`, String(rows[0].n)]);
        }
        return new Map([...objects, ...counts] as Array<[string, string]>);
      } finally {
        client.close();
      }
    },
    drop: async () => undefined,
  };
}

const newDatabase = (provider: Provider, dir: string, name: string) => (provider === 'postgresql' ? postgresDatabase() : sqliteDatabase(dir, name));

/** `E1 W2 I3` from `--format json` findings, or why the output did not parse. */
function findingCounts(run: Run): { parsed: boolean; errors: number; warnings: number; text: string } {
  try {
    const findings = JSON.parse(run.stdout) as Array<{ severity: string; rule: string }>;
    const count = (severity: string) => findings.filter((f) => f.severity === severity).length;
    const [errors, warnings, infos] = [count('error'), count('warning'), count('info')];
    return { parsed: true, errors, warnings, text: `E${errors} W${warnings} I${infos}` };
  } catch {
    return { parsed: false, errors: 0, warnings: 0, text: 'JSON did not parse' };
  }
}

/** A `check --ci` run: it must parse, and warn or fail exactly when the engine plans a next migration. */
function checkStep(name: string, run: Run, diffIsEmpty: boolean | undefined): Step {
  const counts = findingCounts(run);
  const blocking = counts.errors + counts.warnings > 0;
  const agrees = diffIsEmpty === undefined || blocking !== diffIsEmpty;
  const ok = run.code !== 2 && counts.parsed && agrees;
  return { name, ok, detail: `exit ${run.code}, ${counts.text}${agrees ? '' : diffIsEmpty ? ', diff empty' : ', diff not empty'}` };
}

/** A rehearsal of the whole history: every migration applied on the copy, statement by statement. */
function rehearseStep(run: Run, migrationCount: number): Step {
  try {
    const report = JSON.parse(run.stdout) as RehearsalReport;
    const statements = report.migrations.reduce((sum, m) => sum + m.statements.length, 0);
    const failed = report.migrations.find((m) => m.status === 'failed');
    const ok = run.code === 0 && report.outcome === 'applied' && report.migrations.length === migrationCount;
    return { name: 'rehearse', ok, detail: failed ? `${failed.name} failed: ${failed.error?.message ?? ''}` : `${statements} statements, ${Math.round(report.ms)} ms` };
  } catch {
    return { name: 'rehearse', ok: false, detail: `exit ${run.code}, JSON did not parse` };
  }
}

function compareContents(original: Map<string, string>, squashed: Map<string, string>): string[] {
  const keys = [...new Set([...original.keys(), ...squashed.keys()])].sort();
  return keys.filter((key) => original.get(key) !== squashed.get(key)).map((key) => `${key}: ${original.get(key) ?? 'missing'} ≠ ${squashed.get(key) ?? 'missing'}`);
}

async function runProject(source: string, logRoot: string): Promise<{ line: string; ok: boolean }> {
  const started = Date.now();
  const name = path.basename(source);
  const { provider, migrations } = readHistory(source);
  const extraArgs = cliArgs(name);
  const logDir = path.join(logRoot, name);
  const run = (cwd: string, step: string, args: string[]) => cli(cwd, logDir, step, [...args, ...extraArgs]);
  mkdirSync(logDir, { recursive: true });
  const temp = mkdtempSync(path.join(tmpdir(), `pm-real-${name}-`));
  const original = path.join(temp, 'original');
  const squashedCopy = path.join(temp, 'squashed');
  cpSync(source, original, { recursive: true });
  cpSync(source, squashedCopy, { recursive: true });
  const steps: Step[] = [];
  const databases: Database[] = [];
  try {
    const db = await newDatabase(provider, temp, 'original');
    databases.push(db);
    const url = ['--url', db.url];
    // The whole history rehearsed statement by statement on a copy of the empty database, before it is applied.
    if (provider === 'sqlite') writeFileSync(db.url.slice('file:'.length), '');
    steps.push(rehearseStep(await run(original, 'rehearse', ['rehearse', '--format', 'json', ...url]), migrations.length));
    const apply = await run(original, 'apply', ['apply', ...url]);
    steps.push({ name: 'apply', ok: apply.code === 0, detail: `exit ${apply.code}` });

    const status = await run(original, 'status', ['status', '--json', ...url]);
    let statusParsed = true;
    try {
      JSON.parse(status.stdout);
    } catch {
      statusParsed = false;
    }
    steps.push({ name: 'status', ok: status.code === 0 && statusParsed, detail: `exit ${status.code}${statusParsed ? '' : ', JSON did not parse'}` });

    const diff = await run(original, 'diff', ['diff', '--from', 'migrations', '--to', 'schema', '--exit-code', ...url]);
    const diffIsEmpty = diff.code === 0 ? true : diff.code === 2 ? false : undefined;
    steps.push({ name: 'diff', ok: diffIsEmpty !== undefined, detail: diffIsEmpty === undefined ? `exit ${diff.code}` : diffIsEmpty ? 'empty' : 'not empty' });

    steps.push(checkStep('check-url', await run(original, 'check-url', ['check', '--ci', '--format', 'json', ...url]), diffIsEmpty));
    steps.push(checkStep('check', await run(original, 'check', ['check', '--ci', '--format', 'json']), diffIsEmpty));

    if (migrations.length < 2) {
      steps.push({ name: 'squash', ok: migrations.length === 1, detail: migrations.length ? 'n/a, one migration' : 'no migrations' });
    } else {
      const target = await newDatabase(provider, temp, 'squashed');
      databases.push(target);
      const squash = await run(squashedCopy, 'squash', ['squash', '--to', migrations[migrations.length - 1], '--name', 'squashed', '--url', target.url]);
      const applySquashed = squash.code === 0 ? await run(squashedCopy, 'apply-squashed', ['apply', '--url', target.url]) : undefined;
      steps.push({ name: 'squash', ok: applySquashed?.code === 0, detail: `exit ${squash.code}${applySquashed ? `, apply exit ${applySquashed.code}` : ''}` });
      if (applySquashed?.code === 0) {
        // The original history's schema against the database the squashed history built.
        const schema = await run(original, 'squash-diff', ['diff', '--from', 'migrations', '--to', 'database', '--exit-code', '--url', target.url]);
        const differences = compareContents(await db.contents(), await target.contents());
        if (schema.code !== 0) differences.unshift(`schema: diff exit ${schema.code}`);
        writeFileSync(path.join(logDir, 'squash-equal.log'), `${differences.join('\n')}\n`);
        steps.push({ name: 'equal', ok: differences.length === 0, detail: differences.length ? `${differences.length} differences: ${differences.slice(0, 3).join('; ')}` : 'schema, objects, rows' });
      }
    }
  } catch (error) {
    steps.push({ name: 'script', ok: false, detail: error instanceof Error ? error.message : String(error) });
  } finally {
    for (const db of databases) await db.drop().catch(() => undefined);
    rmSync(temp, { recursive: true, force: true });
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const cells = steps.map((s) => `${s.name} ${s.ok ? 'ok' : 'FAIL'} (${s.detail})`);
  return { line: `${name.padEnd(16)} ${provider.padEnd(10)} ${String(migrations.length).padStart(4)} ${seconds.padStart(6)}s  ${cells.join(' | ')}`, ok: steps.every((s) => s.ok) };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { only: { type: 'string' }, logs: { type: 'string' } } });
  const folder = positionals[0];
  if (!folder || !existsSync(folder)) {
    console.error('Usage: npm run real-projects -- <folder of projects> [--only name,…] [--logs <dir>]');
    return 2;
  }
  if (!existsSync(CLI)) {
    console.error(`${CLI} is missing: build first (node esbuild.mjs).`);
    return 2;
  }
  const only = values.only?.split(',');
  const logRoot = values.logs ? path.resolve(values.logs) : mkdtempSync(path.join(tmpdir(), 'pm-real-logs-'));
  const projects = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && (!only || only.includes(entry.name)))
    .map((entry) => path.resolve(folder, entry.name));
  let failed = 0;
  for (const project of projects) {
    const result = await runProject(project, logRoot);
    console.log(result.line);
    if (!result.ok) failed++;
  }
  console.log(`\n${projects.length - failed} of ${projects.length} projects passed every step; logs in ${logRoot}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  },
);
