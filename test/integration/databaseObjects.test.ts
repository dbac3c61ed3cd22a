// Objects Prisma does not manage — a trigger and a function created by a migration — compared between the
// history and a dev database where someone then changed them by hand, on PostgreSQL and SQLite.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openProjectDatabase, type ProjectDatabase } from '../../src/core/connect';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { compareDatabaseObjects, objectFindings, objectsInMigrations } from '../../src/core/objects/databaseObjects';
import { discoverProject } from '../../src/core/project/discover';
import type { PrismaProject } from '../../src/core/types';
import { cli } from '../cli/cliSuite';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';

const PG_MODELS = 'model Account {\n  id      Int @id\n  balance Int\n  updated Int @default(0)\n}\n';
const PG_INIT = `CREATE TABLE "Account" ("id" INTEGER NOT NULL, "balance" INTEGER NOT NULL, "updated" INTEGER NOT NULL DEFAULT 0, CONSTRAINT "Account_pkey" PRIMARY KEY ("id"));
`;
const PG_OBJECTS = `CREATE OR REPLACE FUNCTION touch_account() RETURNS trigger AS $$
BEGIN
  NEW.updated := NEW.updated + 1;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER account_touch BEFORE UPDATE ON "Account" FOR EACH ROW EXECUTE FUNCTION touch_account();

CREATE VIEW rich_accounts AS SELECT id FROM "Account" WHERE balance > 1000;
`;

describe('database objects on PostgreSQL: a trigger and a function from a migration, then changed by hand', () => {
  let project: TempProject;
  let discovered: PrismaProject;
  let db: ProjectDatabase;
  let drop: () => Promise<void>;
  const compare = async () => compareDatabaseObjects(discovered, readMigrationsFolder(project.migrationsDir), db.engine!);
  const statuses = async () => (await compare()).map((r) => `${r.kind} ${r.name}: ${r.status}${r.migration ? ` (${r.migration})` : ''}`);

  before(async () => {
    project = tempProject('postgresql', PG_MODELS);
    project.addMigration('20260101000000_init', PG_INIT);
    project.addMigration('20260102000000_touch', PG_OBJECTS);
    const database = await newPostgresDatabase('pm_objects');
    drop = database.drop;
    discovered = await discoverProject({ cwd: project.root, trusted: true });
    db = await openProjectDatabase(discovered, { url: { url: database.url, source: 'flag' } });
    await db.backend.applyPending(readMigrationsFolder(project.migrationsDir));
  });
  after(async () => {
    await db?.backend.dispose();
    await drop?.();
    project.remove();
  });

  it('names what the migrations create, with the migration that creates it', () => {
    const declared = [...objectsInMigrations(readMigrationsFolder(project.migrationsDir)).values()].map((o) => `${o.kind} ${o.name} ${o.migration}`);
    assert.deepEqual(declared.sort(), ['function touch_account 20260102000000_touch', 'trigger account_touch 20260102000000_touch', 'view rich_accounts 20260102000000_touch']);
  });

  it('right after apply, every object matches what the history builds', async () => {
    assert.deepEqual(await statuses(), [
      'function touch_account: matches (20260102000000_touch)',
      'trigger account_touch: matches (20260102000000_touch)',
      'view rich_accounts: matches (20260102000000_touch)',
    ]);
  });

  it('a function replaced by hand, a function added by hand and a view dropped by hand are each reported', async () => {
    await db.engine!.execute(`CREATE OR REPLACE FUNCTION touch_account() RETURNS trigger AS $$
BEGIN
  NEW.updated := NEW.updated + 10;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE FUNCTION audit_note() RETURNS integer AS $$ SELECT 1 $$ LANGUAGE sql;
DROP VIEW rich_accounts;`);
    const reports = await compare();
    assert.deepEqual(
      reports.map((r) => `${r.kind} ${r.name}: ${r.status}`),
      ['function audit_note: notInMigrations', 'function touch_account: differs', 'trigger account_touch: matches', 'view rich_accounts: missing'],
    );
    const changed = reports.find((r) => r.status === 'differs')!;
    assert.match(changed.definition ?? '', /\+ 10/);
    assert.match(changed.expected ?? '', /\+ 1;/);
    const findings = objectFindings(discovered, readMigrationsFolder(project.migrationsDir), reports);
    assert.deepEqual(findings.map((f) => f.rule).sort(), ['database-object-changed', 'database-object-missing', 'database-object-unmigrated']);
  });

  it('check reports them with the other findings (exit 1)', async () => {
    const result = await cli(project.root, 'check', '--json', '--url', db.url.url);
    assert.equal(result.code, 1, result.stderr);
    const rules = (JSON.parse(result.stdout) as Array<{ rule: string }>).map((f) => f.rule);
    assert.ok(rules.includes('database-object-changed') && rules.includes('database-object-unmigrated') && rules.includes('database-object-missing'), rules.join(', '));
  });
});

