// `apply` runs migrations without the schema engine (src/core/engine/applyScripts.ts). Prisma's engine is
// the specification: the same history is applied by the engine's own `applyMigrations` into one database
// and by ours into another, and the two must end alike — the history rows, the bookkeeping table, the
// schema, and where a migration fails, what of it stayed and how it is recorded.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { openPglite } from '../../src/core/db/pglite';
import { openPostgres } from '../../src/core/db/postgres';
import { openSqlite } from '../../src/core/db/sqlite';
import type { EngineDatabase } from '../../src/core/db/target';
import { MigrationEngine } from '../../src/core/engine/migrationEngine';
import { absentHistoryReadsEmpty } from '../../src/core/engine/migrationsTable';
import { newSchemaEngine } from '../../src/core/engine/wasm';
import { readMigrationsFolder, toEngineMigrationList } from '../../src/core/migrations/folder';
import { expectMigrateError } from '../helpers/migrateError';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';

type Provider = 'sqlite' | 'postgresql';

interface Fixture {
  provider: Provider;
  open(): Promise<{ database: EngineDatabase; drop(): Promise<void> }>;
}

const tempDatabase = (open: (dir: string) => Promise<EngineDatabase> | EngineDatabase) => async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pm-apply-'));
  return { database: await open(dir), drop: async () => rmSync(dir, { recursive: true, force: true }) };
};

const fixtures: Array<[string, Fixture]> = [
  ['SQLite', { provider: 'sqlite', open: tempDatabase((dir) => openSqlite(path.join(dir, 'dev.db'))) }],
  ['PGlite', { provider: 'postgresql', open: tempDatabase((dir) => openPglite(path.join(dir, '.pglite'))) }],
  [
    'the PostgreSQL server',
    {
      provider: 'postgresql',
      async open() {
        const created = await newPostgresDatabase();
        return { database: await openPostgres(created.url), drop: created.drop };
      },
    },
  ],
];

/** A history with a table rebuild, data, a PL/pgSQL block (PostgreSQL), a comment with `;` and a quote in a name. */
function history(provider: Provider): Array<[string, string]> {
  const block =
    provider === 'postgresql'
      ? `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM "User" WHERE id = 3) THEN INSERT INTO "User" (id, email) VALUES (3, 'c;d'); END IF; END $$;\n`
      : `INSERT INTO "User" (id, email) VALUES (3, 'c;d');\n`;
  return [
    ['20250101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "email" TEXT NOT NULL);\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n'],
    ['20250102000000_seed', `-- two rows; one more below\nINSERT INTO "User" (id, email) VALUES (1, 'a'), (2, 'b');\n${block}`],
    ["20250103000000_it's", 'CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY, "userId" INTEGER NOT NULL REFERENCES "User"("id"));\r\n'],
  ];
}

/** The second statement fails: SQLite keeps the first (statement by statement), PostgreSQL neither (one implicit transaction). */
const FAILING: [string, string] = ['20250104000000_bad', 'CREATE TABLE "Half" ("id" INTEGER);\nINSERT INTO "User" (id, email) VALUES (1, \'again\');\n'];
const AFTER_FAILING: [string, string] = ['20250105000000_never', 'CREATE TABLE "Never" ("id" INTEGER);\n'];

async function rows(connection: SqlDriverAdapter, sql: string): Promise<unknown[][]> {
  return (await connection.queryRaw({ sql, args: [], argTypes: [] })).rows;
}

/** The schema and data a comparison covers, bookkeeping table included; generated names and timestamps left out. */
async function snapshot(connection: SqlDriverAdapter): Promise<Record<string, unknown>> {
  const history = await rows(
    connection,
    `SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NULL, applied_steps_count, logs IS NOT NULL FROM _prisma_migrations ORDER BY started_at, migration_name`,
  );
  if (connection.provider === 'sqlite') {
    return {
      history,
      catalog: await rows(connection, `SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite%' ORDER BY type, name`),
      users: await rows(connection, 'SELECT id, email FROM "User" ORDER BY id'),
    };
  }
  return {
    history,
    columns: await rows(
      connection,
      `SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, coalesce(column_default, '')::text, coalesce(character_maximum_length, 0)::int
         FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, 2`,
    ),
    indexes: await rows(connection, `SELECT indexname::text, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%pkey' ORDER BY 1`),
    users: await rows(connection, 'SELECT id, email FROM "User" ORDER BY id'),
  };
}

