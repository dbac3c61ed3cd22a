// Drift made by hand with SQL on a SQLite and a PostgreSQL dev database, captured as a migration: the
// history then reaches what the database is, with nothing pending and no drift left.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MigrationEngine } from '../../src/core/engine/migrationEngine';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { createMigrationFromDrift } from '../../src/core/operations/driftMigration';
import { readStatus } from '../../src/core/operations/status';
import { discoverProject } from '../../src/core/project/discover';
import { expectMigrateError } from '../helpers/migrateError';
import { newDevDatabase } from '../helpers/devDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';

for (const provider of ['sqlite', 'postgresql'] as const) {
  describe(`a migration from drift (${provider === 'sqlite' ? 'SQLite' : 'the PostgreSQL server'})`, () => {
    let temp: TempProject;
    let engine: MigrationEngine;
    let drop: () => Promise<void>;
    const folder = () => readMigrationsFolder(temp.migrationsDir);

    before(async () => {
      temp = tempProject(provider, 'model User {\n  id Int @id\n}\n');
      temp.addMigration('20260101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n');
      const project = await discoverProject({ cwd: temp.root, trusted: true });
      const dev = await newDevDatabase(provider);
      const database = dev.database;
      drop = dev.drop;
      engine = new MigrationEngine({ database, schemaFiles: project.engineSchemaFiles, configDir: project.root });
      await engine.applyPending(folder());
    });

    after(async () => {
      await engine?.dispose();
      await drop?.();
      temp?.remove();
    });

    it('refuses when there is no drift', async () => {
      await expectMigrateError(createMigrationFromDrift(engine, temp.migrationsDir, 'nothing'), 'state', /no drift to capture/);
    });

    it('captures a table and a column added by hand, recorded as applied; no drift is left', async () => {
      await engine.execute('CREATE TABLE "Audit" ("id" INTEGER NOT NULL PRIMARY KEY, "note" TEXT);\nALTER TABLE "User" ADD COLUMN "nickname" TEXT;');
      assert.ok((await readStatus(engine, folder(), { drift: true })).drift, 'the hand-made change is drift');
      const name = await createMigrationFromDrift(engine, temp.migrationsDir, 'capture hand changes', new Date(Date.UTC(2026, 5, 1)));
      assert.equal(name, '20260601000000_capture_hand_changes');
      const sql = readFileSync(path.join(temp.migrationsDir, name, 'migration.sql'), 'utf8');
      assert.match(sql, /^-- Captured from the dev database's drift:/);
      assert.match(sql, /CREATE TABLE (?:"public"\.)?"Audit"/);
      assert.match(sql, /"nickname"/);
      const report = await readStatus(engine, folder(), { drift: true });
      assert.deepEqual(report.migrations.map((m) => `${m.name}: ${m.status}`), ['20260101000000_init: applied', `${name}: applied`]);
      assert.equal(report.drift, null);
    });

    it('refuses while a migration is pending', async () => {
      temp.addMigration('20270101000000_later', 'SELECT 1;\n');
      await expectMigrateError(createMigrationFromDrift(engine, temp.migrationsDir, 'x'), 'state', /20270101000000_later is pending: settle the history first/);
    });
  });
}
