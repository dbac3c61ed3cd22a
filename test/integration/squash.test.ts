// Squashing migrations, on SQLite, PGlite and the PostgreSQL server: one migration replaces a range, the
// shortened history replays to the same database (schema, extensions, objects, rows), statements that are
// not schema are carried or the squash is refused, and a dev database that applied the range stays clean.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openScratchDatabase } from '../../src/core/db/scratch';
import { MigrationEngine } from '../../src/core/engine/migrationEngine';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { appliedMigrations, migrationStatuses } from '../../src/core/migrations/history';
import { historyPrefix } from '../../src/core/operations/historyStates';
import { planSquash, recordSquash, squashDatabaseState, writeSquash } from '../../src/core/operations/squash';
import { discoverProject } from '../../src/core/project/discover';
import type { PrismaProject } from '../../src/core/types';
import { expectMigrateError } from '../helpers/migrateError';
import { migrationName, writeLargeProject } from '../helpers/largeHistory';
import { newDevDatabase } from '../helpers/devDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';
import type { EngineDatabase } from '../../src/core/db/target';

const STEPS = [
  ['20260101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "email" TEXT NOT NULL);\n'],
  ['20260102000000_bio', 'ALTER TABLE "User" ADD COLUMN "bio" TEXT;\n'],
  ['20260103000000_posts', 'CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY, "title" TEXT NOT NULL);\n'],
  ['20260104000000_title_index', 'CREATE INDEX "Post_title_idx" ON "Post"("title");\n'],
] as const;

for (const provider of ['sqlite', 'postgresql'] as const) {
  describe(`squash (${provider === 'sqlite' ? 'SQLite' : 'the PostgreSQL server'})`, () => {
    let temp: TempProject;
    let project: PrismaProject;
    let engine: MigrationEngine;
    let drop: () => Promise<void>;
    const folder = () => readMigrationsFolder(temp.migrationsDir);

    before(async () => {
      temp = tempProject(provider, 'model User {\n  id Int @id\n  email String\n  bio String?\n}\n\nmodel Post {\n  id Int @id\n  title String\n  @@index([title])\n}\n');
      for (const [name, sql] of STEPS) temp.addMigration(name, sql);
      project = await discoverProject({ cwd: temp.root, trusted: true });
      const dev = await newDevDatabase(provider);
      const database = dev.database;
      drop = dev.drop;
      engine = new MigrationEngine({ database, schemaFiles: project.engineSchemaFiles, configDir: project.root });
      await engine.applyPending(folder());
      await engine.execute(`INSERT INTO "User" ("id", "email") VALUES (1, 'a@x');`);
    });

    after(async () => {
      await engine?.dispose();
      await drop?.();
      temp?.remove();
    });

    it('refuses a range of one migration, and a name another migration of the same second has', async () => {
      await expectMigrateError(planSquash(project, folder(), { from: STEPS[1][0], to: STEPS[1][0], name: 'x' }), 'config', /at least two migrations/);
      const twin = temp.addMigration('20260102000000_x', 'SELECT 1;\n');
      try {
        await expectMigrateError(planSquash(project, folder(), { to: STEPS[1][0], name: 'x' }), 'migrationsFolder', /20260102000000_x already exists/);
      } finally {
        rmSync(twin, { recursive: true });
      }
    });

    it('replaces the first three with one migration in their place, recorded as applied where they were', async () => {
      const plan = await planSquash(project, folder(), { to: STEPS[2][0], name: 'base' });
      assert.deepEqual(plan.replaced, STEPS.slice(0, 3).map(([name]) => name));
      assert.equal(plan.migration, '20260103000000_base');
      assert.match(plan.script, /CREATE TABLE (?:"public"\.)?"User" \([^;]*"bio"/);
      assert.match(plan.script, /CREATE TABLE (?:"public"\.)?"Post"/);
      assert.equal(await squashDatabaseState(engine, folder(), plan), 'all');
      writeSquash(folder(), plan);
      await recordSquash(engine, temp.migrationsDir, plan);

      assert.deepEqual(readdirSync(temp.migrationsDir).filter((n) => /^\d/.test(n)), ['20260103000000_base', STEPS[3][0]]);
      const statuses = migrationStatuses(folder().migrations, (await engine.readMigrationRows()) ?? []);
      assert.deepEqual(statuses.map((s) => `${s.name}: ${s.status}`), ['20260103000000_base: applied', `${STEPS[3][0]}: applied`]);
      assert.equal(await engine.drift(folder(), new Set(appliedMigrations(statuses))), null, 'the database matches the shortened history');
    });

    it('says a database applied only part of a range (it would be left inconsistent)', async () => {
      temp.addMigration('20260105000000_a', 'CREATE TABLE "A" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
      temp.addMigration('20260106000000_b', 'CREATE TABLE "B" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
      await engine.applyPending({ ...folder(), migrations: folder().migrations.slice(0, 3) });
      const plan = await planSquash(project, folder(), { from: '20260105000000_a', to: '20260106000000_b', name: 'ab' });
      assert.equal(await squashDatabaseState(engine, folder(), plan), 'partial');
    });
  });
}

describe('squash of a 200-migration history (SQLite)', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'pm-squash-large-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('replays to the same schema as the 200 migrations it replaces', async () => {
    await writeLargeProject('sqlite', root);
    const project = await discoverProject({ cwd: root, trusted: true });
    const plan = await planSquash(project, readMigrationsFolder(project.migrationsDir), { to: migrationName(200), name: 'baseline' });
    assert.equal(plan.replaced.length, 200);
    assert.match(plan.script, /CREATE TABLE "Model100"/);
  });
});

