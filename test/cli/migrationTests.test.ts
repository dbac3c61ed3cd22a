// `prisma-migrations test`: the *.test.sql files beside migrations, each test on a scratch database of its
// own holding the history before its migration, on SQLite, the embedded PGlite and a PostgreSQL server.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { type MigrationTestResult, runMigrationTests } from '../../src/core/migrationTests/runMigrationTests';
import { discoverProject } from '../../src/core/project/discover';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { cli } from './cliSuite';
import { SPLIT_NAME, USER_WITH_FULL_NAME } from '../helpers/splitName';

const MODELS = 'model User {\n  id        Int     @id\n  firstName String\n  lastName  String?\n}\n';



const UNIQUE = 'CREATE UNIQUE INDEX "User_firstName_key" ON "User"("firstName");\n';

/** Inserts before the migration, checks after it: passes on every database. */
const DATA_MIGRATION_TEST = [
  '-- test: splits fullName into firstName and lastName',
  `INSERT INTO "User" ("id", "fullName") VALUES (1, 'Ada Lovelace'), (2, 'Plato');`,
  '-- migrate',
  '-- assert: every user has a first name',
  'SELECT count(*) = 0 FROM "User" WHERE "firstName" IS NULL;',
  '-- output: Ada, Lovelace',
  '-- output: Plato, NULL',
  'SELECT "firstName", "lastName" FROM "User" ORDER BY "id";',
  '-- error: unique constraint',
  `INSERT INTO "User" ("id", "firstName") VALUES (1, 'Dup');`,
  '',
].join('\n');

/** One test per way to fail, each at a known line. */
const FAILING_TESTS = [
  '-- test: a statement fails', // 1
  '-- migrate',
  `INSERT INTO "User" ("id", "fullName") VALUES (3, 'Gone');`, // 3: the column is dropped
  '-- test: an assertion fails', // 4
  `INSERT INTO "User" ("id", "fullName") VALUES (1, 'Ada');`,
  '-- migrate',
  '-- assert: everyone has a last name', // 7
  'SELECT "lastName" IS NOT NULL FROM "User";',
  '-- test: the output differs', // 9
  '-- migrate',
  `INSERT INTO "User" ("id", "firstName") VALUES (1, 'Ada');`,
  '-- output: Ada, Lovelace', // 12
  'SELECT "firstName", "lastName" FROM "User";',
  '-- test: no error comes', // 14
  '-- migrate',
  '-- error', // 16
  'SELECT 1;',
  '-- test: another error comes', // 18
  '-- migrate',
  '-- error: unique constraint', // 20
  'INSERT INTO "Nope" ("id") VALUES (1);',
  '-- test: migrates to a migration that is not there', // 22
  '-- migrate: 9_nope', // 23
  '-- test: the later migration fails on the rows', // 24
  `INSERT INTO "User" ("id", "fullName") VALUES (1, 'Ada Lovelace'), (2, 'Ada Byron');`,
  '-- migrate: 3_unique', // 26
  '',
].join('\n');

/** Problems of the file itself, in the first migration's folder. */
const BROKEN_FILE = ['SELECT 1;', '-- test: only reads', 'SELECT 2;', ''].join('\n');

function project(provider: 'sqlite' | 'postgresql'): TempProject {
  const created = tempProject(provider, MODELS);
  created.addMigration('1_init', USER_WITH_FULL_NAME);
  created.addMigration('2_split', SPLIT_NAME[provider]);
  created.addMigration('3_unique', UNIQUE);
  return created;
}

function writeTestFile(project: TempProject, migration: string, name: string, text: string): string {
  const file = path.join(project.migrationsDir, migration, name);
  writeFileSync(file, text);
  return file;
}

const resultsOf = (stdout: string) => JSON.parse(stdout) as MigrationTestResult[];
const byName = (results: readonly MigrationTestResult[], name: string) => results.find((r) => r.name === name)!;

