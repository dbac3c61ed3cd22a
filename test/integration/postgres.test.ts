import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import util from 'node:util';
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm' with { 'resolution-mode': 'import' };
import pg from 'pg';
import { requiredExtensions } from '../../src/core/db/extensions';
import { createDatabase, openPostgres } from '../../src/core/db/postgres';
import type { EngineDatabase } from '../../src/core/db/target';
import { newSchemaEngine } from '../../src/core/engine/wasm';
import { lockfileContent, readMigrationsFolder, toEngineMigrationList } from '../../src/core/migrations/folder';
import { expectMigrateError } from '../helpers/migrateError';

// The machine's PostgreSQL server (trust auth); every test works in its own pm_test_<random> database.
const SERVER = process.env.PG_TEST_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const NO_FILTER = { externalTables: [], externalEnums: [] };
const PASSWORD = 's3cret-Pa55word';

const SCHEMA = `datasource db {
  provider = "postgresql"
}

enum Role {
  USER
  ADMIN
  OWNER
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  role  Role   @default(USER)
  posts Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])
}
`;

const SCHEMA_WITH_COMMENT = `${SCHEMA}
model Comment {
  id   Int    @id @default(autoincrement())
  body String
}
`;

/** Prisma's own output for SCHEMA (without OWNER), then hand-written SQL the adapter's stock `executeScript` cannot run. */
const MIGRATIONS = {
  '20240101000000_init': `-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pgcrypto";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'USER',

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "authorId" INTEGER NOT NULL,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
`,
  '20240102000000_custom_sql': `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "User") THEN
    RAISE NOTICE 'seeding; first run';
  END IF;
END
$$;

CREATE FUNCTION trim_title() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW."title" := trim(NEW."title");
  RETURN NEW;
END;
$fn$;

CREATE TRIGGER "Post_trim_title" BEFORE INSERT ON "Post" FOR EACH ROW EXECUTE FUNCTION trim_title();

ALTER TABLE "Post" ADD CONSTRAINT "Post_title_not_empty" CHECK (length("title") > 0);

INSERT INTO "User" ("email") VALUES ('semi;colon@example.com');
INSERT INTO "Post" ("title", "authorId") VALUES (encode(digest('a;b', 'sha256'), 'hex') || '   ', 1);
`,
  '20240103000000_owner_role': `ALTER TYPE "Role" ADD VALUE 'OWNER';\n`,
};

let admin: pg.Client;

before(async () => {
  admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
});

after(async () => {
  await admin.end();
});

const randomName = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

/** A fresh database, dropped when the test ends, passed or failed. */
async function newDatabase(t: TestContext, owner?: string): Promise<{ name: string; url: string }> {
  const name = randomName('pm_test');
  await admin.query(`CREATE DATABASE "${name}"${owner ? ` OWNER "${owner}"` : ''}`);
  t.after(() => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  return { name, url: `${SERVER}/${name}` };
}

function writeMigrations(t: TestContext, migrations: Record<string, string>): MigrationList {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pm-pg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, script] of Object.entries(migrations)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'migration.sql'), script);
  }
  writeFileSync(path.join(dir, 'migration_lock.toml'), lockfileContent('postgresql'));
  return toEngineMigrationList(readMigrationsFolder(dir));
}

async function withDatabase<T>(db: Promise<EngineDatabase>, run: (db: EngineDatabase) => Promise<T>): Promise<T> {
  const opened = await db;
  try {
    return await run(opened);
  } finally {
    await opened.dispose();
  }
}

async function withEngine<T>(db: EngineDatabase, run: (engine: SchemaEngine) => Promise<T>, schema = SCHEMA): Promise<T> {
  const engine = await newSchemaEngine([{ path: 'schema.prisma', content: schema }], bindMigrationAwareSqlAdapterFactory(db.factory), () => {});
  try {
    return await run(engine);
  } finally {
    engine.free();
  }
}

function diffToSchema(engine: SchemaEngine, migrations: MigrationList, schema: string) {
  return engine.diff({
    from: { tag: 'migrations', ...migrations },
    to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
    script: true,
    exitCode: true,
    filters: NO_FILTER,
  });
}

async function query(db: EngineDatabase, sql: string) {
  return (await db.factory.mainConnection()).queryRaw({ sql, args: [], argTypes: [] });
}