describe('database objects on SQLite, and tables prisma.config.ts says are external', () => {
  let project: TempProject;

  before(() => {
    project = tempProject('sqlite', 'model Item {\n  id    Int @id\n  price Int\n}\n');
    project.addMigration('20260101000000_init', 'CREATE TABLE "Item" ("id" INTEGER NOT NULL PRIMARY KEY, "price" INTEGER NOT NULL);\n');
    project.addMigration(
      '20260102000000_guard',
      'CREATE TRIGGER item_price_guard BEFORE INSERT ON "Item" WHEN NEW.price < 0 BEGIN SELECT RAISE(ABORT, \'negative price\'); END;\nCREATE VIEW cheap_items AS SELECT id FROM "Item" WHERE price < 10;\n',
    );
  });
  after(() => project.remove());

  it('a trigger recreated by hand differs; check says so', async () => {
    assert.equal((await cli(project.root, 'apply')).code, 0);
    const file = writeSql(project, 'DROP TRIGGER item_price_guard;\nCREATE TRIGGER item_price_guard BEFORE INSERT ON "Item" WHEN NEW.price < -100 BEGIN SELECT RAISE(ABORT, \'very negative\'); END;\n');
    assert.equal((await cli(project.root, 'execute', '--file', file)).code, 0);
    const result = await cli(project.root, 'check', '--json');
    const findings = JSON.parse(result.stdout) as Array<{ rule: string; message: string; file: string }>;
    const changed = findings.filter((f) => f.rule.startsWith('database-object'));
    assert.deepEqual(changed.map((f) => f.rule), ['database-object-changed'], result.stdout);
    assert.match(changed[0].message, /trigger item_price_guard on Item/);
    assert.match(changed[0].file, /20260102000000_guard/);
  });

  it('on a table prisma.config.ts declares external, the trigger is listed and not reported', async () => {
    writeFileSync(
      path.join(project.root, 'prisma.config.ts'),
      "import { defineConfig } from 'prisma/config';\nexport default defineConfig({ schema: 'prisma/schema.prisma', experimental: { externalTables: true }, tables: { external: ['Item'] } });\n",
    );
    const result = await cli(project.root, 'check', '--json');
    assert.equal(result.stderr, '');
    const rules = (JSON.parse(result.stdout) as Array<{ rule: string }>).map((f) => f.rule);
    assert.ok(!rules.some((r) => r.startsWith('database-object')), rules.join(', '));
    const discovered = await discoverProject({ cwd: project.root, trusted: true });
    assert.deepEqual(discovered.externalTables, ['Item']);
    const db = await openProjectDatabase(discovered);
    try {
      const reports = await compareDatabaseObjects(discovered, readMigrationsFolder(project.migrationsDir), db.engine!);
      assert.deepEqual(reports.map((r) => `${r.kind} ${r.name}: ${r.status}`), ['trigger item_price_guard: external', 'view cheap_items: matches']);
    } finally {
      await db.backend.dispose();
    }
  });
});

function writeSql(project: TempProject, sql: string): string {
  const file = path.join(project.root, 'objects.sql');
  writeFileSync(file, sql);
  return file;
}
