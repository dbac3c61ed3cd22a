// Scaffolded migration tests run: `create --test` writes one beside a new migration that changes rows
// (and says there is nothing to scaffold otherwise); the scaffold of a real data migration (columns added,
// filled from an old one, which is dropped) passes `prisma-migrations test` as written, on SQLite and on a
// PostgreSQL server, and fails once the migration forgets a column.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openProjectDatabase } from '../../src/core/connect';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { parseMigrationTests } from '../../src/core/migrationTests/migrationTestFile';
import { migrationTestScaffold, SCAFFOLD_FILE } from '../../src/core/migrationTests/scaffold';
import { discoverProject } from '../../src/core/project/discover';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { cli } from './cliSuite';
import { SPLIT_NAME, USER_WITH_FULL_NAME } from '../helpers/splitName';

const MODELS = 'model User {\n  id    Int    @id\n  name  String\n  email String\n}\n';

describe('prisma-migrations create --test (SQLite)', () => {
  let project: TempProject;
  const run = (...args: string[]) => cli(project.root, ...args);
  const newest = () => readMigrationsFolder(project.migrationsDir).migrations.at(-1)!;

  before(async () => {
    project = tempProject('sqlite', MODELS);
    const init = await run('create', '--name', 'init', '--test');
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /^Nothing to scaffold: \d{14}_init changes no rows/m, 'the first migration only creates tables');
    assert.equal(existsSync(path.join(newest().dir, SCAFFOLD_FILE)), false);
  });
  after(() => project.remove());

  it('writes migration.test.sql beside a migration that drops a column; it parses and passes as written', async () => {
    project.writeSchema(MODELS.replace('  email String\n', ''));
    const created = await run('create', '--name', 'drop email', '--draft', '--accept-data-loss', '--test');
    assert.equal(created.code, 0, created.stderr);
    const migration = newest();
    const file = path.join(migration.dir, SCAFFOLD_FILE);
    assert.ok(created.stdout.includes(`Wrote ${path.relative(project.root, file)}: a test of the rows ${migration.name} changes.`), created.stdout);
    const text = readFileSync(file, 'utf8');
    assert.deepEqual(parseMigrationTests(text, file).problems, []);
    assert.match(text, /\nINSERT INTO "User" \("id", "name", "email"\) VALUES \(1, 'sample name', 'sample email'\);\n-- migrate\n/);
    assert.match(text, /-- The migration drops "email" from "User"\.\n-- assert: the row of "User" inserted above is still there\nSELECT count\(\*\) = 1 FROM "User" WHERE "id" = 1;/);
    const tested = await run('test');
    assert.equal(tested.code, 0, tested.stdout + tested.stderr);
    assert.match(tested.stdout, /1 passed, 0 failed/);
  });

  it('says there is nothing to scaffold for a migration that changes no rows', async () => {
    project.writeSchema(`${MODELS.replace('  email String\n', '')}\nmodel Tag {\n  id Int @id\n}\n`);
    const created = await run('create', '--name', 'add tag', '--draft', '--test');
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^Nothing to scaffold: \d{14}_add_tag changes no rows/m);
    assert.equal(existsSync(path.join(newest().dir, SCAFFOLD_FILE)), false);
  });
});



/** The SQLite migration forgetting the last name. */
const FORGETFUL = SPLIT_NAME.sqlite.replace(/,\s*"lastName" = [^;]+;/, ';');

describe('the scaffold of a data migration runs (SQLite)', () => {
  let project: TempProject;

  before(() => {
    project = tempProject('sqlite', 'model User {\n  id        Int     @id\n  firstName String\n  lastName  String?\n}\n');
    project.addMigration('1_init', USER_WITH_FULL_NAME);
    project.addMigration('2_split', SPLIT_NAME.sqlite);
  });
  after(() => project.remove());

  it('its row is built from the columns before the migration; it passes, and fails when the migration forgets a column', async () => {
    const text = await writeScaffold(project);
    const passed = await cli(project.root, 'test');
    assert.equal(passed.code, 0, passed.stdout + passed.stderr);
    assert.match(passed.stdout, /^✓ 2_split › migrates the rows of "User" \(\d+ ms\)\n1 passed, 0 failed\n$/);

    project.addMigration('2_split', FORGETFUL);
    const failed = await cli(project.root, 'test', '--format', 'json');
    assert.equal(failed.code, 1, failed.stderr);
    const [result] = JSON.parse(failed.stdout) as Array<{ failure?: { message: string; line: number } }>;
    const line = text.split('\n').indexOf('-- assert: every row of "User" has a value in "lastName"') + 1;
    assert.deepEqual(result.failure && [result.failure.line, result.failure.message], [line, 'Assertion failed: every row of "User" has a value in "lastName" (a first column is not true).']);
  });
});

// On the PostgreSQL server rather than PGlite: its temporary databases start in a fraction of PGlite's
// time, and it is the path create --test takes for a project on a server.
describe('the scaffold of a data migration runs (PostgreSQL server)', () => {
  let project: TempProject;
  let server: Awaited<ReturnType<typeof newPostgresDatabase>>;

  before(async () => {
    project = tempProject('postgresql', 'model User {\n  id        Int     @id\n  firstName String\n  lastName  String?\n}\n');
    project.addMigration('1_init', USER_WITH_FULL_NAME);
    project.addMigration('2_split', SPLIT_NAME.postgresql);
    server = await newPostgresDatabase('pm_scaffold');
  });
  after(async () => {
    project.remove();
    await server.drop();
  });

  it('its row is built from the columns before the migration, read in a temporary database there; it passes', async () => {
    await writeScaffold(project, server.url);
    const passed = await cli(project.root, 'test', '--url', server.url);
    assert.equal(passed.code, 0, passed.stdout + passed.stderr);
    assert.match(passed.stdout, /^✓ 2_split › migrates the rows of "User" \(\d+ ms\)\n1 passed, 0 failed\n$/);
  });
});

/** Scaffolds 2_split from the history (on the server of `url` when given) and writes it beside the migration. */
async function writeScaffold(project: TempProject, url?: string): Promise<string> {
  const prisma = await discoverProject({ cwd: project.root, trusted: true });
  const db = url === undefined ? undefined : await openProjectDatabase(prisma, { url: { url, source: 'flag' }, readOnly: true });
  try {
    const scaffold = await migrationTestScaffold(prisma, readMigrationsFolder(prisma.migrationsDir), '2_split', { server: db?.engine?.database });
    assert.ok(scaffold);
    assert.equal(scaffold.problem, undefined);
    assert.match(scaffold.text, /\nINSERT INTO "User" \("id", "fullName"\) VALUES \(1, 'sample fullName'\);\n-- migrate\n/);
    writeFileSync(path.join(project.migrationsDir, '2_split', SCAFFOLD_FILE), scaffold.text);
    return scaffold.text;
  } finally {
    await db?.backend.dispose();
  }
}
