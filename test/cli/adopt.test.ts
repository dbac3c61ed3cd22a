// Bringing an existing database under Prisma Migrate: pull the schema from tables made with plain SQL,
// create the first migration and baseline it, then migrate normally on top — on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { cli } from './cliSuite';

const LEGACY_APP = `
CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "email" TEXT NOT NULL);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY, "title" TEXT NOT NULL, "authorId" INTEGER NOT NULL REFERENCES "User"("id"));
INSERT INTO "User" ("id", "email") VALUES (1, 'ada@example.com');
INSERT INTO "Post" ("id", "title", "authorId") VALUES (1, 'Notes', 1);
`;

interface Database {
  args: string[];
  /** Runs SQL behind the tool's back, as the application or psql would. */
  sql(text: string): Promise<Array<Record<string, unknown>>>;
  drop(): Promise<void>;
}

async function sqliteDatabase(project: TempProject, file = 'legacy.db'): Promise<Database> {
  const { createClient } = await import('@libsql/client');
  const location = path.join(project.root, file);
  return {
    args: ['--url', `file:${location}`],
    async sql(text) {
      const client = createClient({ url: `file:${location}` });
      try {
        if (!/^\s*SELECT/i.test(text)) {
          await client.executeMultiple(text);
          return [];
        }
        return (await client.execute(text)).rows.map((row) => ({ ...row }));
      } finally {
        client.close();
      }
    },
    drop: async () => undefined,
  };
}

async function postgresDatabase(): Promise<Database> {
  const database = await newPostgresDatabase('pm_adopt');
  return {
    args: ['--url', database.url],
    async sql(text) {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const result = await client.query(text);
        return (Array.isArray(result) ? result.at(-1)! : result).rows as Array<Record<string, unknown>>;
      } finally {
        await client.end();
      }
    },
    drop: () => database.drop(),
  };
}

const SUITES = [
  { label: 'SQLite', provider: 'sqlite' as const, open: (project: TempProject) => sqliteDatabase(project) },
  { label: 'PostgreSQL', provider: 'postgresql' as const, open: () => postgresDatabase() },
];

for (const suite of SUITES) {
  describe(`adopting a database made with plain SQL, on ${suite.label}`, () => {
    let project: TempProject;
    let db: Database;
    const run = (...args: string[]) => cli(project.root, ...args, ...db.args);
    const schema = () => readFileSync(project.schemaPath, 'utf8');
    const migrations = () => readdirSync(project.migrationsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);

    before(async () => {
      project = tempProject(suite.provider);
      db = await suite.open(project);
      await db.sql(LEGACY_APP);
    });
    after(async () => {
      await db.drop();
      project.remove();
    });

    it('pull introspects the tables into the schema, keeping its datasource, and says what comes next', async () => {
      const result = await run('pull');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Pulled 2 models from .* into prisma\/schema\.prisma\.$/m);
      assert.match(result.stdout, /init --baseline/);
      const text = schema();
      assert.match(text, new RegExp(`provider = "${suite.provider}"`));
      assert.match(text, /model User \{[^}]*email\s+String\s+@unique/);
      assert.match(text, /model Post \{[^}]*authorId\s+Int/);
    });

    it('a second pull leaves the models the schema now has alone (exit 1, nothing written)', async () => {
      const before = schema();
      const result = await run('pull');
      assert.equal(result.code, 1);
      assert.match(result.stderr, /already has 2 models/);
      assert.equal(schema(), before);
    });

    it('init --baseline writes 0_init and records it as applied without running it: status is clean, the rows are there', async () => {
      const result = await run('init', '--baseline');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Baselined/);
      assert.deepEqual(migrations(), ['0_init']);
      assert.match(readFileSync(path.join(project.migrationsDir, '0_init', 'migration.sql'), 'utf8'), /CREATE TABLE "Post"/);
      const status = await run('status');
      assert.equal(status.code, 0, status.stdout + status.stderr);
      assert.match(status.stdout, /0_init\s+applied/);
      assert.equal(Number((await db.sql('SELECT COUNT(*) AS n FROM "Post"'))[0].n), 1);
    });

    it('a normal migration on top applies, and the data stays', async () => {
      project.writeSchema(schema().slice(schema().indexOf('model')).replace(/model User \{\n/, 'model User {\n  bio String?\n'));
      const created = await run('create', '--name', 'add bio');
      assert.equal(created.code, 0, created.stderr);
      assert.equal(migrations().length, 2);
      const status = await run('status');
      assert.equal(status.code, 0, status.stdout + status.stderr);
      assert.deepEqual(await db.sql('SELECT "email", "bio" FROM "User"'), [{ email: 'ada@example.com', bio: null }]);
      assert.equal((await run('verify')).code, 0);
    });

    it('init refuses once there are migrations', async () => {
      const result = await run('init');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /already has migrations/);
    });
  });
}

describe('adoption refusals and errors', () => {
  let project: TempProject;
  before(() => {
    project = tempProject('sqlite', 'model User {\n  id    Int    @id\n  email String\n}\n\nmodel Tag {\n  id Int @id\n}\n');
  });
  after(() => project.remove());

  it('init --baseline on a database that differs from the schema writes nothing and says what differs (exit 1)', async () => {
    const db = await sqliteDatabase(project, 'differs.db');
    await db.sql('CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "email" TEXT NOT NULL, "legacy" TEXT);');
    const result = await cli(project.root, 'init', '--baseline', ...db.args);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /does not match the schema/);
    assert.match(result.stderr, /legacy|Tag/);
    assert.deepEqual(readdirSync(project.migrationsDir), ['migration_lock.toml']);
  });

  it('init on an empty database writes 0_init and says to apply it; apply does', async () => {
    const db = await sqliteDatabase(project, 'empty.db');
    const result = await cli(project.root, 'init', '--name', 'Initial schema', ...db.args);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Created the first migration 0_initial_schema/);
    assert.match(result.stdout, /is empty: apply it/);
    assert.equal((await cli(project.root, 'apply', ...db.args)).code, 0);
    assert.equal((await cli(project.root, 'status', ...db.args)).code, 0);
  });

  it('pull on a database without tables is a clear error, and pull never creates a database', async () => {
    const empty = await sqliteDatabase(project, 'no-tables.db');
    await empty.sql('CREATE TABLE "scratch" ("id" INTEGER); DROP TABLE "scratch";');
    const fresh = tempProject('sqlite');
    try {
      const noTables = await cli(fresh.root, 'pull', ...empty.args);
      assert.equal(noTables.code, 2);
      assert.match(noTables.stderr, /no tables: there is nothing to pull/);
      const missing = path.join(fresh.root, 'missing.db');
      const result = await cli(fresh.root, 'pull', '--url', `file:${missing}`);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /There is no database at/);
      assert.equal(existsSync(missing), false);
    } finally {
      fresh.remove();
    }
  });
});
