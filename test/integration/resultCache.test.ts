// The result cache on SQLite, PGlite and the PostgreSQL server: every change to a database's schema
// changes its fingerprint (rows do not), so a cached drift never outlives the schema it was computed for;
// a warm drift does not touch a shadow database; and on the generated real-size history every cached
// result (drift, diff, schema check, down script and its verification) is the one computed without it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkSchema } from '../../src/core/check/schemaCheck';
import { databaseFingerprint } from '../../src/core/db/databaseFingerprint';
import { openPglite } from '../../src/core/db/pglite';
import { openPostgres } from '../../src/core/db/postgres';
import { openSqlite } from '../../src/core/db/sqlite';
import type { EngineDatabase } from '../../src/core/db/target';
import { MigrationEngine } from '../../src/core/engine/migrationEngine';
import { readMigrationsFolder, type MigrationsFolder } from '../../src/core/migrations/folder';
import { downScript, verifyDownScript } from '../../src/core/operations/down';
import { readStatus } from '../../src/core/operations/status';
import { discoverProject } from '../../src/core/project/discover';
import type { PrismaProject, SchemaFile } from '../../src/core/types';
import { writeLargeProject } from '../helpers/largeHistory';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempDirs } from '../helpers/tempDirs';
import { tempProject, type TempProject } from '../helpers/tempProject';

const temps = tempDirs('pm-results');

type Kind = 'sqlite' | 'pglite' | 'postgres';

const BASE: Record<'sqlite' | 'postgresql', string> = {
  sqlite: `CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL, "name" TEXT);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "title" TEXT NOT NULL, "authorId" INTEGER NOT NULL,
  CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE);
`,
  postgresql: `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "name" TEXT, "role" "Role" NOT NULL DEFAULT 'USER', CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
`,
};

/** Schema changes, each applied on top of the ones before: every one must change the fingerprint. */
const CHANGES: Record<'sqlite' | 'postgresql', string[]> = {
  sqlite: [
    `ALTER TABLE "User" ADD COLUMN "bio" TEXT`,
    `CREATE INDEX "Post_title_idx" ON "Post"("title")`,
    `DROP INDEX "Post_title_idx"; CREATE INDEX "Post_title_idx" ON "Post"("title", "authorId")`,
    `CREATE VIEW "Names" AS SELECT "name" FROM "User"`,
    `CREATE TRIGGER "touch" AFTER UPDATE ON "User" BEGIN SELECT 1; END`,
    `CREATE TABLE "Extra" ("id" INTEGER PRIMARY KEY)`,
  ],
  postgresql: [
    `ALTER TABLE "User" ADD COLUMN "bio" TEXT`,
    `ALTER TABLE "User" ALTER COLUMN "name" SET DEFAULT 'anonymous'`,
    `ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL`,
    `ALTER TABLE "Post" ALTER COLUMN "title" TYPE VARCHAR(200)`,
    `CREATE INDEX "Post_title_idx" ON "Post"("title")`,
    `DROP INDEX "Post_title_idx"; CREATE INDEX "Post_title_idx" ON "Post"("title") WHERE "authorId" > 0`,
    `ALTER INDEX "Post_title_idx" RENAME TO "Post_title_partial_idx"`,
    `ALTER TABLE "Post" ADD CONSTRAINT "title_not_empty" CHECK ("title" <> '')`,
    `ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey", ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE`,
    `ALTER TYPE "Role" ADD VALUE 'OWNER'`,
    `CREATE VIEW "Names" AS SELECT "name" FROM "User"`,
    `COMMENT ON COLUMN "User"."email" IS 'where we write'`,
    `CREATE SEQUENCE "counter" START 10`,
    `CREATE FUNCTION "one"() RETURNS integer LANGUAGE sql AS 'SELECT 1'`,
    `CREATE FUNCTION "touch"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$; CREATE TRIGGER "touch" BEFORE UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION "touch"()`,
    `ALTER TABLE "User" ENABLE ROW LEVEL SECURITY`,
    `CREATE POLICY "own" ON "User" USING ("id" > 0)`,
    `CREATE SCHEMA "other"; CREATE TABLE "other"."Thing" ("id" INTEGER)`,
  ],
};

