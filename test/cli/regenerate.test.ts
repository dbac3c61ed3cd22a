// Regenerating a migration that came from another branch: replaced by one generated from the schema on
// the merged history, only with --force, never for a migration the dev database applied (SQLite).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { cli } from './cliSuite';

const USER = 'model User {\n  id Int @id\n}\n';
const TAG = '\nmodel Tag {\n  id   Int    @id\n  name String\n}\n';

describe('prisma-migrations regenerate', () => {
  let project: TempProject;
  const run = (...args: string[]) => cli(project.root, ...args);
  const folders = () => readdirSync(project.migrationsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

  before(async () => {
    project = tempProject('sqlite', USER);
    project.addMigration('20260101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    assert.equal((await run('apply')).code, 0);
    // From another branch, written against an older schema: Tag without its name column.
    project.addMigration('20260102000000_tags', 'CREATE TABLE "Tag" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    project.writeSchema(USER + TAG);
  });
  after(() => project.remove());

  it('without --force: prints the replacement and the current SQL, changes nothing (exit 1)', async () => {
    const result = await run('regenerate', '20260102000000_tags');
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /^20260102000000_tags is replaced by \d{14}_tags, generated from the schema/);
    assert.match(result.stdout, /"name" TEXT NOT NULL/);
    assert.match(result.stderr, /add --force/);
    assert.match(result.stderr, /CREATE TABLE "Tag" \("id" INTEGER NOT NULL PRIMARY KEY\)/);
    assert.deepEqual(folders(), ['20260101000000_init', '20260102000000_tags']);
  });

  it('with --force: the old folder is gone, the new one comes last with the SQL the schema needs', async () => {
    const result = await run('regenerate', '20260102000000_tags', '--force');
    assert.equal(result.code, 0, result.stderr);
    const [, regenerated] = folders();
    assert.match(regenerated, /^\d{14}_tags$/);
    assert.notEqual(regenerated, '20260102000000_tags');
    assert.equal(existsSync(path.join(project.migrationsDir, '20260102000000_tags')), false);
    assert.match(readFileSync(path.join(project.migrationsDir, regenerated, 'migration.sql'), 'utf8'), /CREATE TABLE "Tag" \([\s\S]*"name" TEXT NOT NULL/);
    assert.equal((await run('apply')).code, 0);
    assert.equal((await run('status')).code, 0);
  });

  it('refuses a migration the dev database applied', async () => {
    const result = await run('regenerate', '20260101000000_init', '--force');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /is applied on the dev database/);
    assert.ok(folders().includes('20260101000000_init'));
  });

  it('removes a migration the rest of the history already covers', async () => {
    project.addMigration('20991231000000_duplicate', 'CREATE TABLE "Extra" ("id" INTEGER NOT NULL PRIMARY KEY);\nDROP TABLE "Extra";\n');
    const result = await run('regenerate', '20991231000000_duplicate', '--force');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /is removed: the rest of the history already reaches the schema/);
    assert.ok(!folders().includes('20991231000000_duplicate'));
  });

  it('carries the rows a replaced migration inserts, and says so', async () => {
    project.writeSchema(USER + TAG + '\nmodel Plan {\n  id   Int     @id\n  name String?\n}\n');
    project.addMigration('20991231000001_plans', `CREATE TABLE "Plan" ("id" INTEGER NOT NULL PRIMARY KEY);\nINSERT INTO "Plan" ("id") VALUES (1);\n`);
    const result = await run('regenerate', '20991231000001_plans', '--force');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Carried 1 statement that is not schema: 20991231000001_plans:2 INSERT INTO "Plan" \("id"\) VALUES \(1\)\.$/m);
    const regenerated = folders().at(-1)!;
    assert.match(readFileSync(path.join(project.migrationsDir, regenerated, 'migration.sql'), 'utf8'), /CREATE TABLE "Plan"[\s\S]*"name" TEXT[\s\S]*-- Carried from 20991231000001_plans \(line 2\)\nINSERT INTO "Plan"/);
  });

  it('refuses to carry a statement that no longer replays on the regenerated schema, changing nothing', async () => {
    project.addMigration('20991231000002_note', `ALTER TABLE "Plan" ADD COLUMN "note" TEXT;\nUPDATE "Plan" SET "note" = 'x';\n`);
    const result = await run('regenerate', '20991231000002_note', '--force');
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /cannot carry 1 statement that is not schema: 20991231000002_note:2 UPDATE "Plan" SET "note" = 'x'/);
    assert.ok(folders().includes('20991231000002_note'));
  });
});
