import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/main';
import { tempProject, type TempProject } from '../helpers/tempProject';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as the bin does, and captures what it prints. */
export async function cli(cwd: string, ...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) }, cwd);
  return { code, stdout, stderr };
}

export interface CliTarget {
  provider: 'sqlite' | 'postgresql';
  /** Extra arguments pointing at a fresh database (e.g. `--url …`), or none for the embedded default. */
  open(): Promise<{ args: string[]; drop(): Promise<void> }>;
}

const USER = `model User {\n  id    Int    @id\n  email String @unique\n  name  String\n}\n`;

/** Every CLI command, its output and exit codes, against one kind of database. */
export function cliSuite(label: string, target: CliTarget): void {
  describe(`prisma-migrations CLI on ${label}`, () => {
    let project: TempProject;
    let args: string[];
    let drop: () => Promise<void>;
    const run = (...command: string[]) => cli(project.root, ...command, ...args);
    const json = async (...command: string[]) => {
      const result = await run(...command, '--json');
      return { ...result, value: JSON.parse(result.stdout) as unknown };
    };
    const migrationCount = () => readdirSync(project.migrationsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).length;

    before(async () => {
      project = tempProject(target.provider, USER);
      const opened = await target.open();
      args = opened.args;
      drop = opened.drop;
    });
    after(async () => {
      await drop();
      project.remove();
    });

    it('status on a new project: no migrations, exit 0', async () => {
      const result = await run('status');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /No migrations yet/);
    });

    it('create --name init writes and applies the first migration', async () => {
      const result = await run('create', '--name', 'init');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Created migration \d{14}_init/);
      assert.match(result.stdout, /Applied \d{14}_init/);
      assert.equal(migrationCount(), 1);
    });

    it('status --json lists it as applied, with no drift, exit 0', async () => {
      const { code, value } = await json('status');
      const report = value as { migrations: Array<{ name: string; status: string; appliedAt: string }>; drift: unknown };
      assert.equal(code, 0);
      assert.equal(report.migrations.length, 1);
      assert.equal(report.migrations[0].status, 'applied');
      assert.ok(!Number.isNaN(Date.parse(report.migrations[0].appliedAt)));
      assert.equal(report.drift, null);
    });

    it('check finds nothing to break when the schema is migrated, exit 0', async () => {
      const result = await run('check');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /nothing to check/);
    });

    it('check --json points at the model whose column would be dropped with data, exit 1', async () => {
      assert.equal((await run('execute', '--file', writeSql(project, `INSERT INTO "User" ("id", "email", "name") VALUES (1, 'a@x', 'A'), (2, 'b@x', 'B');`))).code, 0);
      project.writeSchema(`model User {\n  id    Int    @id\n  email String @unique\n}\n`);
      const { code, value } = await json('check');
      assert.equal(code, 1);
      const findings = value as Array<{ rule: string; severity: string; message: string; file: string; line: number; column: number }>;
      const dropped = findings.find((f) => f.rule === 'dropped-column');
      assert.ok(dropped, JSON.stringify(findings));
      assert.equal(dropped.severity, 'warning');
      assert.match(dropped.message, /2 non-null values/);
      assert.equal(dropped.file, project.schemaPath);
      assert.equal(dropped.line, project.schemaText().split('\n').indexOf('model User {') + 1);
      assert.equal(dropped.column, 1);
    });

    it('create refuses the data loss (exit 1, lists it) and writes nothing', async () => {
      const result = await run('create', '--name', 'drop name');
      assert.equal(result.code, 1);
      assert.match(result.stderr, /would lose data[\s\S]*`name`/);
      assert.equal(migrationCount(), 1);
    });

    it('create --accept-data-loss writes and applies it', async () => {
      const result = await run('create', '--name', 'drop name', '--accept-data-loss');
      assert.equal(result.code, 0, result.stderr);
      assert.equal(migrationCount(), 2);
    });

    it('check on a required column without default on a non-empty table: error on the field', async () => {
      project.writeSchema(`model User {\n  id    Int    @id\n  email String @unique\n  role  String\n}\n`);
      const { code, value } = await json('check');
      assert.equal(code, 1);
      const finding = (value as Array<{ rule: string; severity: string; line: number; column: number }>).find((f) => f.rule === 'required-column-without-default');
      assert.ok(finding);
      assert.equal(finding.severity, 'error');
      assert.equal(finding.line, project.schemaText().split('\n').findIndex((l) => l.includes('role  String')) + 1);
      assert.equal(finding.column, 3);
    });

    it('create --draft writes an unapplied migration; status shows it pending, exit 1', async () => {
      project.writeSchema(`model User {\n  id    Int    @id\n  email String @unique\n  role  String @default("member")\n}\n`);
      const created = await run('create', '--name', 'add role', '--draft');
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /Created draft migration/);
      const { code, value } = await json('status');
      assert.equal(code, 1);
      assert.deepEqual(
        (value as { migrations: Array<{ status: string }> }).migrations.map((m) => m.status),
        ['applied', 'applied', 'pending'],
      );
    });

    it('check also lints the SQL of migrations not applied yet, with positions in migration.sql', async () => {
      const dir = project.addMigration('29990101000000_by_hand', `-- written by hand\nDROP TABLE IF EXISTS "Nope";\n`);
      try {
        const { code, value } = await json('check');
        assert.equal(code, 1);
        const findings = value as Array<{ rule: string; file: string; line: number; column: number }>;
        assert.deepEqual(
          findings.filter((f) => f.rule.startsWith('sql-')).map((f) => [f.rule, f.file, f.line, f.column]),
          [['sql-drop-table', path.join(dir, 'migration.sql'), 2, 1]],
          'the pending draft (ADD COLUMN … DEFAULT) has nothing to report, the hand-written one has',
        );
        const relative = path.relative(project.root, path.join(dir, 'migration.sql')).split(path.sep).join('/');
        const github = await run('check', '--format', 'github');
        assert.equal(github.code, 1);
        assert.ok(github.stdout.split('\n').includes(`::warning file=${relative},line=2,col=1,title=sql-drop-table::Drops the table "Nope" and every row in it.`), github.stdout);
        const sarif = await run('check', '--format', 'sarif');
        const log = JSON.parse(sarif.stdout) as { version: string; runs: Array<{ results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
        assert.equal(log.version, '2.1.0');
        const result = log.runs[0].results.find((r) => r.ruleId === 'sql-drop-table');
        assert.equal(result?.level, 'warning');
        assert.deepEqual(result?.locations[0].physicalLocation.artifactLocation.uri, relative);
        assert.equal(result?.locations[0].physicalLocation.region.startLine, 2);
        const bad = await run('check', '--format', 'xml');
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /--format must be one of text, json, sarif, github/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('diff between the four sources, with Prisma exit codes under --exit-code', async () => {
      const same = await run('diff', '--from', 'migrations', '--to', 'schema', '--exit-code');
      assert.equal(same.code, 0, same.stderr);
      assert.match(same.stdout, /No difference/);
      const script = await run('diff', '--from', 'empty', '--to', 'schema', '--script');
      assert.equal(script.code, 0);
      assert.match(script.stdout, /CREATE TABLE "User"/);
      const different = await run('diff', '--from', 'database', '--to', 'schema', '--exit-code');
      assert.equal(different.code, 2);
      assert.match(different.stdout, /User/);
      const bad = await run('diff', '--from', 'nowhere', '--to', 'schema');
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--from must be one of empty, migrations, schema, database/);
    });

    it('apply runs the pending migration, exit 0', async () => {
      const result = await run('apply');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Applied 1 migration:\n\s+\d{14}_add_role/);
    });

    it('a migration failing halfway: apply exit 2, status failed with the log; resolve and re-apply recover', async () => {
      project.addMigration('29990101000000_bad', `CREATE TABLE "Half" ("id" INTEGER NOT NULL PRIMARY KEY);\nINSERT INTO "Missing" ("id") VALUES (1);\n`);
      const failed = await run('apply');
      assert.equal(failed.code, 2);
      assert.match(failed.stderr, /^Error: Migration 29990101000000_bad failed: .*Missing/m);
      assert.doesNotMatch(failed.stderr, /\n\s+at /, 'no stack trace without --verbose');
      const status = await json('status');
      assert.equal(status.code, 1);
      const bad = (status.value as { migrations: Array<{ name: string; status: string; logs: string }> }).migrations.find((m) => m.name === '29990101000000_bad');
      assert.equal(bad?.status, 'failed');
      assert.match(bad?.logs ?? '', /Missing/);
      const resolved = await run('resolve', '--rolled-back', '29990101000000_bad');
      assert.equal(resolved.code, 0, resolved.stderr);
      project.addMigration('29990101000000_bad', `CREATE TABLE IF NOT EXISTS "Half" ("id" INTEGER NOT NULL PRIMARY KEY);\n`);
      assert.equal((await run('apply')).code, 0);
      assert.equal((await run('status', '--no-drift')).code, 0);
    });

    it('resolve --applied records a migration without running it', async () => {
      project.addMigration('29990102000000_recorded', `CREATE TABLE "Recorded" ("id" INTEGER NOT NULL PRIMARY KEY);\n`);
      const result = await run('resolve', '--applied', '29990102000000_recorded');
      assert.equal(result.code, 0, result.stderr);
      const status = await json('status');
      const recorded = (status.value as { migrations: Array<{ name: string; status: string }>; drift: { summary: string } | null });
      assert.equal(recorded.migrations.find((m) => m.name === '29990102000000_recorded')?.status, 'applied');
      assert.match(recorded.drift?.summary ?? '', /Recorded/, 'the table was never created: the database lacks what the history says');
      assert.equal(status.code, 1);
    });

    it('reset needs --force; with it the database is rebuilt from the history', async () => {
      const refused = await run('reset');
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /--force/);
      const reset = await run('reset', '--force');
      assert.equal(reset.code, 0, reset.stderr);
      assert.match(reset.stdout, /applied 5 migrations/);
      const status = await run('status');
      assert.equal(status.code, 0, status.stdout + status.stderr);
    });

    it('down prints a verified down script of the last migration, and --write puts it beside the migration', async () => {
      const last = readdirSync(project.migrationsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort().at(-1)!;
      const printed = await run('down', last, '--verify');
      assert.equal(printed.code, 0, printed.stderr);
      assert.match(printed.stdout, new RegExp(`^-- Down script of ${last}`));
      assert.match(printed.stderr, /Verified/);
      const written = await run('down', last, '--write');
      assert.equal(written.code, 0, written.stderr);
      const [body, stamp] = readFileSync(path.join(project.migrationsDir, last, 'down.sql'), 'utf8').split(/\n(?=-- prisma-migrations sha256:)/);
      assert.equal(body.trimEnd(), printed.stdout.trimEnd());
      assert.match(stamp, /^-- prisma-migrations sha256:[0-9a-f]{64} .*\n$/, 'the last line stamps the file as ours');
      assert.equal((await run('status')).code, 0, 'down.sql is not a migration: the status is unchanged');
      rmSync(path.join(project.migrationsDir, last, 'down.sql'));
    });

    it('rollback prints its plan without --force, and with it leaves the last migration pending; apply restores it', async () => {
      const plan = await run('rollback');
      assert.equal(plan.code, 1);
      assert.match(plan.stdout, /^Rolling back \d{14}_\w+ on /);
      assert.match(plan.stderr, /add --force/);
      const done = await run('rollback', '--force');
      assert.equal(done.code, 0, done.stderr);
      assert.match(done.stdout, /it is pending again/);
      const { value } = await json('status', '--no-drift');
      assert.equal((value as { migrations: Array<{ status: string }> }).migrations.at(-1)?.status, 'rolledBack');
      assert.equal((await run('apply')).code, 0);
      assert.equal((await run('status')).code, 0);
    });

    it('squash replaces the first two migrations with one; the database records it and stays up to date', async () => {
      const names = readdirSync(project.migrationsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
      const result = await run('squash', '--to', names[1], '--name', 'baseline');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Squashed 2 migrations into \d{14}_baseline; .* records it as applied\.$/m);
      assert.match(result.stderr, /prisma migrate resolve --applied \d{14}_baseline/);
      assert.equal(migrationCount(), names.length - 1);
      const status = await run('status');
      assert.equal(status.code, 0, status.stdout + status.stderr);
    });

    it('verify passes a deployed database; an unapplied migration and then drift fail it', async () => {
      const passed = await run('verify');
      assert.equal(passed.code, 0, passed.stdout + passed.stderr);
      assert.match(passed.stdout, new RegExp(`^Verified: .* has all ${migrationCount()} migrations applied as written, and no drift\\.$`, 'm'));
      project.addMigration('29990103000000_later', `CREATE TABLE "Later" ("id" INTEGER NOT NULL PRIMARY KEY);\n`);
      const notApplied = await json('verify');
      assert.equal(notApplied.code, 1);
      assert.deepEqual((notApplied.value as Array<{ rule: string; message: string }>).map((f) => f.rule), ['migration-not-applied']);
      assert.equal((await run('apply')).code, 0);
      assert.equal((await run('execute', '--file', writeSql(project, 'CREATE TABLE "Sneaky" ("id" INTEGER NOT NULL PRIMARY KEY);\n'))).code, 0);
      const drifted = await json('verify');
      assert.equal(drifted.code, 1);
      const drift = (drifted.value as Array<{ rule: string; severity: string; message: string }>).find((f) => f.rule === 'target-drift');
      assert.match(drift?.message ?? '', /Sneaky/);
      assert.equal((await run('execute', '--file', writeSql(project, 'DROP TABLE "Sneaky";\n'))).code, 0);
      assert.equal((await run('verify')).code, 0);
    });

    it('a malformed schema is one error line naming file and line, exit 2', async () => {
      const good = project.schemaText();
      project.writeSchema(`model User {\n  id    Int    @id\n  broken\n}\n`);
      const result = await run('check');
      assert.equal(result.code, 2);
      const line = project.schemaText().split('\n').findIndex((l) => l.includes('broken')) + 1;
      assert.match(result.stderr, new RegExp(`schema\\.prisma:${line}`));
      project.writeSchema(good.slice(good.indexOf('model')));
    });

    it('--help on every command, exit 0', async () => {
      for (const command of ['status', 'diff', 'create', 'apply', 'resolve', 'reset', 'check', 'execute', 'down', 'rollback', 'squash', 'verify', 'init', 'pull', 'regenerate']) {
        const result = await cli(project.root, command, '--help');
        assert.equal(result.code, 0);
        assert.match(result.stdout, new RegExp(`Usage: prisma-migrations ${command}`));
      }
    });
  });
}

function writeSql(project: TempProject, sql: string): string {
  const file = path.join(project.root, 'data.sql');
  writeFileSync(file, sql);
  return file;
}