const SCHEMA: Record<'sqlite' | 'postgresql', string> = {
  sqlite: `model User {\n  id    Int     @id @default(autoincrement())\n  email String  @unique\n  name  String?\n  posts Post[]\n}\n\nmodel Post {\n  id       Int    @id @default(autoincrement())\n  title    String\n  authorId Int\n  author   User   @relation(fields: [authorId], references: [id], onDelete: Restrict)\n}\n`,
  postgresql: `enum Role {\n  USER\n  ADMIN\n}\n\nmodel User {\n  id    Int     @id @default(autoincrement())\n  email String  @unique\n  name  String?\n  role  Role    @default(USER)\n  posts Post[]\n}\n\nmodel Post {\n  id       Int    @id @default(autoincrement())\n  title    String\n  authorId Int\n  author   User   @relation(fields: [authorId], references: [id], onDelete: Restrict)\n}\n`,
};

async function openKind(kind: Kind): Promise<{ database: EngineDatabase; drop(): Promise<void> }> {
  if (kind === 'sqlite') return { database: openSqlite(path.join(temps.make('sqlite'), 'dev.db')), drop: async () => {} };
  if (kind === 'pglite') return { database: await openPglite(path.join(temps.make('pglite'), 'data')), drop: async () => {} };
  const created = await newPostgresDatabase('pm_results');
  return { database: await openPostgres(created.url), drop: created.drop };
}

/** An engine whose shadow connections are counted: a drift answered from the cache opens none. */
function countingEngine(database: EngineDatabase, project: TempProject, cacheDir: string): { engine: MigrationEngine; shadows: () => number } {
  let shadows = 0;
  const connect = database.factory.connectToShadowDb.bind(database.factory);
  database.factory.connectToShadowDb = () => {
    shadows += 1;
    return connect();
  };
  const schemaFiles: SchemaFile[] = [{ path: project.schemaPath, content: project.schemaText() }];
  return { engine: new MigrationEngine({ database, schemaFiles, configDir: project.root, replayCache: { cacheDir } }), shadows: () => shadows };
}

for (const kind of ['sqlite', 'pglite', 'postgres'] as Kind[]) {
  const provider = kind === 'sqlite' ? 'sqlite' : 'postgresql';
  describe(`result cache (${kind})`, () => {
    let project: TempProject;
    let folder: MigrationsFolder;
    let opened: { database: EngineDatabase; drop(): Promise<void> };
    let engine: MigrationEngine;
    let shadows: () => number;
    const cacheDir = temps.make(`cache-${kind}`);

    before(async () => {
      project = tempProject(provider, SCHEMA[provider]);
      temps.keep(project.root);
      project.addMigration('20240101000000_init', BASE[provider]);
      folder = readMigrationsFolder(project.migrationsDir);
      opened = await openKind(kind);
      ({ engine, shadows } = countingEngine(opened.database, project, cacheDir));
      await engine.applyPending(folder);
    });
    after(async () => {
      await engine?.dispose();
      await opened?.drop();
    });

    const fingerprint = async () => databaseFingerprint(await opened.database.factory.mainConnection());
    const drift = async () => (await readStatus(engine, folder, { drift: true })).drift;

    it('a warm drift opens no shadow database; a schema change is seen at once, and so is undoing it', async () => {
      assert.equal(await drift(), null);
      const cold = shadows();
      assert.ok(cold > 0, 'the first drift replays the history in a shadow database');
      assert.equal(await drift(), null);
      assert.equal(shadows(), cold, 'the second is answered from the cache');

      await engine.execute(`ALTER TABLE "User" ADD COLUMN "nickname" TEXT`);
      const changed = await drift();
      assert.ok(/nickname/.test(changed?.script ?? ''), `the added column is drift: ${JSON.stringify(changed)}`);
      assert.ok(shadows() > cold, 'a changed schema is computed again');

      await engine.execute(`ALTER TABLE "User" DROP COLUMN "nickname"`);
      assert.equal(await drift(), null);
    });

    it('every schema change changes the fingerprint; rows do not', async () => {
      await engine.execute(`INSERT INTO "User" ("email", "name") VALUES ('a@example.com', 'A')`);
      const seen = new Map<string, string>([[await fingerprint(), 'the start']]);
      await engine.execute(`INSERT INTO "User" ("email", "name") VALUES ('b@example.com', 'B')`);
      assert.ok(seen.has(await fingerprint()), 'a row leaves the fingerprint as it was');
      for (const change of CHANGES[provider]) {
        await engine.execute(change);
        const after = await fingerprint();
        assert.ok(!seen.has(after), `${change}: the fingerprint of ${seen.get(after)} again`);
        seen.set(after, change);
      }
    });
  });
}