async function shadowDatabases(): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrations_shadow_%'`);
  return rows.map((row) => row.datname);
}

/**
 * No temporary shadow database created since `before` is left. Other test files running at the same
 * time create and drop their own for a moment, so a newcomer counts as leaked only if it stays.
 */
async function assertNoNewShadows(before: readonly string[], message: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let left = (await shadowDatabases()).filter((name) => !before.includes(name));
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = (await shadowDatabases()).filter((name) => !before.includes(name));
  }
  assert.deepEqual(left, [], message);
}


function assertNoPassword(error: Error): void {
  assert.ok(!error.message.includes(PASSWORD), error.message);
  assert.ok(!util.inspect(error, { depth: 5 }).includes(PASSWORD), 'the password leaks through the error object');
}

describe('PostgreSQL server through the WASM engine', () => {
  test('applies DO blocks, functions, triggers, `;` in strings, ALTER TYPE … ADD VALUE and pgcrypto', async (t) => {
    const { url, name } = await newDatabase(t);
    const migrations = writeMigrations(t, MIGRATIONS);
    await withDatabase(openPostgres(url), async (db) => {
      assert.equal(db.label, `postgresql://127.0.0.1:5432/${name}`);
      assert.equal(db.databaseName, name);
      assert.equal(db.recreate, undefined);
      await withEngine(db, async (engine) => {
        const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTER });
        assert.deepEqual(appliedMigrationNames, Object.keys(MIGRATIONS));
        assert.deepEqual((await engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTER })).appliedMigrationNames, []);
      });

      // Read back on the engine's own connection (the one holding its advisory lock).
      const history = await query(db, 'SELECT migration_name, finished_at, applied_steps_count, logs FROM _prisma_migrations ORDER BY migration_name');
      assert.deepEqual(
        history.rows.map(([migration, finished, steps, logs]) => [migration, finished !== null, steps, logs]),
        Object.keys(MIGRATIONS).map((migration) => [migration, true, 1, null]),
      );
      assert.deepEqual((await query(db, 'SELECT email FROM "User"')).rows, [['semi;colon@example.com']]);
      const [[title]] = (await query(db, 'SELECT title FROM "Post"')).rows as [[string]];
      assert.match(title, /^[0-9a-f]{64}$/, 'pgcrypto digest, trimmed by the trigger');
      assert.deepEqual((await query(db, `SELECT unnest(enum_range(NULL::"Role"))::text`)).rows, [['USER'], ['ADMIN'], ['OWNER']]);
    });
    // Disposed: no session (and so no advisory lock) is left on the server. The server ends a backend a
    // moment after its client hung up, so the count is read until it settles (a leak never does).
    let sessions = -1;
    for (let attempt = 0; attempt < 50 && sessions !== 0; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      ({ rows: [{ sessions }] } = await admin.query('SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE datname = $1', [name]));
    }
    assert.equal(sessions, 0, 'a session was left on the server');
  });

  test('a failing migration reports PostgreSQL’s error and is recorded as failed', async (t) => {
    const { url } = await newDatabase(t);
    const migrations = writeMigrations(t, { '20240101000000_broken': 'CREATE TABLE "A" (id INT);\nCREATE TABLE "A" (id INT);\n' });
    await withDatabase(openPostgres(url), async (db) => {
      await withEngine(db, async (engine) => {
        await assert.rejects(engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTER }), /relation "A" already exists/);
      });
      const { rows } = await query(db, 'SELECT migration_name, finished_at FROM _prisma_migrations');
      assert.deepEqual(rows, [['20240101000000_broken', null]]);
      // The whole script ran as one implicit transaction: nothing of it is left.
      assert.deepEqual((await query(db, `SELECT to_regclass('"A"')::text`)).rows, [[null]]);
    });
  });

  test('diff migrations → schema replays in a temporary shadow database, dropped afterwards', async (t) => {
    const { url } = await newDatabase(t);
    const migrations = writeMigrations(t, MIGRATIONS);
    const shadowsBefore = await shadowDatabases();
    await withDatabase(openPostgres(url), (db) =>
      withEngine(db, async (engine) => {
        const inSync = await diffToSchema(engine, migrations, SCHEMA);
        assert.equal(inSync.exitCode, 0, inSync.stdout ?? '');
        assert.match(inSync.stdout ?? '', /empty migration/);

        const behind = await diffToSchema(engine, migrations, SCHEMA_WITH_COMMENT);
        assert.equal(behind.exitCode, 2);
        assert.match(behind.stdout ?? '', /CREATE TABLE "Comment"/);
        assert.doesNotMatch(behind.stdout ?? '', /"User"|"Post"/);

        // Create + drop of one shadow database, measured on its own.
        const started = performance.now();
        const shadow = await db.factory.connectToShadowDb();
        const created = performance.now();
        await shadow.dispose();
        t.diagnostic(`shadow database: create ${(created - started).toFixed(0)} ms, drop ${(performance.now() - created).toFixed(0)} ms`);
      }),
    );
    await assertNoNewShadows(shadowsBefore, 'no shadow database is left behind');
  });

  test('schema reads touching "char" columns: devDiagnostic, drift and reset', async (t) => {
    const { url } = await newDatabase(t);
    const migrations = writeMigrations(t, MIGRATIONS);
    await withDatabase(openPostgres(url), async (db) => {
      const contypes = await query(db, `SELECT contype FROM pg_constraint WHERE conname = 'Post_title_not_empty'`);
      assert.deepEqual(contypes.columnTypes, [ColumnTypeEnum.Character]);

      await withEngine(db, async (engine) => {
        await engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTER });
        // A foreign key and a check constraint: the describer reads pg_constraint.contype and friends.
        assert.deepEqual(await engine.devDiagnostic({ migrationsList: migrations, filters: NO_FILTER }), { action: { tag: 'createMigration' } });

        await engine.dbExecute({ script: 'CREATE TABLE "Stray" (id INT PRIMARY KEY);', datasourceType: { tag: 'url', url } });
        const drifted = await engine.devDiagnostic({ migrationsList: migrations, filters: NO_FILTER });
        assert.equal(drifted.action.tag, 'reset');
        assert.match(JSON.stringify(drifted.action), /Drift detected/);

        await engine.reset({ filter: NO_FILTER });
        assert.deepEqual((await query(db, `SELECT to_regclass('_prisma_migrations')::text, to_regclass('"Stray"')::text`)).rows, [[null, null]]);
        assert.deepEqual((await engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTER })).appliedMigrationNames, Object.keys(MIGRATIONS));
      });
    });
  });

  test('the URL’s schema parameter: the engine works in that schema, in the shadow database too', async (t) => {
    const { url } = await newDatabase(t);
    const schema = 'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id\n}\n';
    const migrations = writeMigrations(t, {
      '20240101000000_init': 'CREATE SCHEMA IF NOT EXISTS "my app";\nCREATE TABLE "A" ("id" INTEGER NOT NULL, CONSTRAINT "A_pkey" PRIMARY KEY ("id"));\n',
    });
    await withDatabase(openPostgres(`${url}?schema=my%20app`), async (db) => {
      await withEngine(
        db,
        async (engine) => {
          await engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTER });
          const result = await diffToSchema(engine, migrations, schema);
          assert.equal(result.exitCode, 0, result.stdout ?? '');
        },
        schema,
      );
      const tables = await query(db, `SELECT schemaname::text, tablename::text FROM pg_tables WHERE schemaname <> 'pg_catalog' AND schemaname <> 'information_schema' ORDER BY 2`);
      assert.deepEqual(tables.rows, [['my app', 'A'], ['my app', '_prisma_migrations']]);
    });
  });

  test('a configured shadow database is wiped before use and may not be the main database', async (t) => {
    const main = await newDatabase(t);
    const shadow = await newDatabase(t);
    const junk = new pg.Client({ connectionString: shadow.url });
    await junk.connect();
    await junk.query('CREATE SCHEMA leftovers; CREATE TABLE leftovers.t (id INT); CREATE TYPE "Role" AS ENUM (\'X\');');
    await junk.end();

    const migrations = writeMigrations(t, MIGRATIONS);
    const shadowsBefore = await shadowDatabases();
    await withDatabase(openPostgres(main.url, { shadowDatabaseUrl: shadow.url }), (db) =>
      withEngine(db, async (engine) => {
        const result = await diffToSchema(engine, migrations, SCHEMA);
        assert.equal(result.exitCode, 0, result.stdout ?? '');
      }),
    );
    await assertNoNewShadows(shadowsBefore, 'no temporary database with a configured shadow');
    const check = new pg.Client({ connectionString: shadow.url });
    await check.connect();
    const { rows } = await check.query(`SELECT nspname FROM pg_namespace WHERE nspname = 'leftovers'`);
    await check.end();
    assert.deepEqual(rows, []);

    const same = await expectMigrateError(openPostgres(main.url, { shadowDatabaseUrl: `${main.url}?connect_timeout=3` }), 'config');
    assert.match(same.message, /main database/);
  });

  test('without CREATE DATABASE rights, the shadow database is an in-memory PGlite', async (t) => {
    const role = randomName('pm_test_role');
    await admin.query(`CREATE ROLE "${role}" LOGIN NOCREATEDB`);
    const { name } = await newDatabase(t, role).catch(async (error: unknown) => {
      await admin.query(`DROP ROLE "${role}"`);
      throw error;
    });
    // After hooks run in order: the role goes once its database is gone.
    t.after(() => admin.query(`DROP ROLE IF EXISTS "${role}"`));
    const migrations = writeMigrations(t, MIGRATIONS);
    const url = SERVER.replace('//postgres@', `//${role}@`) + `/${name}`;
    const extensions = requiredExtensions(Object.values(MIGRATIONS));
    assert.deepEqual(extensions, ['pgcrypto']);

    const shadowsBefore = await shadowDatabases();
    await withDatabase(openPostgres(url, { extensions }), (db) =>
      withEngine(db, async (engine) => {
        const started = performance.now();
        const result = await diffToSchema(engine, migrations, SCHEMA_WITH_COMMENT);
        t.diagnostic(`diff with a PGlite shadow (PGlite started on first use): ${(performance.now() - started).toFixed(0)} ms`);
        assert.match(result.stdout ?? '', /CREATE TABLE "Comment"/);
        assert.doesNotMatch(result.stdout ?? '', /"User"|"Post"/);
      }),
    );
    await assertNoNewShadows(shadowsBefore, 'the PGlite fallback leaves no database on the server');
  });

  test('unreachable server, unknown user and missing database: typed errors that never show the password', async (t) => {
    const refused = await expectMigrateError(openPostgres(`postgresql://postgres:${PASSWORD}@127.0.0.1:1/app`), 'unreachable');
    assert.match(refused.message, /127\.0\.0\.1:1 \(postgresql:\/\/127\.0\.0\.1:1\/app\)/);
    assertNoPassword(refused);
    const unknownHost = await expectMigrateError(openPostgres(`postgresql://postgres:${PASSWORD}@pm-test.invalid:5432/app`), 'unreachable');
    assertNoPassword(unknownHost);

    // A server that accepts and never answers: the URL's connect_timeout (seconds) bounds the wait.
    const accepted: net.Socket[] = [];
    const silent = net.createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      for (const socket of accepted) socket.destroy();
      silent.close();
    });
    const { port } = silent.address() as net.AddressInfo;
    const started = performance.now();
    const timedOut = await expectMigrateError(openPostgres(`postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/app?connect_timeout=1`), 'unreachable');
    assert.ok(performance.now() - started < 3000, 'gave up after about a second');
    assertNoPassword(timedOut);

    const user = randomName('pm_nobody');
    const auth = await expectMigrateError(openPostgres(`postgresql://${user}:${PASSWORD}@127.0.0.1:5432/postgres`), 'auth');
    assert.match(auth.message, new RegExp(`${user}.*127\\.0\\.0\\.1:5432|127\\.0\\.0\\.1:5432.*${user}`));
    assertNoPassword(auth);

    const name = randomName('pm_test');
    const missingUrl = `${SERVER.replace('//postgres@', `//postgres:${PASSWORD}@`)}/${name}`;
    const missing = await expectMigrateError(openPostgres(missingUrl), 'missingDatabase');
    assert.equal(missing.details?.databaseName, name);
    assert.match(missing.message, new RegExp(`${name}.*127\\.0\\.0\\.1:5432.*Create it`));
    assertNoPassword(missing);

    // The offer in the message: create it, then it opens.
    t.after(() => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    await createDatabase(missingUrl);
    await withDatabase(openPostgres(missingUrl), async (db) => {
      assert.deepEqual((await query(db, 'SELECT current_database()')).rows, [[name]]);
    });
  });
});
