// Squashing migrations, on SQLite and the PostgreSQL server: one migration replaces a range, the shortened
// history replays to the same schema, and a dev database that applied the range stays clean.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MigrationEngine } from '../../src/core/engine/migrationEngine';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { appliedMigrations, migrationStatuses } from '../../src/core/migrations/history';
import { planSquash, recordSquash, squashDatabaseState, writeSquash } from '../../src/core/operations/squash';
import { discoverProject } from '../../src/core/project/discover';
import type { PrismaProject } from '../../src/core/types';
import { expectMigrateError } from '../helpers/migrateError';
import { migrationName, writeLargeProject } from '../helpers/largeHistory';
import { newDevDatabase } from '../helpers/devDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';

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