describe('prisma-migrations test on SQLite', () => {
  let sqlite: TempProject;
  const run = (...args: string[]) => cli(sqlite.root, 'test', ...args);

  before(() => {
    sqlite = project('sqlite');
  });
  after(() => sqlite.remove());

  it('says so when there are no tests, exit 0, without creating the dev database', async () => {
    const result = await run();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'No migration tests found.\n');
    assert.equal(existsSync(path.join(sqlite.root, 'prisma', 'dev.db')), false);
  });

  it('a data migration test passes: rows inserted before the migration, checked after it (exit 0)', async () => {
    writeTestFile(sqlite, '2_split', 'migration.test.sql', DATA_MIGRATION_TEST);
    const result = await run();
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^✓ 2_split › splits fullName into firstName and lastName \(\d+ ms\)\n1 passed, 0 failed\n$/);
    assert.equal(existsSync(path.join(sqlite.root, 'prisma', 'dev.db')), false, 'the dev database is never opened');
  });

  it('--verbose: each step as it ran, how long, and what came back, on stderr', async () => {
    const result = await run('--verbose');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const steps = result.stderr.split('\n').filter((line) => line.startsWith('  2_split › '));
    assert.deepEqual(
      steps.map((line) => line.replace(/^ {2}2_split › splits fullName into firstName and lastName: /, '').replace(/\(\d+ ms\)/, '(ms)')),
      [
        `line 2: INSERT INTO "User" ("id", "fullName") VALUES (1, 'Ada Lovel… (ms): ok`,
        'line 3: -- migrate to 2_split (ms): applied',
        'line 4: -- assert: SELECT count(*) = 0 FROM "User" WHERE "firstName" IS NULL (ms): 1 row: 1',
        'line 6: -- output: SELECT "firstName", "lastName" FROM "User" ORDER BY "id" (ms): 2 rows: Ada, Lovelace | Plato, NULL',
        `line 9: -- error: INSERT INTO "User" ("id", "firstName") VALUES (1, 'Dup') (ms): failed as expected`,
      ],
    );
  });

  it('each kind of failure at its line, with the database\'s words; problems of a file are failures too (exit 1)', async () => {
    const failing = writeTestFile(sqlite, '2_split', 'failing.test.sql', FAILING_TESTS);
    const broken = writeTestFile(sqlite, '1_init', 'broken.test.sql', BROKEN_FILE);
    const result = await run('--format', 'json');
    assert.equal(result.code, 1, result.stderr);
    const results = resultsOf(result.stdout);
    assert.deepEqual(
      results.map((r) => [r.migration, r.name, r.line, r.status, r.failure?.line]),
      [
        ['1_init', path.relative(sqlite.root, broken), 1, 'failed', 1],
        ['1_init', path.relative(sqlite.root, broken), 2, 'failed', 2],
        ['2_split', 'a statement fails', 1, 'failed', 3],
        ['2_split', 'an assertion fails', 4, 'failed', 7],
        ['2_split', 'the output differs', 9, 'failed', 12],
        ['2_split', 'no error comes', 14, 'failed', 16],
        ['2_split', 'another error comes', 18, 'failed', 20],
        ['2_split', 'migrates to a migration that is not there', 22, 'failed', 23],
        ['2_split', 'the later migration fails on the rows', 24, 'failed', 26],
        ['2_split', 'splits fullName into firstName and lastName', 1, 'passed', undefined],
      ],
    );
    assert.match(results[0].failure!.message, /^SQL before the first -- test: belongs to no test/);
    assert.match(results[1].failure!.message, /^Test "only reads" never migrates to 1_init: it tests nothing of it/);
    assert.equal(results[1].file, broken);
    assert.match(byName(results, 'a statement fails').failure!.message, /has no column named fullName/);
    assert.equal(byName(results, 'a statement fails').file, failing);
    assert.deepEqual(byName(results, 'an assertion fails').failure, { message: 'Assertion failed: everyone has a last name (a first column is not true).', line: 7, actual: '0' });
    assert.deepEqual(byName(results, 'the output differs').failure, { message: 'The rows differ from -- output.', line: 12, expected: 'Ada, Lovelace', actual: 'Ada, NULL' });
    assert.deepEqual(byName(results, 'no error comes').failure, { message: 'Expected an error, but the statement succeeded.', line: 16 });
    const other = byName(results, 'another error comes').failure!;
    assert.equal(other.message, 'The statement failed, but not with an error containing "unique constraint".');
    assert.equal(other.expected, 'unique constraint');
    assert.match(other.actual!, /no such table: Nope/);
    assert.match(byName(results, 'migrates to a migration that is not there').failure!.message, /^-- migrate: 9_nope: there is no migration 9_nope in /);
    assert.match(byName(results, 'the later migration fails on the rows').failure!.message, /^Migration 3_unique failed: .*UNIQUE constraint failed/);
  });

  it('text: ✓ and ✗ lines, failures with file:line and the difference, the counts last', async () => {
    const result = await run('--run', 'output differs|splits');
    assert.equal(result.code, 1);
    const file = path.join('prisma', 'migrations', '2_split', 'failing.test.sql');
    assert.match(
      result.stdout,
      new RegExp(
        [
          '^✗ 2_split › the output differs \\(\\d+ ms\\)',
          `    ${file.replace(/[.]/g, '\\.')}:12`,
          '    The rows differ from -- output\\.',
          '    expected:',
          '      Ada, Lovelace',
          '    actual:',
          '      Ada, NULL',
          '✓ 2_split › splits fullName into firstName and lastName \\(\\d+ ms\\)',
          '1 passed, 1 failed\n$',
        ].join('\n'),
      ),
    );
  });

  it('--run selects by "<migration> › <test name>"; one that matches nothing runs nothing (exit 0)', async () => {
    const selected = await run('--run', '^2_split › splits', '--format', 'json');
    assert.equal(selected.code, 0, selected.stdout);
    assert.deepEqual(resultsOf(selected.stdout).map((r) => r.name), ['splits fullName into firstName and lastName']);
    const none = await run('--run', 'no such test');
    assert.equal(none.code, 0);
    assert.equal(none.stdout, 'No migration tests match --run no such test.\n');
  });

  it('--format junit: a suite per migration, a testcase per test with file and line, failures with their text', async () => {
    const result = await run('--format', 'junit', '--run', '^2_split › (splits|no error)');
    assert.equal(result.code, 1);
    const xml = result.stdout;
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="prisma-migrations test" tests="2" failures="1" errors="0" time="[\d.]+">\n/);
    assert.match(xml, /\n {2}<testsuite name="2_split" tests="2" failures="1" errors="0" skipped="0" time="[\d.]+">\n/);
    assert.match(xml, /<testcase name="no error comes" classname="2_split" time="[\d.]+" file="prisma\/migrations\/2_split\/failing\.test\.sql" line="14">\n\s+<failure message="Expected an error, but the statement succeeded\." type="MigrationTestFailure">prisma\/migrations\/2_split\/failing\.test\.sql:16\nExpected an error, but the statement succeeded\.<\/failure>/);
    assert.match(xml, /<testcase name="splits fullName into firstName and lastName" classname="2_split" time="[\d.]+" file="prisma\/migrations\/2_split\/migration\.test\.sql" line="1"\/>/);
    assert.match(xml, /<\/testsuite>\n<\/testsuites>\n$/);
  });

  it('the core API: only the files given, onStart before each test and onResult after, an abort stops before the next test', async () => {
    const project = await discoverProject({ cwd: sqlite.root, trusted: true });
    const folder = readMigrationsFolder(project.migrationsDir);
    const events: string[] = [];
    const controller = new AbortController();
    const results = await runMigrationTests(project, folder, {
      files: [path.join(sqlite.migrationsDir, '2_split', 'failing.test.sql')],
      filter: /assertion|output/,
      signal: controller.signal,
      onStart: (test) => events.push(`start ${test.name}`),
      onResult: (result) => {
        events.push(`${result.status} ${result.name}`);
        controller.abort();
      },
    });
    assert.deepEqual(events, ['start an assertion fails', 'failed an assertion fails']);
    assert.deepEqual(results.map((r) => r.name), ['an assertion fails']);
  });

  it('a bad --run or --format is a usage error (exit 2)', async () => {
    const regexp = await run('--run', '(');
    assert.equal(regexp.code, 2);
    assert.match(regexp.stderr, /--run takes a regular expression/);
    const format = await run('--format', 'tap');
    assert.equal(format.code, 2);
    assert.match(format.stderr, /--format must be one of text, json, junit/);
    const help = await cli(sqlite.root, 'test', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: prisma-migrations test/);
  });
});

