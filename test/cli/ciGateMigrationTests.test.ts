// `check --ci` runs the migration tests of the migrations deploy would apply: those a --url target has not
// applied, else with --base the ones the branch adds (a git repository with two branches), else all; on
// SQLite, and on a PostgreSQL target, where they run in temporary databases of its server.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { cli } from './cliSuite';
import { SPLIT_NAME, USER_WITH_FULL_NAME } from '../helpers/splitName';

interface JsonFinding {
  rule: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
}



/** Fails at line 4: the split keeps "Lovelace". */
const SPLIT_TEST = (lastName: string) =>
  ['-- test: splits fullName', `INSERT INTO "User" ("id", "fullName") VALUES (1, 'Ada Lovelace');`, '-- migrate', `-- output: Ada, ${lastName}`, 'SELECT "firstName", "lastName" FROM "User";', ''].join('\n');

/** Fails at line 3 wherever it runs: the first migration leaves no users. */
const INIT_TEST = ['-- test: starts with users', '-- migrate', '-- assert: there are users', 'SELECT count(*) > 0 FROM "User";', ''].join('\n');

const failedTests = (stdout: string) =>
  (JSON.parse(stdout) as JsonFinding[]).filter((f) => f.rule === 'migration-test-failed').map((f) => ({ ...f, at: `${path.basename(path.dirname(f.file))}/${path.basename(f.file)}:${f.line}` }));

describe('check --ci runs the migration tests deploy would need (git, SQLite)', () => {
  let project: TempProject;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.test', ...args], { cwd: project.root, encoding: 'utf8' });
  const commitAll = (message: string) => {
    git('add', '.');
    git('commit', '-qm', message);
  };
  const target = () => ['--url', `file:${path.join(project.root, 'target.db')}`];
  const splitTest = () => path.join(project.migrationsDir, '2_split', 'split.test.sql');

  before(async () => {
    project = tempProject('sqlite', 'model User {\n  id        Int     @id\n  firstName String?\n  lastName  String?\n}\n');
    git('init', '-q', '-b', 'main');
    writeFileSync(path.join(project.root, '.gitignore'), '*.db\n');
    writeFileSync(path.join(project.addMigration('1_init', USER_WITH_FULL_NAME), 'init.test.sql'), INIT_TEST);
    commitAll('init');
    // The target has the first migration only.
    assert.equal((await cli(project.root, 'apply', ...target())).code, 0);
    git('checkout', '-qb', 'feature');
    project.addMigration('2_split', SPLIT_NAME.sqlite);
    writeFileSync(splitTest(), SPLIT_TEST('Byron'));
    commitAll('split');
  });
  after(() => project.remove());

  it('with --url, the tests of the migrations the target has not applied: a failure is an error at its file and line, in JSON and text', async () => {
    const json = await cli(project.root, 'check', '--ci', '--format', 'json', ...target());
    assert.equal(json.code, 1, json.stderr);
    const [failed, ...more] = failedTests(json.stdout);
    assert.deepEqual(more, [], "1_init's failing test is not run: the target applied 1_init");
    assert.deepEqual(
      { rule: failed.rule, severity: failed.severity, file: failed.file, line: failed.line, column: failed.column },
      { rule: 'migration-test-failed', severity: 'error', file: splitTest(), line: 4, column: 1 },
    );
    assert.equal(failed.message, 'Migration test "splits fullName" of 2_split failed: The rows differ from -- output. Expected "Ada, Byron", got "Ada, Lovelace".');
    const text = await cli(project.root, 'check', '--ci', '--fail-on', 'error', ...target());
    assert.equal(text.code, 1, 'a failing test is an error: it fails even --fail-on error');
    const relative = path.join('prisma', 'migrations', '2_split', 'split.test.sql');
    assert.ok(text.stdout.split('\n').includes(`${relative}:4:1 error [migration-test-failed] ${failed.message}`), text.stdout);
  });

  it('with --base and no target, the tests of the migrations this branch adds; with neither, every test', async () => {
    const branch = await cli(project.root, 'check', '--ci', '--base', 'main', '--format', 'json');
    assert.equal(branch.code, 1, branch.stderr);
    assert.deepEqual(failedTests(branch.stdout).map((f) => f.at), ['2_split/split.test.sql:4']);
    const all = await cli(project.root, 'check', '--ci', '--format', 'json');
    assert.equal(all.code, 1, all.stderr);
    const failed = failedTests(all.stdout);
    assert.deepEqual(failed.map((f) => f.at), ['1_init/init.test.sql:3', '2_split/split.test.sql:4']);
    assert.equal(failed[0].message, 'Migration test "starts with users" of 1_init failed: Assertion failed: there are users (a first column is not true). Got "0".');
  });

  it('passing tests add nothing: ready to deploy', async () => {
    writeFileSync(splitTest(), SPLIT_TEST('Lovelace'));
    commitAll('fix the test');
    const result = await cli(project.root, 'check', '--ci', '--base', 'main');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^Ready to deploy/);
  });
});

describe('check --ci on a PostgreSQL target: the tests run in temporary databases of its server', () => {
  let project: TempProject;
  let server: Awaited<ReturnType<typeof newPostgresDatabase>>;

  before(async () => {
    project = tempProject('postgresql', 'model User {\n  id        Int     @id\n  firstName String\n  lastName  String?\n}\n');
    project.addMigration('1_init', USER_WITH_FULL_NAME);
    server = await newPostgresDatabase('pm_gate_tests');
    assert.equal((await cli(project.root, 'apply', '--url', server.url)).code, 0);
    const split = [
      'ALTER TABLE "User" ADD COLUMN "firstName" TEXT, ADD COLUMN "lastName" TEXT;',
      `UPDATE "User" SET "firstName" = split_part("fullName", ' ', 1), "lastName" = NULLIF(split_part("fullName", ' ', 2), '');`,
      'ALTER TABLE "User" DROP COLUMN "fullName";',
      'ALTER TABLE "User" ALTER COLUMN "firstName" SET NOT NULL;',
      '',
    ].join('\n');
    const dir = project.addMigration('2_split', split);
    writeFileSync(path.join(dir, 'server.test.sql'), "-- test: runs on the server\n-- migrate\n-- assert\nSELECT current_database() LIKE 'prisma_migrations_shadow_%';\n");
    writeFileSync(path.join(dir, 'split.test.sql'), SPLIT_TEST('Byron'));
  });
  after(async () => {
    project.remove();
    await server.drop();
  });

  it('the pending migration\'s tests: the one on the server passes, the failing one is reported', async () => {
    const result = await cli(project.root, 'check', '--ci', '--format', 'json', '--url', server.url);
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(failedTests(result.stdout).map((f) => [f.at, f.message]), [
      ['2_split/split.test.sql:4', 'Migration test "splits fullName" of 2_split failed: The rows differ from -- output. Expected "Ada, Byron", got "Ada, Lovelace".'],
    ]);
  });
});
