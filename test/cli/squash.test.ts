// Squashing from the command line keeps what is not schema: rows and triggers are carried and said so; a
// data migration that cannot be carried is refused by name with nothing written (SQLite).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { cli } from './cliSuite';

const STEPS = [
  ['20260101000000_init', 'CREATE TABLE "Account" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, "legacy" TEXT);\n'],
  ['20260102000000_service_account', `INSERT INTO "Account" ("id", "name") VALUES (1, 'service');\n`],
  ['20260103000000_audit', 'CREATE TABLE "Audit" ("id" INTEGER NOT NULL PRIMARY KEY, "account" INTEGER NOT NULL);\nCREATE TRIGGER "Account_audit" AFTER INSERT ON "Account" BEGIN INSERT INTO "Audit" ("account") VALUES (NEW."id"); END;\n'],
  ['20260104000000_backfill', `UPDATE "Account" SET "legacy" = 'x';\n`],
  ['20260105000000_drop_legacy', 'ALTER TABLE "Account" DROP COLUMN "legacy";\n'],
] as const;

describe('prisma-migrations squash with statements that are not schema', () => {
  let project: TempProject;
  const run = (...args: string[]) => cli(project.root, ...args);
  const folders = () => readdirSync(project.migrationsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

  before(() => {
    project = tempProject('sqlite', 'model Account {\n  id Int @id\n  name String\n}\n\nmodel Audit {\n  id Int @id\n  account Int\n}\n');
    for (const [name, sql] of STEPS) project.addMigration(name, sql);
  });
  after(() => project.remove());

  it('refuses a range whose backfill fills a column the range drops, naming it; nothing is written', async () => {
    const result = await run('squash', '--to', STEPS[4][0], '--name', 'all');
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /nothing was written/);
    assert.match(result.stderr, /20260104000000_backfill:1 UPDATE "Account" SET "legacy" = 'x'/);
    assert.deepEqual(folders(), STEPS.map(([name]) => name));
  });

  it('carries the row and the trigger, says so, and a database built from the squashed history has them', async () => {
    const result = await run('squash', '--to', STEPS[2][0], '--name', 'base');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Carried 2 statements that are not schema: 20260102000000_service_account:1 INSERT INTO "Account" .*; 20260103000000_audit:2 CREATE TRIGGER "Account_audit" .*\.$/m);
    assert.deepEqual(folders(), ['20260103000000_base', STEPS[3][0], STEPS[4][0]]);
    assert.match(readFileSync(path.join(project.migrationsDir, '20260103000000_base', 'migration.sql'), 'utf8'), /-- Carried from 20260103000000_audit \(line 2\)\nCREATE TRIGGER "Account_audit" [^\n]*END;/);
    assert.equal((await run('apply')).code, 0);
    const { createClient } = await import('@libsql/client');
    const db = createClient({ url: `file:${path.join(project.root, 'prisma', 'dev.db')}` });
    try {
      assert.deepEqual((await db.execute('SELECT "name" FROM "Account"')).rows.map((r) => r.name), ['service']);
      // The carried trigger fires on a new account.
      await db.execute(`INSERT INTO "Account" ("id", "name") VALUES (2, 'b')`);
      assert.deepEqual((await db.execute('SELECT "account" FROM "Audit"')).rows.map((r) => r.account), [2]);
    } finally {
      db.close();
    }
  });
});