describe('prisma-migrations test on PostgreSQL', () => {
  let postgres: TempProject;
  let server: Awaited<ReturnType<typeof newPostgresDatabase>>;
  const run = (filter: string, ...args: string[]) => cli(postgres.root, 'test', '--format', 'json', '--run', filter, ...args);
  const expectResults = (results: readonly MigrationTestResult[]) => {
    assert.deepEqual(
      results.map((r) => [r.name, r.status]),
      [
        ['the output differs', 'failed'],
        ['splits fullName into firstName and lastName', 'passed'],
      ],
    );
    assert.deepEqual(byName(results, 'the output differs').failure, { message: 'The rows differ from -- output.', line: 12, expected: 'Ada, Lovelace', actual: 'Ada, NULL' });
  };

  before(async () => {
    postgres = project('postgresql');
    writeTestFile(postgres, '2_split', 'migration.test.sql', DATA_MIGRATION_TEST.replace('-- error: unique constraint\n', '-- error: null value\n').replace(`("id", "firstName") VALUES (1, 'Dup')`, '("id") VALUES (3)'));
    writeTestFile(postgres, '2_split', 'failing.test.sql', FAILING_TESTS);
    writeTestFile(postgres, '1_init', 'server.test.sql', "-- test: runs on the server\n-- migrate\n-- assert\nSELECT current_database() LIKE 'prisma_migrations_shadow_%';\n");
    server = await newPostgresDatabase();
  });
  after(async () => {
    postgres.remove();
    await server.drop();
  });

  it('on scratch PGlite databases without --url; the embedded dev database is not created', async () => {
    const result = await run('splits|output differs');
    assert.equal(result.code, 1, result.stderr);
    expectResults(resultsOf(result.stdout));
    assert.equal(existsSync(path.join(postgres.root, 'prisma', '.pglite')), false);
  });

  it('with --url of a server: in temporary databases there, the database given is never written', async () => {
    const result = await run('splits|output differs|on the server', '--url', server.url);
    assert.equal(result.code, 1, result.stderr);
    const [onServer, ...results] = resultsOf(result.stdout);
    assert.deepEqual([onServer.name, onServer.status], ['runs on the server', 'passed'], 'a temporary database of the server');
    expectResults(results);
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const tables = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`);
      assert.deepEqual(tables.rows, [], 'neither _prisma_migrations nor the tables of the history');
    } finally {
      await client.end();
    }
  });
});

describe('prisma-migrations test on MySQL', () => {
  it('is refused as unsupported (exit 2), without connecting', async () => {
    const mysql = tempProject('mysql');
    try {
      const result = await cli(mysql.root, 'test', '--url', 'mysql://root@127.0.0.1:1/none');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^Error: Migration tests run on SQLite and PostgreSQL only/m);
    } finally {
      mysql.remove();
    }
  });
});
