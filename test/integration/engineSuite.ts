import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EngineDatabase } from '../../src/core/db/target';
import { MigrationEngine } from '../../src/core/engine/migrationEngine';
import { isMigrateError } from '../../src/core/errors';
import { migrationChecksum } from '../../src/core/migrations/checksum';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { createMigration } from '../../src/core/operations/create';
import { isUpToDate, readStatus } from '../../src/core/operations/status';
import { expectMigrateError } from '../helpers/migrateError';
import { tempProject, type TempProject } from '../helpers/tempProject';

export interface DatabaseFixture {
  provider: 'sqlite' | 'postgresql';
  /** A new, empty database for one test group; `drop` removes it. */
  open(): Promise<{ database: EngineDatabase; drop(): Promise<void> }>;
}

const USER = `model User {\n  id    Int    @id\n  email String @unique\n  name  String\n}\n`;

/** Every engine operation against one kind of database; the same assertions for SQLite, PGlite and PostgreSQL. */
export function engineSuite(label: string, fixture: DatabaseFixture): void {
  describe(`engine operations on ${label}`, () => {
    let project: TempProject;
    let engine: MigrationEngine;
    let drop: () => Promise<void>;

    const folder = () => readMigrationsFolder(project.migrationsDir);
    const status = async (drift = false) => readStatus(engine, folder(), { drift });
    const statusOf = async (name: string) => (await status()).migrations.find((m) => m.name === name)?.status;
    const withSchema = (database: EngineDatabase, content = project.schemaText()) =>
      new MigrationEngine({ database, schemaFiles: [{ path: project.schemaPath, content }], configDir: project.root });

    const setUp = async (models = USER) => {
      project = tempProject(fixture.provider, models);
      const opened = await fixture.open();
      drop = opened.drop;
      engine = withSchema(opened.database);
    };
    const tearDown = async () => {
      await engine.dispose();
      await drop();
      project.remove();
    };
    /** Same database and connection, new schema (as when the user edits schema.prisma). */
    const switchSchema = async (models: string) => {
      project.writeSchema(models);
      await engine.updateSchema([{ path: project.schemaPath, content: project.schemaText() }]);
    };

    describe('create, apply and status', () => {
      before(() => setUp());
      after(() => tearDown());

      it('plans the first migration from the schema without writing anything', async () => {
        const plan = await engine.planMigration(folder());
        assert.equal(plan.hasChanges, true);
        assert.match(plan.script, /CREATE TABLE "User"/);
        assert.deepEqual(plan.warnings, []);
        assert.equal(folder().migrations.length, 0);
      });

      it('creates and applies it; the engine records the checksum Prisma computes', async () => {
        const result = await createMigration(engine, project.migrationsDir, { name: 'Init users', draft: false, acceptDataLoss: false });
        assert.match(result.name ?? '', /^\d{14}_init_users$/);
        assert.deepEqual(result.applied, [result.name]);
        const rows = await engine.readMigrationRows();
        assert.equal(rows?.length, 1);
        const script = readFileSync(path.join(result.dir!, 'migration.sql'), 'utf8');
        assert.equal(rows![0].checksum, migrationChecksum(script));
        assert.equal(rows![0].appliedStepsCount, 1);
        assert.ok(rows![0].finishedAt);
        const report = await status(true);
        assert.equal(report.migrations[0].status, 'applied');
        assert.equal(report.drift, null);
        assert.equal(isUpToDate(report), true);
      });

      it('says "already in sync" and writes nothing when the schema matches', async () => {
        const result = await createMigration(engine, project.migrationsDir, { name: 'noop', draft: false, acceptDataLoss: false });
        assert.equal(result.name, null);
        assert.equal(folder().migrations.length, 1);
      });

      it('refuses a change that loses data and writes nothing, naming the row count', async () => {
        await engine.execute(`INSERT INTO "User" ("id", "email", "name") VALUES (1, 'a@x', 'A'), (2, 'b@x', 'B')`);
        await switchSchema(`model User {\n  id    Int    @id\n  email String @unique\n}\n`);
        await expectMigrateError(
          createMigration(engine, project.migrationsDir, { name: 'drop name', draft: false, acceptDataLoss: false }),
          'refused',
          /drop the column `name`.*2 non-null values/s,
        );
        assert.equal(folder().migrations.length, 1);
      });

      it('creates it when the data loss is accepted', async () => {
        const result = await createMigration(engine, project.migrationsDir, { name: 'drop name', draft: false, acceptDataLoss: true });
        assert.equal(result.applied.length, 1);
        assert.equal((await engine.readMigrationRows())?.length, 2);
      });

      it('refuses an unexecutable step (required column, rows present) unless it is a draft', async () => {
        await switchSchema(`model User {\n  id    Int    @id\n  email String @unique\n  role  String\n}\n`);
        await expectMigrateError(
          createMigration(engine, project.migrationsDir, { name: 'add role', draft: false, acceptDataLoss: true }),
          'refused',
          /required column `role`.*2 rows/s,
        );
        assert.equal(folder().migrations.length, 2);
        const draft = await createMigration(engine, project.migrationsDir, { name: 'add role', draft: true, acceptDataLoss: false });
        assert.deepEqual(draft.applied, []);
        assert.equal(await statusOf(draft.name!), 'pending');
        assert.match(readFileSync(path.join(draft.dir!, 'migration.sql'), 'utf8'), /role/);
      });
    });

    describe('diff', () => {
      before(() => setUp());
      after(() => tearDown());

      it('diffs empty → schema as SQL and as a summary', async () => {
        const schema = { kind: 'schema' as const, files: [{ path: project.schemaPath, content: project.schemaText() }] };
        const script = await engine.diff({ kind: 'empty' }, schema, { script: true });
        assert.equal(script.hasChanges, true);
        assert.match(script.output, /CREATE TABLE "User"/);
        const summary = await engine.diff({ kind: 'empty' }, schema, { script: false });
        assert.match(summary.output, /\[\+\] Added tables\s+- User/);
      });

      it('diffs migrations → schema (shadow replay) and database → migrations', async () => {
        project.addMigration(
          '20250101000000_init',
          `CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "email" TEXT NOT NULL, "name" TEXT NOT NULL);\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n`,
        );
        const schema = { kind: 'schema' as const, files: [{ path: project.schemaPath, content: project.schemaText() }] };
        const replayed = await engine.diff({ kind: 'migrations', folder: folder() }, schema, { script: false });
        assert.equal(replayed.hasChanges, false, replayed.output);
        const beforeApply = await engine.diff({ kind: 'database' }, { kind: 'migrations', folder: folder() }, { script: true });
        assert.equal(beforeApply.hasChanges, true);
        await engine.applyPending(folder());
        const afterApply = await engine.diff({ kind: 'database' }, { kind: 'migrations', folder: folder() }, { script: true });
        assert.equal(afterApply.hasChanges, false, afterApply.output);
      });
    });

    describe('bad input and recovery', () => {
      before(() => setUp());
      after(() => tearDown());

      const first = '20250101000000_first';
      const second = '20250102000000_second';

      it('stops at a migration whose SQL fails halfway: status failed, earlier data intact', async () => {
        project.addMigration(first, `CREATE TABLE "Item" ("id" INTEGER NOT NULL PRIMARY KEY, "label" TEXT);\nINSERT INTO "Item" ("id", "label") VALUES (1, 'kept');\n`);
        project.addMigration(second, `CREATE TABLE "Other" ("id" INTEGER NOT NULL PRIMARY KEY);\nINSERT INTO "NoSuchTable" ("id") VALUES (1);\n`);
        const error = await expectMigrateError(engine.applyPending(folder()), 'migrationFailed', /NoSuchTable/);
        assert.equal(error.details?.migration, second);
        const report = await status();
        assert.deepEqual(
          report.migrations.map((m) => m.status),
          ['applied', 'failed'],
        );
        assert.match(report.migrations[1].logs ?? '', /NoSuchTable/);
        await engine.execute(`INSERT INTO "Item" ("id", "label") VALUES (1, 'duplicate of the kept row')`).then(
          () => assert.fail('row 1 from the first migration should still be there'),
          (e: unknown) => assert.ok(isMigrateError(e)),
        );
      });

      it('refuses to apply while a migration is failed', async () => {
        await expectMigrateError(engine.applyPending(folder()), 'state', /failed earlier/);
      });

      it('recovers through resolve --rolled-back, a fixed file and apply', async () => {
        await engine.markRolledBack(second);
        assert.equal(await statusOf(second), 'rolledBack');
        project.addMigration(second, `CREATE TABLE IF NOT EXISTS "Other" ("id" INTEGER NOT NULL PRIMARY KEY);\n`);
        assert.deepEqual(await engine.applyPending(folder()), [second]);
        assert.deepEqual(
          (await status()).migrations.map((m) => m.status),
          ['applied', 'applied'],
        );
      });

      it('reports an applied migration edited afterwards as edited, and CRLF-only changes as applied', async () => {
        const file = path.join(project.migrationsDir, first, 'migration.sql');
        const original = readFileSync(file, 'utf8');
        writeFileSync(file, original.replace(/\n/g, '\r\n'));
        assert.equal(await statusOf(first), 'applied');
        writeFileSync(file, `${original}-- edited\n`);
        assert.equal(await statusOf(first), 'edited');
        writeFileSync(file, original);
      });

      it('reports a migration applied but deleted locally as missingLocally', async () => {
        const dir = path.join(project.migrationsDir, second);
        const sql = readFileSync(path.join(dir, 'migration.sql'), 'utf8');
        rmSync(dir, { recursive: true });
        const report = await readStatus(engine, folder(), { drift: true });
        assert.equal(report.migrations.find((m) => m.name === second)?.status, 'missingLocally');
        assert.match(report.driftUnavailable ?? '', /missing locally/);
        project.addMigration(second, sql);
      });

      it('detects drift made by hand and names it', async () => {
        await engine.execute(`CREATE TABLE "Sneaky" ("id" INTEGER NOT NULL PRIMARY KEY)`);
        const report = await status(true);
        assert.match(report.drift?.summary ?? '', /Sneaky/);
        assert.match(report.drift?.script ?? '', /CREATE TABLE (?:"public"\.)?"Sneaky"/);
        assert.equal(isUpToDate(report), false);
      });

      it('refuses a migration folder without migration.sql before touching the database', async () => {
        const dir = project.addMigration('20250103000000_broken', '');
        rmSync(path.join(dir, 'migration.sql'));
        await expectMigrateError(engine.applyPending(folder()), 'migrationsFolder', /20250103000000_broken has no migration\.sql/);
        rmSync(dir, { recursive: true });
      });

      it('refuses a migration_lock.toml written for another provider', async () => {
        const lock = path.join(project.migrationsDir, 'migration_lock.toml');
        const original = readFileSync(lock, 'utf8');
        writeFileSync(lock, 'provider = "mysql"\n');
        await expectMigrateError(engine.applyPending(folder()), 'migrationsFolder', /created for mysql/);
        writeFileSync(lock, original);
      });

      it('resolve --applied records a migration without running it', async () => {
        const name = '20250104000000_manual';
        project.addMigration(name, `CREATE TABLE "Manual" ("id" INTEGER NOT NULL PRIMARY KEY);\n`);
        await engine.markApplied(folder(), name);
        assert.equal(await statusOf(name), 'applied');
        const missing = await engine.diff({ kind: 'migrations', folder: folder() }, { kind: 'database' }, { script: false });
        assert.match(missing.output, /Manual/, 'the table must not exist: the migration was only recorded');
        await engine.execute(`CREATE TABLE "Manual" ("id" INTEGER NOT NULL PRIMARY KEY)`);
      });

      it('stops between migrations when cancelled, never in the middle of one', async () => {
        project.addMigration('20250105000000_a', `CREATE TABLE "A" ("id" INTEGER NOT NULL PRIMARY KEY);\n`);
        project.addMigration('20250106000000_b', `CREATE TABLE "B" ("id" INTEGER NOT NULL PRIMARY KEY);\n`);
        const controller = new AbortController();
        await expectMigrateError(
          engine.applyPending(folder(), {
            signal: controller.signal,
            onMigrationStart: (_name, index) => {
              if (index === 0) controller.abort();
            },
          }),
          'cancelled',
        );
        assert.equal(await statusOf('20250105000000_a'), 'applied');
        assert.equal(await statusOf('20250106000000_b'), 'pending');
      });

      it('reset drops everything; re-applying gives a clean history', async () => {
        await engine.reset();
        assert.equal(await engine.readMigrationRows(), null);
        await engine.applyPending(folder());
        const report = await status(true);
        assert.ok(
          report.migrations.every((m) => m.status === 'applied'),
          JSON.stringify(report.migrations.map((m) => m.status)),
        );
        assert.equal(report.drift, null);
      });

      it('reports a malformed schema with its file and line', async () => {
        const broken = `${project.schemaText()}\nmodel Broken {\n  id Int @id\n  oops\n}\n`;
        await engine.updateSchema([{ path: project.schemaPath, content: broken }]);
        const error = await expectMigrateError(engine.planMigration(folder()), 'schema');
        const brokenLine = broken.split('\n').findIndex((l) => l.includes('oops')) + 1;
        assert.match(error.message, new RegExp(`schema\\.prisma:${brokenLine}`));
      });
    });
  });
}