/** A range with a row, an extension, a function and a trigger: the engine's diff reproduces none of them. */
const CARRIED = {
  postgresql: {
    models: 'model Account {\n  id String @id @default(dbgenerated("uuid_generate_v4()")) @db.Uuid\n  name String\n  updatedAt DateTime?\n  email String?\n}\n',
    steps: [
      ['20260201000000_init', 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";\n\nCREATE TABLE "Account" ("id" UUID NOT NULL DEFAULT uuid_generate_v4(), "name" TEXT NOT NULL, "updatedAt" TIMESTAMP(3), CONSTRAINT "Account_pkey" PRIMARY KEY ("id"));\n'],
      ['20260202000000_service_account', `INSERT INTO "Account" ("name") VALUES ('service; bot');\n`],
      ['20260203000000_touch', 'CREATE FUNCTION touch() RETURNS trigger AS $$ BEGIN NEW."updatedAt" := now(); RETURN NEW; END; $$ LANGUAGE plpgsql;\nCREATE TRIGGER "Account_touch" BEFORE UPDATE ON "Account" FOR EACH ROW EXECUTE FUNCTION touch();\nALTER TABLE "Account" ADD COLUMN "email" TEXT;\n'],
    ],
    trigger: `SELECT COUNT(*) AS n FROM pg_trigger WHERE tgname = 'Account_touch'`,
    extension: `SELECT COUNT(*) AS n FROM pg_extension WHERE extname = 'uuid-ossp'`,
  },
  sqlite: {
    models: 'model Account {\n  id Int @id @default(autoincrement())\n  name String\n  updatedAt DateTime?\n  email String?\n}\n',
    steps: [
      ['20260201000000_init', 'CREATE TABLE "Account" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "name" TEXT NOT NULL, "updatedAt" DATETIME);\n'],
      ['20260202000000_service_account', `INSERT INTO "Account" ("name") VALUES ('service; bot');\n`],
      ['20260203000000_touch', 'CREATE TRIGGER "Account_touch" AFTER UPDATE OF "name" ON "Account" BEGIN UPDATE "Account" SET "updatedAt" = CURRENT_TIMESTAMP WHERE "id" = NEW."id"; END;\nCREATE VIEW "AccountNames" AS SELECT "name" FROM "Account";\nALTER TABLE "Account" ADD COLUMN "email" TEXT;\n'],
    ],
    trigger: `SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name = 'Account_touch'`,
    extension: undefined,
  },
} as const;

/** A column a data migration fills and a later migration drops: after the squash there is no column to fill. */
const STRANDED = [
  ['20260204000000_legacy', 'ALTER TABLE "Account" ADD COLUMN "legacy" TEXT;\n'],
  ['20260205000000_backfill', `UPDATE "Account" SET "legacy" = 'x';\n`],
  ['20260206000000_drop_legacy', 'ALTER TABLE "Account" DROP COLUMN "legacy";\n'],
] as const;

/**
 * A project with `steps` for the enclosing suite; on the PostgreSQL server also an engine whose shadow
 * databases the squash replays on (elsewhere the squash uses scratch ones).
 */
function squashProject(where: 'SQLite' | 'PGlite' | 'the PostgreSQL server', models: string, steps: ReadonlyArray<readonly [string, string]>) {
  const state: { temp?: TempProject; project?: PrismaProject; server?: { engine: MigrationEngine; drop(): Promise<void> } } = {};
  before(async () => {
    const temp = tempProject(where === 'SQLite' ? 'sqlite' : 'postgresql', models);
    for (const [name, sql] of steps) temp.addMigration(name, sql);
    const project = await discoverProject({ cwd: temp.root, trusted: true });
    Object.assign(state, { temp, project });
    if (where === 'the PostgreSQL server') {
      const dev = await newDevDatabase('postgresql');
      state.server = { engine: new MigrationEngine({ database: dev.database, schemaFiles: project.engineSchemaFiles, configDir: project.root }), drop: dev.drop };
    }
  });
  after(async () => {
    await state.server?.engine.dispose();
    await state.server?.drop();
    state.temp?.remove();
  });
  return {
    get temp() {
      return state.temp!;
    },
    get project() {
      return state.project!;
    },
    get replay() {
      return state.server?.engine;
    },
  };
}

for (const where of ['SQLite', 'PGlite', 'the PostgreSQL server'] as const) {
  const provider = where === 'SQLite' ? 'sqlite' : 'postgresql';
  const { models, steps, trigger, extension } = CARRIED[provider];
  describe(`squash carries what is not schema (${where})`, () => {
    const fixture = squashProject(where, models, [...steps, ...STRANDED]);
    const folder = () => readMigrationsFolder(fixture.temp.migrationsDir);
    /** A fresh database of the kind the squash replayed on. */
    const freshDatabase = async (): Promise<{ database: EngineDatabase; drop(): Promise<void> }> =>
      where === 'the PostgreSQL server' ? newDevDatabase('postgresql') : { database: openScratchDatabase(provider, ['uuid-ossp']), drop: async () => {} };

    it('refuses a range whose data migration only made sense mid-history, naming it; nothing is written', async () => {
      const before = readdirSync(fixture.temp.migrationsDir);
      const error = await expectMigrateError(planSquash(fixture.project, folder(), { to: STRANDED[2][0], name: 'all' }, fixture.replay), 'refused');
      assert.match(error.message, /nothing was written\. Replaying it failed: [\s\S]*legacy[\s\S]* It carries \d statements that are not schema: [^\n]*20260205000000_backfill:1 UPDATE "Account" SET "legacy" = 'x'\./);
      assert.deepEqual(readdirSync(fixture.temp.migrationsDir), before);
    });

    it('carries the rows, the extension, the function and the trigger; a fresh database from the squashed history has them', async () => {
      const plan = await planSquash(fixture.project, folder(), { to: steps[2][0], name: 'base' }, fixture.replay);
      assert.deepEqual(
        plan.carried.map((s) => `${s.migration} ${s.placement} ${s.sql.split(' ').slice(0, 2).join(' ')}`),
        provider === 'sqlite'
          ? ['20260202000000_service_account after INSERT INTO', '20260203000000_touch after CREATE TRIGGER', '20260203000000_touch after CREATE VIEW']
          : ['20260201000000_init before CREATE EXTENSION', '20260202000000_service_account after INSERT INTO', '20260203000000_touch after CREATE FUNCTION', '20260203000000_touch after CREATE TRIGGER'],
      );
      assert.match(plan.script, /-- Carried from 20260202000000_service_account \(line 1\)\nINSERT INTO "Account" \("name"\) VALUES \('service; bot'\);/);
      if (provider === 'postgresql') assert.ok(plan.script.indexOf('CREATE EXTENSION') < plan.script.indexOf('CREATE TABLE'), 'the extension comes before the table whose default needs it');
      writeSquash(folder(), plan);

      const fresh = await freshDatabase();
      const engine = new MigrationEngine({ database: fresh.database, schemaFiles: fixture.project.engineSchemaFiles, configDir: fixture.project.root });
      try {
        await engine.applyPending(historyPrefix(folder(), 1));
        assert.equal(await engine.queryNumber(`SELECT COUNT(*) AS n FROM "Account" WHERE "name" = 'service; bot'`), 1);
        assert.equal(await engine.queryNumber(trigger), 1);
        if (extension) assert.equal(await engine.queryNumber(extension), 1);
      } finally {
        await engine.dispose();
        await fresh.drop();
      }
    });
  });
}

/**
 * Indexes the engine's diff renders wrongly (a sort order on hash, BRIN and GIN columns, as on langfuse,
 * trigger.dev and documenso) or not exactly (a predicate, an expression, INCLUDE columns), as hand-written
 * migrations have them; the CONCURRENTLY one in a migration of its own, as PostgreSQL requires.
 */
const INDEXES = {
  models: 'model Score {\n  id String @id\n  traceId String @map("trace_id")\n  name String\n  @@index([traceId], type: Hash)\n  @@map("scores")\n}\n',
  steps: [
    ['20260301000000_init', 'CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE TABLE "scores" ("id" TEXT NOT NULL, "trace_id" TEXT NOT NULL, "name" TEXT NOT NULL, "n" INTEGER, CONSTRAINT "scores_pkey" PRIMARY KEY ("id"));\n'],
    ['20260302000000_hash_index', 'CREATE INDEX "scores_trace_id_idx" ON "scores" USING HASH ("trace_id");\nCREATE INDEX "scores_n_brin" ON "scores" USING BRIN ("n");\nCREATE INDEX "scores_name_trgm" ON "scores" USING GIN ("name" gin_trgm_ops);\n'],
    ['20260303000000_partial', `CREATE UNIQUE INDEX "scores_name_open" ON "scores"("name") WHERE "n" IS NULL;\nCREATE INDEX scores_lower_name ON "scores"(lower("name"));\nCREATE INDEX "scores_trace_covering" ON "scores"("trace_id") INCLUDE ("name");\n`],
    ['20260304000000_concurrently', `CREATE INDEX CONCURRENTLY IF NOT EXISTS "scores_named" ON "scores"("name") WHERE "name" <> '';\n`],
  ],
} as const;

for (const where of ['PGlite', 'the PostgreSQL server'] as const) {
  describe(`squash of indexes the engine's diff does not render as written (${where})`, () => {
    const fixture = squashProject(where, INDEXES.models, INDEXES.steps);

    it('renders hash, BRIN and GIN indexes without a sort order and carries partial, expression and INCLUDE indexes as written, verified equal', async () => {
      const plan = await planSquash(fixture.project, readMigrationsFolder(fixture.temp.migrationsDir), { to: INDEXES.steps[3][0], name: 'base' }, fixture.replay);
      assert.match(plan.script, /CREATE INDEX "scores_trace_id_idx" ON (?:"public"\.)?"scores" USING HASH \("trace_id"\);/);
      assert.match(plan.script, /USING BRIN \("n"[^)]*\);/);
      assert.doesNotMatch(plan.script, /USING (?:HASH|BRIN|GIN) \([^)]*\b(?:ASC|DESC)\)/);
      assert.deepEqual(
        plan.carried.filter((s) => s.placement === 'index').map((s) => `${s.migration}:${s.line} ${s.index}`),
        ['20260303000000_partial:1 scores_name_open', '20260303000000_partial:2 scores_lower_name', '20260303000000_partial:3 scores_trace_covering', '20260304000000_concurrently:1 scores_named'],
      );
      assert.match(plan.script, /-- Carried from 20260303000000_partial \(line 1\)\nCREATE UNIQUE INDEX "scores_name_open" ON "scores"\("name"\) WHERE "n" IS NULL;/);
      assert.equal(plan.script.match(/"scores_name_open"/g)?.length, 1, "the engine's own rendering of the index is replaced, not kept beside it");
      assert.match(plan.script, /\nCREATE INDEX IF NOT EXISTS "scores_named" ON "scores"\("name"\) WHERE "name" <> '';/, 'CONCURRENTLY cannot run inside a script of several statements');
    });
  });
}

