import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm' with { 'resolution-mode': 'import' };
import { PGLITE_EXTENSIONS, pgliteExtensions, requiredExtensions } from '../../src/core/db/extensions';
import { openPglite } from '../../src/core/db/pglite';
import { pgliteShadow } from '../../src/core/db/pgliteShadow';
import { defaultCacheDir } from '../../src/core/db/cacheDir';
import { buildTemplate, pgliteVersion, SEEDING_MARKER, seedDataDir, templateDir } from '../../src/core/db/pgliteTemplate';
import type { EngineDatabase } from '../../src/core/db/target';
import { newSchemaEngine } from '../../src/core/engine/wasm';
import { lockfileContent, readMigrationsFolder, toEngineMigrationList } from '../../src/core/migrations/folder';
import { expectMigrateError } from '../helpers/migrateError';

const NO_FILTER = { externalTables: [], externalEnums: [] };

const SCHEMA = `datasource db {
  provider = "postgresql"
}

enum Role {
  USER
  ADMIN
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

const MIGRATIONS = {
  '20240101000000_init': `CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TYPE "Role" AS ENUM ('USER');
CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "role" "Role" NOT NULL DEFAULT 'USER', CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Post" ADD CONSTRAINT "Post_title_not_empty" CHECK (length("title") > 0);
`,
  '20240102000000_custom_sql': `DO $$
BEGIN
  RAISE NOTICE 'a DO block; with a semicolon';
END
$$;
CREATE FUNCTION hash_title() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW."title" := encode(digest(NEW."title", 'sha256'), 'hex');
  RETURN NEW;