/** Prisma's engine applying `folder` into `database` on its own (its `applyMigrations`, as `migrate deploy` calls it). */
async function engineApply(database: EngineDatabase, project: TempProject, provider: Provider): Promise<string | undefined> {
  const bound = bindMigrationAwareSqlAdapterFactory(absentHistoryReadsEmpty(database.factory));
  const engine = await newSchemaEngine([{ path: project.schemaPath, content: project.schemaText() }], bound, () => undefined);
  try {
    await engine.applyMigrations({
      migrationsList: toEngineMigrationList(readMigrationsFolder(project.migrationsDir), undefined, provider),
      filters: { externalTables: [], externalEnums: [] },
    });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    engine.free();
  }
}

for (const [label, fixture] of fixtures) {
  describe(`apply without the engine on ${label}, compared with the engine's own apply`, () => {
    let project: TempProject;
    const opened: Array<{ engine: MigrationEngine; drop(): Promise<void> }> = [];
    /** A new database with our engine on it; the engine disposes the database. */
    const open = async () => {
      const { database, drop } = await fixture.open();
      const engine = new MigrationEngine({ database, schemaFiles: [{ path: project.schemaPath, content: project.schemaText() }], configDir: project.root });
      opened.push({ engine, drop });
      return { database, engine };
    };

    before(() => {
      project = tempProject(fixture.provider, 'model User {\n  id Int @id\n  email String @unique\n}\n');
      for (const [name, sql] of history(fixture.provider)) project.addMigration(name, sql);
    });
    after(async () => {
      for (const { engine, drop } of opened) {
        await engine.dispose();
        await drop();
      }
      project.remove();
    });

    it('a history applied into a new database: the same rows, bookkeeping table, schema and data', async () => {
      const byEngine = (await open()).database;
      const { database: byUs, engine } = await open();
      assert.equal(await engineApply(byEngine, project, fixture.provider), undefined);
      assert.deepEqual(await engine.applyPending(readMigrationsFolder(project.migrationsDir)), history(fixture.provider).map(([name]) => name));
      const [expected, actual] = [await snapshot(await byEngine.factory.mainConnection()), await snapshot(await byUs.factory.mainConnection())];
      assert.equal((expected.history as unknown[]).length, 3);
      assert.deepEqual(actual, expected);

      // A failing migration, then one after it: both stop at the same place and record it alike.
      project.addMigration(...FAILING);
      project.addMigration(...AFTER_FAILING);
      const engineError = await engineApply(byEngine, project, fixture.provider);
      assert.ok(engineError, 'the engine fails on the bad migration');
      await expectMigrateError(engine.applyPending(readMigrationsFolder(project.migrationsDir)), 'migrationFailed', /Migration 20250104000000_bad failed: .*(UNIQUE|unique)/);
      const [failedExpected, failedActual] = [await snapshot(await byEngine.factory.mainConnection()), await snapshot(await byUs.factory.mainConnection())];
      assert.deepEqual(failedActual, failedExpected);
      const logs = await rows(await byUs.factory.mainConnection(), `SELECT logs FROM _prisma_migrations WHERE migration_name = '20250104000000_bad'`);
      assert.match(
        String(logs[0][0]),
        /^A migration failed to apply\. New migrations cannot be applied before the error is recovered from\.[^\n]*\n\nMigration name: 20250104000000_bad\n\nDatabase error code: \w+\n\nDatabase error:\n.*(UNIQUE|unique)/,
      );
    });

    it('a database with tables and no history: refused as Prisma refuses it (P3005), nothing created', async () => {
      const { database, engine } = await open();
      const connection = await database.factory.mainConnection();
      await connection.executeScript('CREATE TABLE "Existing" ("id" INTEGER)');
      await expectMigrateError(engine.applyPending(readMigrationsFolder(project.migrationsDir)), 'state', /not empty/);
      const historyTable =
        connection.provider === 'sqlite'
          ? `SELECT name FROM sqlite_master WHERE name = '_prisma_migrations'`
          : `SELECT 1 WHERE to_regclass('_prisma_migrations') IS NOT NULL`;
      assert.deepEqual(await rows(connection, historyTable), []);
    });
  });
}