/** umami numbers its migrations (`01_init` … `19_add_session_replay`): Prisma only sorts the names. */
describe('squash of a history whose names are numbers, not timestamps (SQLite)', () => {
  let temp: TempProject;
  let project: PrismaProject;
  const folder = () => readMigrationsFolder(temp.migrationsDir);

  before(async () => {
    temp = tempProject('sqlite', 'model User {\n  id Int @id\n  name String?\n  bio String?\n}\n');
    temp.addMigration('01_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    temp.addMigration('02_add_name', 'ALTER TABLE "User" ADD COLUMN "name" TEXT;\n');
    temp.addMigration('03_add_bio', 'ALTER TABLE "User" ADD COLUMN "bio" TEXT;\n');
    project = await discoverProject({ cwd: temp.root, trusted: true });
  });
  after(() => temp?.remove());

  it("takes the last replaced migration's number, so the squash sorts where the range was", async () => {
    const plan = await planSquash(project, folder(), { to: '02_add_name', name: 'Squashed' });
    assert.equal(plan.migration, '02_squashed');
    writeSquash(folder(), plan);
    assert.deepEqual(folder().migrations.map((m) => m.name), ['02_squashed', '03_add_bio']);
  });

  it('takes the last replaced name with the new one where the number would not sort, and refuses when neither does', async () => {
    temp.addMigration('03_b', 'ALTER TABLE "User" ADD COLUMN "b" TEXT;\n');
    assert.equal((await planSquash(project, folder(), { to: '03_add_bio', name: 'zz' })).migration, '03_add_bio_zz');
    rmSync(path.join(temp.migrationsDir, '03_b'), { recursive: true });

    const names = folder().migrations.map((m) => m.name);
    temp.addMigration('03_add_bio_a', 'ALTER TABLE "User" ADD COLUMN "z" TEXT;\n');
    const error = await expectMigrateError(
      planSquash(project, folder(), { to: '03_add_bio', name: 'zz' }),
      'refused',
      /03_zz and 03_add_bio_zz would not sort before 03_add_bio_a, where the squashed range is: choose another --name\. Nothing was written\./,
    );
    assert.equal(error.details?.migration, '03_add_bio');
    rmSync(path.join(temp.migrationsDir, '03_add_bio_a'), { recursive: true });
    assert.deepEqual(folder().migrations.map((m) => m.name), names);
  });
});