END;
$fn$;
CREATE TRIGGER "Post_hash_title" BEFORE INSERT ON "Post" FOR EACH ROW EXECUTE FUNCTION hash_title();
INSERT INTO "User" ("email") VALUES ('semi;colon@example.com');
INSERT INTO "Post" ("title", "authorId") VALUES ('a;b', 1);
`,
  '20240103000000_admin_role': `ALTER TYPE "Role" ADD VALUE 'ADMIN';\n`,
};

const SCHEMA_WITH_COMMENT = `${SCHEMA}
model Comment {
  id   Int    @id @default(autoincrement())
  body String
}
`;

const root = mkdtempSync(path.join(os.tmpdir(), 'pm-pglite-'));
const dataDir = path.join(root, '.pglite');
const extensions = requiredExtensions(Object.values(MIGRATIONS));
let db: EngineDatabase | undefined;
let migrations: MigrationList;

before(async () => {
  const dir = path.join(root, 'migrations');
  for (const [name, script] of Object.entries(MIGRATIONS)) {
    mkdirSync(path.join(dir, name), { recursive: true });
    writeFileSync(path.join(dir, name, 'migration.sql'), script);
  }
  writeFileSync(path.join(dir, 'migration_lock.toml'), lockfileContent('postgresql'));
  migrations = toEngineMigrationList(readMigrationsFolder(dir));
});

after(async () => {
  await db?.dispose();
  rmSync(root, { recursive: true, force: true });
});

async function open(): Promise<{ db: EngineDatabase; ms: number }> {
  const started = performance.now();
  db = await openPglite(dataDir, { extensions });
  return { db, ms: performance.now() - started };
}

async function withEngine<T>(database: EngineDatabase, run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const engine = await newSchemaEngine([{ path: 'schema.prisma', content: SCHEMA }], bindMigrationAwareSqlAdapterFactory(database.factory), () => {});
  try {
    return await run(engine);
  } finally {
    engine.free();
  }
}

async function query(database: EngineDatabase, sql: string) {
  return (await database.factory.mainConnection()).queryRaw({ sql, args: [], argTypes: [] });
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}


describe('required extensions', () => {
  test('finds CREATE EXTENSION statements, also in DO blocks, never in comments', () => {
    const found = requiredExtensions([
      'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";\n-- CREATE EXTENSION postgis;\n/* CREATE EXTENSION /* nested */ hstore; */',
      `create extension PG_TRGM with schema public;\nSELECT '-- not a comment'; CREATE EXTENSION citext;`,
      "DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pgcrypto; EXCEPTION WHEN others THEN NULL; END $$;\nSELECT E'it\\'s -- still a string'; create extension \"Weird\"\"Name\";",
      'CREATE EXTENSION citext;',
    ]);
    assert.deepEqual(found, ['uuid-ossp', 'pg_trgm', 'citext', 'pgcrypto', 'Weird"Name']);
  });

  test('every PGlite extension in the table loads, dependencies included; others are refused by name', async () => {
    const loaded = await pgliteExtensions(PGLITE_EXTENSIONS);
    for (const name of PGLITE_EXTENSIONS) assert.equal(loaded[name.replace(/-/g, '_')]?.name, name);
    assert.deepEqual(Object.keys(await pgliteExtensions(['earthdistance', 'plpgsql'])), ['cube', 'earthdistance']);

    const started = performance.now();
    const refused = await expectMigrateError(openPglite(path.join(root, 'never'), { extensions: ['pgcrypto', 'postgis', 'timescaledb', 'vector'] }), 'unsupported');
    assert.match(refused.message, /extensions "postgis", "timescaledb", which/);
    assert.ok(performance.now() - started < 1000, 'refused before PGlite starts');
    assert.equal(existsSync(path.join(root, 'never')), false, 'and before the folder is created');
  });
});

describe('embedded PGlite through the WASM engine', () => {
  test('applies migrations with pgcrypto, a DO block, a trigger and `;` in strings; reads them back', async (t) => {
    const { db, ms } = await open();
    t.diagnostic(`openPglite on a new folder (PGlite.create + initdb): ${ms.toFixed(0)} ms`);
    assert.equal(db.label, `embedded PGlite (${dataDir})`);
    assert.equal(db.databaseName, '.pglite');

    await withEngine(db, async (engine) => {
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTER });
      assert.deepEqual(appliedMigrationNames, Object.keys(MIGRATIONS));
      // A foreign key and a check constraint: schema reads go through "char" catalog columns.
      const diagnostic = await timed(() => engine.devDiagnostic({ migrationsList: migrations, filters: NO_FILTER }));
      assert.deepEqual(diagnostic.result, { action: { tag: 'createMigration' } });
      t.diagnostic(`first devDiagnostic, which starts the shadow PGlite (copy of the template): ${diagnostic.ms.toFixed(0)} ms`);
    });
    const history = await query(db, 'SELECT migration_name, finished_at IS NOT NULL, applied_steps_count FROM _prisma_migrations ORDER BY migration_name');
    assert.deepEqual(history.rows, Object.keys(MIGRATIONS).map((name) => [name, true, 1]));
    assert.deepEqual((await query(db, 'SELECT email FROM "User"')).rows, [['semi;colon@example.com']]);
    // The trigger hashed the title with pgcrypto.
    assert.deepEqual((await query(db, 'SELECT title FROM "Post"')).rows, [[createHash('sha256').update('a;b').digest('hex')]]);
    const contype = await query(db, `SELECT contype FROM pg_constraint WHERE conname = 'Post_title_not_empty'`);
    assert.deepEqual([contype.columnTypes, contype.rows], [[ColumnTypeEnum.Character], [['c']]]);

    // A failed query costs node-postgres' pool its connection; the socket server takes the new one at once.
    await assert.rejects(query(db, 'SELECT * FROM "Nope"'));
    assert.deepEqual((await query(db, 'SELECT 1')).rows, [[1]]);
  });

  test('diff migrations → schema replays in a shadow PGlite of its own, wiped and reused', async (t) => {
    assert.ok(db);
    const database = db;
    await withEngine(database, async (engine) => {
      const diff = (schema: string) =>
        engine.diff({
          from: { tag: 'migrations', ...migrations },
          to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
          script: true,
          exitCode: true,
          filters: NO_FILTER,
        });
      const first = await timed(() => diff(SCHEMA));
      assert.equal(first.result.exitCode, 0, first.result.stdout ?? '');
      // Replaying into an unwiped shadow would fail on the existing "Role" type.
      const second = await timed(() => diff(SCHEMA_WITH_COMMENT));
      assert.equal(second.result.exitCode, 2);
      assert.match(second.result.stdout ?? '', /CREATE TABLE "Comment"/);
      assert.doesNotMatch(second.result.stdout ?? '', /"User"|"Post"/);
      t.diagnostic(`diff with shadow replay (shadow PGlite already running): ${first.ms.toFixed(0)} ms, then ${second.ms.toFixed(0)} ms`);
    });
    // The shadow is its own instance: nothing of the replays reached the dev database.
    assert.deepEqual((await query(database, `SELECT to_regclass('"Comment"')::text, count(*)::int FROM "User"`)).rows, [[null, 1]]);
  });

  test('reset empties the database; migrations apply again', async () => {
    assert.ok(db);
    const database = db;
    await withEngine(database, async (engine) => {
      await engine.reset({ filter: NO_FILTER });
      assert.deepEqual((await query(database, `SELECT to_regclass('_prisma_migrations')::text, to_regclass('"User"')::text`)).rows, [[null, null]]);
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTER });
      assert.deepEqual(appliedMigrationNames, Object.keys(MIGRATIONS));
    });
  });

  test('one instance per folder: a second open is refused while the first is open', async () => {
    const refused = await expectMigrateError(openPglite(dataDir, { extensions }), 'state');
    assert.match(refused.message, /already open in this process/);
  });

  test('the folder keeps the database across close and reopen; a lock left by a dead process is taken over', async (t) => {
    await db?.dispose();
    db = undefined;
    // The shadow the diffs above started ran on a copy of the template, deleted with the database.
    assert.deepEqual(shadowCopies(defaultCacheDir()), []);
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(path.join(dataDir, 'prisma-migrations.lock'), String(gone));
    const { db: reopened, ms } = await open();
    t.diagnostic(`openPglite on an existing folder: ${ms.toFixed(0)} ms`);
    const history = await query(reopened, 'SELECT migration_name FROM _prisma_migrations ORDER BY migration_name');
    assert.deepEqual(history.rows, Object.keys(MIGRATIONS).map((name) => [name]));
    await withEngine(reopened, async (engine) => {
      assert.deepEqual((await engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTER })).appliedMigrationNames, []);
    });
  });
});

/** This process's shadow copies in `cacheDir`. */
function shadowCopies(cacheDir: string): string[] {
  return existsSync(cacheDir) ? readdirSync(cacheDir).filter((name) => name.startsWith(`shadow-${process.pid}-`)) : [];
}

function templateId(cacheDir: string): string {
  return (JSON.parse(readFileSync(path.join(templateDir(cacheDir), 'template.json'), 'utf8')) as { id: string }).id;
}

describe('the shadow PGlite starts from a template folder', () => {
  const cacheDir = path.join(root, 'cache');
  const template = () => templateDir(cacheDir);

  test('the template is named by the PGlite version; two racing builds leave one, and nothing else', async (t) => {
    assert.match(path.basename(template()), /^pglite-template-\d+\.\d+\.\d+/);
    assert.equal(path.basename(template()), `pglite-template-${pgliteVersion()}-f2`);
    const { result: built, ms } = await timed(() => Promise.all([buildTemplate(cacheDir), buildTemplate(cacheDir)]));
    t.diagnostic(`two concurrent template builds (initdb each): ${ms.toFixed(0)} ms`);
    assert.equal(built[0].manifest.id, built[1].manifest.id, 'the loser adopts the winner');
    assert.equal(templateId(cacheDir), built[0].manifest.id);
    assert.deepEqual(readdirSync(cacheDir), [path.basename(template())]);
  });

  test('each shadow runs on a private copy, reused and wiped, deleted on close; copies left by dead processes are swept', async (t) => {
    const dead = `shadow-${spawnSync(process.execPath, ['-e', '']).pid}-stale`;
    mkdirSync(path.join(cacheDir, dead, 'base'), { recursive: true });
    const id = templateId(cacheDir);
    const shadow = pgliteShadow(['pgcrypto'], { cacheDir });
    try {
      const first = await timed(() => shadow.connect());
      t.diagnostic(`first shadow connect (copy of the template + PGlite start): ${first.ms.toFixed(0)} ms`);
      assert.equal(shadowCopies(cacheDir).length, 1);
      assert.equal(existsSync(path.join(cacheDir, dead)), false, 'the dead process\'s copy is gone');
      // Extensions load per instance: the template was made without them.
      await first.result.executeScript(`CREATE EXTENSION pgcrypto; CREATE TABLE "T" (h text DEFAULT encode(digest('a', 'sha256'), 'hex'));`);
      const second = await shadow.connect();
      assert.equal(shadowCopies(cacheDir).length, 1, 'reused');
      const tables = await second.queryRaw({ sql: `SELECT to_regclass('"T"')::text`, args: [], argTypes: [] });
      assert.deepEqual(tables.rows, [[null]], 'wiped before each use');
    } finally {
      await shadow.close();
    }
    assert.deepEqual(shadowCopies(cacheDir), [], 'the copy is deleted on close');
    assert.deepEqual(readdirSync(cacheDir), [path.basename(template())]);
    assert.equal(templateId(cacheDir), id, 'the template itself is never opened');
  });

  test('an in-memory shadow starts from the template\'s dump, reused and wiped, with nothing on disk', async () => {
    const shadow = pgliteShadow(['pgcrypto'], { cacheDir, inMemory: true });
    try {
      const first = await shadow.connect();
      assert.deepEqual(shadowCopies(cacheDir), []);
      await first.executeScript(`CREATE EXTENSION pgcrypto; CREATE TABLE "T" (h text DEFAULT encode(digest('a', 'sha256'), 'hex'));`);
      const second = await shadow.connect();
      const tables = await second.queryRaw({ sql: `SELECT to_regclass('"T"')::text`, args: [], argTypes: [] });
      assert.deepEqual(tables.rows, [[null]], 'wiped before each use');
    } finally {
      await shadow.close();
    }
    assert.deepEqual(readdirSync(cacheDir), [path.basename(template())]);
  });

  test('a template missing a file, or one that does not open, is rebuilt', async () => {
    for (const damage of [
      () => rmSync(path.join(template(), 'data', 'PG_VERSION')),
      () => writeFileSync(path.join(template(), 'data', 'global', 'pg_control'), Buffer.alloc(8192, 7)),
    ]) {
      const id = templateId(cacheDir);
      damage();
      const shadow = pgliteShadow([], { cacheDir });
      try {
        const adapter = await shadow.connect();
        assert.deepEqual((await adapter.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] })).rows, [[1]]);
      } finally {
        await shadow.close();
      }
      assert.notEqual(templateId(cacheDir), id, 'a new template');
      assert.deepEqual(readdirSync(cacheDir), [path.basename(template())], 'nothing left behind');
    }
  });

  test('a new dev data folder is filled from the template (no initdb); a fill cut short is finished by the next start', async (t) => {
    const dataDir = path.join(root, 'seeded');
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'prisma-migrations.lock'), 'ours');
    const keep = (name: string) => name.startsWith('prisma-migrations.lock');
    const seeded = await timed(() => seedDataDir(dataDir, keep, { cacheDir }));
    t.diagnostic(`data folder filled from the template: ${seeded.ms.toFixed(0)} ms`);
    assert.equal(seeded.result, true);
    assert.equal(readFileSync(path.join(dataDir, 'prisma-migrations.lock'), 'utf8'), 'ours', "the caller's lock stays");
    assert.equal(existsSync(path.join(dataDir, SEEDING_MARKER)), false);
    assert.deepEqual(readFileSync(path.join(dataDir, 'PG_VERSION')), readFileSync(path.join(template(), 'data', 'PG_VERSION')));

    const first = await openPglite(dataDir);
    await (await first.factory.mainConnection()).executeScript('CREATE TABLE "Kept" (id int); INSERT INTO "Kept" VALUES (1);');
    await first.dispose();
    const again = await openPglite(dataDir);
    const kept = await (await again.factory.mainConnection()).queryRaw({ sql: 'SELECT id FROM "Kept"', args: [], argTypes: [] });
    await again.dispose();
    assert.deepEqual(kept.rows, [[1]], 'a real data directory: what was written is there after a restart');

    // A process killed while filling: the marker, part of the files, no PG_VERSION.
    const cut = path.join(root, 'cut-short');
    mkdirSync(path.join(cut, 'base'), { recursive: true });
    writeFileSync(path.join(cut, SEEDING_MARKER), '');
    writeFileSync(path.join(cut, 'base', 'half-copied'), 'x');
    assert.equal(await seedDataDir(cut, keep, { cacheDir }), true);
    assert.equal(existsSync(path.join(cut, 'base', 'half-copied')), false, 'what the cut-short fill left is deleted first');
    assert.equal(existsSync(path.join(cut, SEEDING_MARKER)), false);
    assert.equal(existsSync(path.join(cut, 'PG_VERSION')), true);

    // Someone else's files, no marker: never touched.
    const foreign = path.join(root, 'foreign');
    mkdirSync(foreign);
    writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
    assert.equal(await seedDataDir(foreign, keep, { cacheDir }), false);
    assert.deepEqual(readdirSync(foreign), ['notes.txt']);
  });

  test('without a usable cache folder the shadow is an in-memory PGlite', async () => {
    const notAFolder = path.join(root, 'not-a-folder');
    writeFileSync(notAFolder, '');
    const shadow = pgliteShadow(['pgcrypto'], { cacheDir: notAFolder });
    try {
      const adapter = await shadow.connect();
      await adapter.executeScript(`CREATE EXTENSION pgcrypto; SELECT digest('a', 'sha256');`);
    } finally {
      await shadow.close();
    }
    assert.equal(readFileSync(notAFolder, 'utf8'), '');
  });
});
