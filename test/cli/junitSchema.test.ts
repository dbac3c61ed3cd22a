// `prisma-migrations test --format junit` validated against a published JUnit schema (the Jenkins xUnit
// plugin's junit-10.xsd, test/fixtures/junit) with libxml2's xmllint (xmllint-wasm): what CI servers
// read, not just what our own regular expressions expect.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validateXML } from 'xmllint-wasm';
import { formatTestResults } from '../../src/core/migrationTests/testResultFormats';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { cli } from './cliSuite';

const SCHEMA = readFileSync(path.resolve(__dirname, '../fixtures/junit/junit-10.xsd'), 'utf8');

/** The schema's verdict: the errors xmllint reports, none when the document is valid. */
async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: { fileName: 'report.xml', contents: xml }, schema: SCHEMA });
  assert.equal(result.valid, result.errors.length === 0, result.rawOutput);
  return result.errors.map((error) => error.rawMessage);
}

const PASSING = ['-- test: keeps the rows', `INSERT INTO "User" ("id", "name") VALUES (1, 'Ada');`, '-- migrate', '-- assert', `SELECT count(*) = 1 FROM "User" WHERE "email" IS NULL;`, ''].join('\n');

/** A failing test whose message needs escaping, and a problem of the file (a test without -- migrate). */
const FAILING = ['-- test: <wrong> & "quoted"', '-- migrate', "-- output: 'x' & y", `SELECT count(*) FROM "User";`, '-- test: never migrates', 'SELECT 1;', ''].join('\n');

describe('prisma-migrations test --format junit against the JUnit schema (junit-10.xsd)', () => {
  let project: TempProject;
  /** The passing run's report, broken on purpose in the last test. */
  let passing = '';

  before(() => {
    project = tempProject('sqlite', 'model User {\n  id    Int     @id\n  name  String\n  email String?\n}\n');
    project.addMigration('1_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL);\n');
    const dir = project.addMigration('2_email', 'ALTER TABLE "User" ADD COLUMN "email" TEXT;\n');
    writeFileSync(path.join(dir, 'migration.test.sql'), PASSING);
    writeFileSync(path.join(dir, 'failing.test.sql'), FAILING);
  });
  after(() => project.remove());

  it('a passing run validates', async () => {
    const result = await cli(project.root, 'test', '--format', 'junit', '--run', 'keeps the rows');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /<testcase name="keeps the rows"/);
    assert.deepEqual(await schemaErrors(result.stdout), []);
    passing = result.stdout;
  });

  it('a failing run validates: failures, a problem of the file, escaped text', async () => {
    const result = await cli(project.root, 'test', '--format', 'junit');
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /<failure message="The rows differ from -- output\."/);
    assert.match(result.stdout, /never migrates/);
    assert.deepEqual(await schemaErrors(result.stdout), []);
  });

  it('text XML cannot hold (control characters, lone surrogates) still validates', async () => {
    const xml = formatTestResults(
      [{ migration: '1_a', file: '/p/1_a/t.test.sql', name: 'a\nb\t\u0000\uD800', line: 1, status: 'failed', durationMs: 2, failure: { message: 'x\u001by\uFFFE', line: 2, expected: 'a\r', actual: 'b' } }],
      'junit',
      '/p',
    );
    assert.deepEqual(await schemaErrors(xml), []);
  });

  it('the check can fail: a testcase without a name, or a testsuite without its count, does not validate', async () => {
    const nameless = passing.replace('<testcase name="keeps the rows" ', '<testcase ');
    assert.notEqual(nameless, passing);
    const errors = await schemaErrors(nameless);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /Element 'testcase': The attribute 'name' is required but missing/);
    const countless = passing.replace(/(<testsuite name="2_email") tests="\d+"/, '$1');
    assert.notEqual(countless, passing);
    assert.match((await schemaErrors(countless)).join('\n'), /Element 'testsuite': The attribute 'tests' is required but missing/);
  });
});