describe('result cache on the generated history (200 migrations): every cached result is the one computed without it', () => {
  const previous = process.env.PRISMA_MIGRATIONS_CACHE_DIR;
  let project: PrismaProject;
  let folder: MigrationsFolder;
  let dev: { url: string; drop(): Promise<void> };

  before(async () => {
    const root = temps.make('large');
    await writeLargeProject('postgresql', root);
    project = await discoverProject({ cwd: root, trusted: true });
    folder = readMigrationsFolder(project.migrationsDir);
    dev = await newPostgresDatabase('pm_results_large');
    const engine = new MigrationEngine({ database: await openPostgres(dev.url), schemaFiles: project.engineSchemaFiles, configDir: project.root, replayCache: false });
    try {
      await engine.applyPending(folder);
      // Drift to find: a column the history does not have.
      await engine.execute(`ALTER TABLE "Model001" ADD COLUMN "extra" TEXT`);
    } finally {
      await engine.dispose();
    }
  });
  after(async () => {
    if (previous === undefined) delete process.env.PRISMA_MIGRATIONS_CACHE_DIR;
    else process.env.PRISMA_MIGRATIONS_CACHE_DIR = previous;
    await dev?.drop();
  });

  /** Every result, computed with the cache in `cacheDir` (the schema check and down scripts use the default folder, set here). */
  async function results(cacheDir: string) {
    process.env.PRISMA_MIGRATIONS_CACHE_DIR = cacheDir;
    const engine = new MigrationEngine({ database: await openPostgres(dev.url), schemaFiles: project.engineSchemaFiles, configDir: project.root, replayCache: {} });
    try {
      const status = await readStatus(engine, folder, { drift: true });
      const diff = await engine.diff({ kind: 'migrations', folder }, { kind: 'schema', files: project.engineSchemaFiles }, { script: true });
      const check = await checkSchema(project, folder, null);
      const down = await downScript(project, folder, folder.migrations[149]!.name);
      const verification = await verifyDownScript(project, folder, down);
      return { drift: status.drift, diff, check, down, verification };
    } finally {
      await engine.dispose();
    }
  }

  it('cold, warm and in another folder alike', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'pm-results-large-'));
    temps.keep(cacheDir);
    const cold = await results(cacheDir);
    assert.ok(/extra/.test(cold.drift?.script ?? ''), 'the drift is found');
    assert.equal(cold.diff.hasChanges, false, 'the history reaches the schema');
    assert.equal(cold.verification.roundTrips, true);
    const stored = readdirSync(path.join(cacheDir, 'results'));
    assert.ok(stored.length >= 5, `results are stored: ${stored.length}`);
    assert.deepEqual(await results(cacheDir), cold);
    assert.deepEqual(readdirSync(path.join(cacheDir, 'results')).sort(), stored.sort(), 'the warm run stores nothing new');
    // The replayed states alone, without any result: the same results again.
    rmSync(path.join(cacheDir, 'results'), { recursive: true });
    assert.deepEqual(await results(cacheDir), cold);
    assert.ok(existsSync(path.join(cacheDir, 'results')));
  });
});
