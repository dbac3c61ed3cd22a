// One conformance suite for the two SQLite drivers behind the same interface: libsql (the CLI on Node 20)
// and node:sqlite (the extension host, the language server, the CLI on newer Node). Both run here, in one
// process: libsql's binary is N-API and loads in any Node, node:sqlite needs Node ≥ 22.16, so `npm test`
// runs this file under the Node 24 it installs for code-server (scripts/test.mjs).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ColumnTypeEnum, type SqlDriverAdapter, type SqlQuery } from '@prisma/driver-adapter-utils';
import { libsqlDriver } from '../../src/core/db/libsqlDriver';
import { openSqlite } from '../../src/core/db/sqlite';
import { nodeSqliteDriver, sqliteDriver, type SqliteDriver } from '../../src/core/db/sqliteDriver';
import { MigrationEngine } from '../../src/core/engine/migrationEngine';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { readStatus } from '../../src/core/operations/status';
import { evaluateOnDevDatabase } from '../../src/core/schemaChanges/devDatabase';
import { tempProject } from '../helpers/tempProject';
import { engineSuite } from './engineSuite';

const nodeSqlite = nodeSqliteDriver();
if (!nodeSqlite) {
  throw new Error(
    `This suite needs node:sqlite with StatementSync.columns() and setReturnArrays() (Node ≥ 22.16); this is Node ${process.version}. ` +
      'npm test runs it under the Node 24 in .cache/vscode (`node --import tsx scripts/vscode-env.ts --node` installs it and prints its path).',
  );
}
const drivers: SqliteDriver[] = [libsqlDriver, nodeSqlite];

const { Int32, Int64, Float, Double, Numeric, Boolean, Text, Date, DateTime, Json, Bytes, UnknownNumber } = ColumnTypeEnum;

const sql = (text: string, args: unknown[] = [], scalarTypes: string[] = []): SqlQuery => ({
  sql: text,
  args,
  argTypes: args.map((_, i) => ({ scalarType: (scalarTypes[i] ?? 'unknown') as SqlQuery['argTypes'][number]['scalarType'], arity: 'scalar' as const })),
});

/** The `cause` of a driver adapter error, for comparing what both drivers report. */
async function causeOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    assert.equal((error as Error).name, 'DriverAdapterError', String(error));
    return (error as { cause: Record<string, unknown> }).cause;
  }
  assert.fail('expected a DriverAdapterError');
}

/** A failed COMMIT: libsql's adapter passes its client's error on as it is, node:sqlite's maps it (ForeignKeyConstraintViolation). */
const foreignKeyFailure = (error: unknown) =>
  /FOREIGN KEY constraint failed/.test((error as { cause?: { originalMessage?: string } }).cause?.originalMessage ?? String(error));

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

it('selects node:sqlite on this runtime', () => {
  assert.equal(sqliteDriver().name, 'node:sqlite');
});

for (const driver of drivers) {
  describe(`the ${driver.name} adapter`, () => {
    let dir: string;
    let file: string;
    let db: SqlDriverAdapter;
    const open = () => driver.factory(file, { readOnly: false }).connect();

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), `pm-driver-${driver.name.replace(':', '-')}-`));
      file = path.join(dir, 'dev.db');
      db = await open();
      await db.executeScript(`
        CREATE TABLE "Sample" (
          "id" INTEGER NOT NULL PRIMARY KEY, "int" INTEGER, "big" BIGINT, "real" REAL, "float" FLOAT, "decimal" DECIMAL,
          "text" TEXT, "varchar" VARCHAR(20), "bytes" BLOB, "at" DATETIME, "day" DATE, "flag" BOOLEAN, "json" JSONB, "untyped"
        );
        CREATE TABLE "Parent" ("id" INTEGER NOT NULL PRIMARY KEY, "email" TEXT NOT NULL UNIQUE);
        CREATE TABLE "Child" ("id" INTEGER NOT NULL PRIMARY KEY, "parentId" INTEGER NOT NULL REFERENCES "Parent" ("id"));
      `);
    });
    after(async () => {
      await db.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('round-trips every type: 64-bit integers beyond 2^53 as strings, blobs as bytes, dates as text, booleans as 0/1, NULLs', async () => {
      const insert = 'INSERT INTO "Sample" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
      const types = ['int', 'int', 'bigint', 'float', 'float', 'decimal', 'string', 'string', 'bytes', 'datetime', 'string', 'boolean', 'json', 'bigint'];
      const full = [1, 42, '9223372036854775807', 1.5, 2.25, '12.5', 'héllo', 'v', 'AQID', '2024-01-02T03:04:05.678Z', '2024-01-02', true, '{"a":1}', '-9007199254740993'];
      assert.equal(await db.executeRaw(sql(insert, full, types)), 1);
      assert.equal(await db.executeRaw(sql(insert, [2, ...Array<null>(13).fill(null)], types)), 1);
      // A real in an INTEGER column reads truncated; a DATETIME stored as Unix milliseconds reads as ISO text.
      await db.executeRaw(sql('INSERT INTO "Sample" ("id", "int", "at") VALUES (3, ?, ?)', [2.7, 1700000000000], ['float', 'int']));
      const result = await db.queryRaw(sql('SELECT * FROM "Sample" ORDER BY "id"'));
      assert.deepEqual(result.columnNames, ['id', 'int', 'big', 'real', 'float', 'decimal', 'text', 'varchar', 'bytes', 'at', 'day', 'flag', 'json', 'untyped']);
      // VARCHAR(20) is no declared type the adapters know: its first value says Text.
      assert.deepEqual(result.columnTypes, [Int32, Int32, Int64, Double, Float, Numeric, Text, Text, Bytes, DateTime, Date, Boolean, Json, Int64]);
      const nulls = (n: number) => Array<null>(n).fill(null);
      assert.deepEqual(result.rows, [
        [1, 42, '9223372036854775807', 1.5, 2.25, 12.5, 'héllo', 'v', new Uint8Array([1, 2, 3]), '2024-01-02T03:04:05.678+00:00', '2024-01-02', 1, '{"a":1}', '-9007199254740993'],
        [2, ...nulls(13)],
        [3, 2, ...nulls(7), '2023-11-14T22:13:20.000Z', ...nulls(4)],
      ]);
    });

    it('types expressions by their values: numbers as unknown numbers, wide integers as Int64, all-NULL columns as Int32', async () => {
      const result = await db.queryRaw(sql(`SELECT 1 AS one, 2.5 AS half, 'x' AS s, x'0102' AS blob, NULL AS none, 9007199254740993 AS beyond, count(*) AS n FROM "Sample"`));
      assert.deepEqual(result.columnTypes, [UnknownNumber, UnknownNumber, Text, Bytes, Int32, Int64, UnknownNumber]);
      assert.deepEqual(result.rows, [[1, 2.5, 'x', new Uint8Array([1, 2]), null, '9007199254740993', 3]]);
      const empty = await db.queryRaw(sql('SELECT "untyped", 1 + 1 AS two FROM "Sample" WHERE 0'));
      assert.deepEqual(empty, { columnNames: ['untyped', 'two'], columnTypes: [Int32, Int32], rows: [] });
    });

    it('counts affected rows; a statement that returns rows counts 0; no lastInsertId (the rowid through SQL)', async () => {
      assert.equal(await db.executeRaw(sql(`INSERT INTO "Parent" ("id", "email") VALUES (1, 'a@x'), (2, 'b@x')`)), 2);
      assert.equal(await db.executeRaw(sql(`UPDATE "Parent" SET "email" = "email" || '.test'`)), 2);
      assert.equal(await db.executeRaw(sql('SELECT * FROM "Parent"')), 0);
      const inserted = await db.queryRaw(sql(`INSERT INTO "Parent" ("email") VALUES ('c@x')`));
      assert.deepEqual(inserted, { columnNames: [], columnTypes: [], rows: [] });
      assert.deepEqual((await db.queryRaw(sql('SELECT last_insert_rowid() AS id'))).rows, [[3]]);
    });

    it('refuses arguments SQLite would store wrongly', async () => {
      await assert.rejects(db.queryRaw(sql('SELECT ?', [Number.NaN], ['float'])), RangeError);
      await assert.rejects(db.queryRaw(sql('SELECT ?', [undefined], ['unknown'])), TypeError);
    });

    it('maps errors to the same DriverAdapterError kinds, worded as libsql words them', async () => {
      assert.deepEqual(await causeOf(db.executeRaw(sql(`INSERT INTO "Parent" ("email") VALUES ('a@x.test')`))), {
        kind: 'UniqueConstraintViolation',
        constraint: { fields: ['email'] },
        table: 'Parent',
        originalCode: '2067',
        originalMessage: 'SQLITE_CONSTRAINT: UNIQUE constraint failed: Parent.email',
      });
      assert.deepEqual(await causeOf(db.executeRaw(sql(`INSERT INTO "Parent" ("id", "email") VALUES (1, 'z@x')`))), {
        kind: 'UniqueConstraintViolation',
        constraint: { fields: ['id'] },
        table: 'Parent',
        originalCode: '1555',
        originalMessage: 'SQLITE_CONSTRAINT: UNIQUE constraint failed: Parent.id',
      });
      assert.deepEqual(await causeOf(db.executeRaw(sql('INSERT INTO "Parent" ("email") VALUES (NULL)'))), {
        kind: 'NullConstraintViolation',
        constraint: { fields: ['email'] },
        originalCode: '1299',
        originalMessage: 'SQLITE_CONSTRAINT: NOT NULL constraint failed: Parent.email',
      });
      // Foreign keys are enforced from the start on both.
      assert.deepEqual((await db.queryRaw(sql('PRAGMA foreign_keys'))).rows, [[1]]);
      assert.deepEqual(await causeOf(db.executeRaw(sql('INSERT INTO "Child" ("parentId") VALUES (99)'))), {
        kind: 'ForeignKeyConstraintViolation',
        constraint: { foreignKey: {} },
        originalCode: '787',
        originalMessage: 'SQLITE_CONSTRAINT: FOREIGN KEY constraint failed',
      });
      assert.deepEqual(await causeOf(db.executeRaw(sql('INSERT INTO "Parent" ("nope") VALUES (1)'))), {
        kind: 'ColumnNotFound',
        column: 'nope',
        originalCode: '1',
        originalMessage: 'SQLITE_ERROR: table Parent has no column named nope',
      });
      // A missing table or column in a query stays a `sqlite` error on both (sqlite.ts maps the table).
      const generic = (message: string) => ({ kind: 'sqlite', extendedCode: 1, message, originalCode: '1', originalMessage: message });
      assert.deepEqual(await causeOf(db.queryRaw(sql('SELECT * FROM "Nope"'))), generic('SQLITE_ERROR: no such table: Nope'));
      assert.deepEqual(await causeOf(db.queryRaw(sql('SELECT nope FROM "Parent"'))), generic('SQLITE_ERROR: no such column: nope'));
      assert.deepEqual(await causeOf(db.executeScript('SELEC 1')), generic('SQLITE_ERROR: near "SELEC": syntax error'));
      assert.deepEqual(await causeOf(db.startTransaction('READ COMMITTED')), { kind: 'InvalidIsolationLevel', level: 'READ COMMITTED' });
    });

    it('reports a file another connection holds (as migrationLock.ts holds it) as SocketTimeout with the busy code', async () => {
      const holder = await open();
      const other = await open();
      try {
        await holder.executeScript('PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;');
        assert.deepEqual(await causeOf(other.queryRaw(sql('SELECT count(*) FROM "Parent"'))), {
          kind: 'SocketTimeout',
          originalCode: '5',
          originalMessage: 'SQLITE_BUSY: database is locked',
        });
        await holder.executeScript('PRAGMA locking_mode = NORMAL; SELECT count(*) FROM sqlite_master;');
        assert.deepEqual((await other.queryRaw(sql('SELECT count(*) AS n FROM "Parent"'))).rows, [[3]]);
      } finally {
        await holder.dispose();
        await other.dispose();
      }
    });

    it('commits and rolls back transactions (savepoints too); the adapter waits while one is open', async () => {
      const count = async () => (await db.queryRaw(sql('SELECT count(*) AS n FROM "Parent"'))).rows[0][0];
      const rolledBack = await db.startTransaction();
      assert.deepEqual(rolledBack.options, { usePhantomQuery: true });
      await rolledBack.executeRaw(sql(`INSERT INTO "Parent" ("email") VALUES ('rolled back')`));
      await rolledBack.rollback();
      assert.equal(await count(), 3);

      const committed = await db.startTransaction('SERIALIZABLE');
      await committed.executeRaw(sql(`INSERT INTO "Parent" ("email") VALUES ('kept')`));
      await committed.createSavepoint!('sp');
      await committed.executeRaw(sql(`INSERT INTO "Parent" ("email") VALUES ('undone')`));
      await committed.rollbackToSavepoint!('sp');
      await committed.releaseSavepoint!('sp');
      let read = false;
      const outside = count().finally(() => (read = true));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(read, false, 'a query on the adapter ran inside the open transaction');
      await committed.commit();
      assert.equal(await outside, 4);
      assert.deepEqual((await db.queryRaw(sql(`SELECT "email" FROM "Parent" WHERE "email" IN ('kept', 'undone')`))).rows, [['kept']]);
    });

    it('runs scripts of many statements: up to a failing one, and rolls back a transaction a script leaves open', async () => {
      await db.executeScript(`CREATE TABLE "A" ("x" INTEGER); INSERT INTO "A" VALUES (1); INSERT INTO "A" VALUES (2);`);
      await assert.rejects(db.executeScript(`INSERT INTO "A" VALUES (3); INSERT INTO "Nope" VALUES (4); INSERT INTO "A" VALUES (5);`));
      await db.executeScript(`BEGIN; INSERT INTO "A" VALUES (6);`);
      assert.deepEqual((await db.queryRaw(sql('SELECT "x" FROM "A" ORDER BY "x"'))).rows, [[1], [2], [3]]);
    });

    it('connects to an in-memory shadow database', async () => {
      const shadow = await driver.factory(file, { readOnly: false }).connectToShadowDb();
      try {
        await shadow.executeScript('CREATE TABLE "S" ("x" TEXT); INSERT INTO "S" VALUES (\'shadow\');');
        assert.deepEqual((await shadow.queryRaw(sql('SELECT "x" FROM "S"'))).rows, [['shadow']]);
        assert.deepEqual((await db.queryRaw(sql(`SELECT count(*) FROM sqlite_master WHERE name = 'S'`))).rows, [[0]]);
      } finally {
        await shadow.dispose();
      }
    });

    // Last: libsql's failed transaction keeps its connection, and the file's write lock, until garbage-collected.
    it('reports a COMMIT that fails (a deferred foreign key) and leaves the adapter outside any transaction', async () => {
      await db.executeScript(`CREATE TABLE "DeferredChild" ("id" INTEGER PRIMARY KEY, "parentId" INTEGER REFERENCES "Parent" ("id") DEFERRABLE INITIALLY DEFERRED);`);
      const transaction = await db.startTransaction();
      await transaction.executeRaw(sql('INSERT INTO "DeferredChild" ("parentId") VALUES (99)'));
      await assert.rejects(transaction.commit(), foreignKeyFailure);
      await transaction.rollback();
      assert.deepEqual((await db.queryRaw(sql('SELECT count(*) FROM "DeferredChild"'))).rows, [[0]]);
    });

    if (driver.name === 'node:sqlite') {
      it('opens a file read-only for real (libsql can only be made query-only)', async () => {
        const reader = await driver.factory(file, { readOnly: true }).connect();
        try {
          assert.deepEqual((await reader.queryRaw(sql('PRAGMA query_only'))).rows, [[0]]);
          assert.deepEqual(await causeOf(reader.executeScript('DELETE FROM "Parent"')), {
            kind: 'sqlite',
            extendedCode: 8,
            message: 'SQLITE_READONLY: attempt to write a readonly database',
            originalCode: '8',
            originalMessage: 'SQLITE_READONLY: attempt to write a readonly database',
          });
        } finally {
          await reader.dispose();
        }
      });

      it('writes again after a COMMIT that failed (libsql leaves the failed transaction on a connection of its own)', async () => {
        const transaction = await db.startTransaction();
        await transaction.executeRaw(sql('INSERT INTO "DeferredChild" ("parentId") VALUES (98)'));
        await assert.rejects(transaction.commit(), foreignKeyFailure);
        assert.equal(await db.executeRaw(sql('INSERT INTO "DeferredChild" ("parentId") VALUES (NULL)')), 1);
      });

      // libsql closes its connection only when the handle is garbage-collected: until then the file stays held.
      it('gives a held file back on dispose', async () => {
        const holder = await open();
        const other = await open();
        try {
          await holder.executeScript('PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;');
          await holder.dispose();
          await other.executeScript('CREATE TABLE "AfterDispose" ("x" INTEGER); DROP TABLE "AfterDispose";');
        } finally {
          await other.dispose();
        }
      });
    }
  });

  describe(`the project's SQLite connections on ${driver.name}`, () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), `pm-sqlite-${driver.name.replace(':', '-')}-`));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('reads a missing table as TableDoesNotExist, for the engine', async () => {
      const database = openSqlite(path.join(dir, 'tables.db'), { driver });
      try {
        const connection = await database.factory.mainConnection();
        assert.deepEqual(await causeOf(connection.queryRaw(sql('SELECT * FROM "_prisma_migrations"'))), { kind: 'TableDoesNotExist', table: '_prisma_migrations' });
      } finally {
        await database.dispose();
      }
    });

    it("reads a double-quoted name no column has as a string, as SQLite's default build does, and names a trigger that stores one", async () => {
      const database = openSqlite(path.join(dir, 'dqs.db'), { driver });
      try {
        const connection = await database.factory.mainConnection();
        await connection.executeScript(`CREATE TABLE "config" ("category" TEXT); INSERT INTO "config" VALUES ('x'); UPDATE "config" SET "category" = "internal";`);
        assert.deepEqual((await connection.queryRaw(sql('SELECT "category" FROM "config"'))).rows, [['internal']]);
        await connection.executeScript(`CREATE TABLE "job" ("id" INTEGER, "end" TEXT); CREATE TRIGGER "job_done" AFTER INSERT ON "job" BEGIN UPDATE "job" SET "end" = "done"; END;`);
        await assert.rejects(connection.executeScript('INSERT INTO "job" ("id") VALUES (1);'), /no such column: "?done"?.* \(the trigger job_done writes "done": .*write 'done'\)$/);
      } finally {
        await database.dispose();
      }
    });

    it('opened read-only, refuses writes and leaves the file byte for byte; a missing file is not created', async () => {
      const file = path.join(dir, 'read.db');
      const writable = openSqlite(file, { driver });
      await (await writable.factory.mainConnection()).executeScript('CREATE TABLE "T" ("x" INTEGER); INSERT INTO "T" VALUES (1);');
      await writable.dispose();
      const before = sha256(file);
      const reading = openSqlite(file, { readOnly: true, driver });
      try {
        const connection = await reading.factory.mainConnection();
        assert.deepEqual((await connection.queryRaw(sql('SELECT "x" FROM "T"'))).rows, [[1]]);
        await assert.rejects(connection.executeScript('INSERT INTO "T" VALUES (2);'), /readonly|read-only|query_only/i);
        await assert.rejects(connection.executeRaw(sql('DELETE FROM "T"')), /readonly|read-only|query_only/i);
        const transaction = await connection.startTransaction();
        await transaction.commit();
        await assert.rejects(connection.executeScript('INSERT INTO "T" VALUES (3);'), /readonly|read-only|query_only/i);
      } finally {
        await reading.dispose();
      }
      assert.equal(sha256(file), before);
      const missing = openSqlite(path.join(dir, 'missing.db'), { readOnly: true, driver });
      try {
        await (await missing.factory.mainConnection()).queryRaw(sql('SELECT 1'));
      } finally {
        await missing.dispose();
      }
      assert.equal(existsSync(path.join(dir, 'missing.db')), false);
    });

    it('the editor reads status and data-loss counts through a read-only open, the file unchanged', async () => {
      const project = tempProject('sqlite', 'model User {\n  id   Int     @id\n  name String?\n}\n');
      const file = path.join(project.root, 'dev.db');
      project.addMigration('20240101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT);\n');
      const schemaFiles = () => [{ path: project.schemaPath, content: project.schemaText() }];
      const writer = new MigrationEngine({ database: openSqlite(file, { driver }), schemaFiles: schemaFiles(), configDir: project.root });
      try {
        await writer.applyPending(readMigrationsFolder(project.migrationsDir));
        await writer.execute(`INSERT INTO "User" ("id", "name") VALUES (1, 'a'), (2, 'b')`);
      } finally {
        await writer.dispose();
      }
      const before = sha256(file);
      project.writeSchema('model User {\n  id Int @id\n}\n');
      const reader = new MigrationEngine({ database: openSqlite(file, { readOnly: true, driver }), schemaFiles: schemaFiles(), configDir: project.root });
      try {
        const folder = readMigrationsFolder(project.migrationsDir);
        const status = await readStatus(reader, folder, { drift: true });
        assert.deepEqual(status.migrations.map((m) => m.status), ['applied']);
        assert.equal(status.drift, null);
        const loss = await evaluateOnDevDatabase(reader, folder, []);
        assert.match(loss.warnings.map((w) => w.message).join('\n'), /drop the column `name`.*2 non-null values/s);
        await reader.dispose();
        assert.equal(sha256(file), before);
      } finally {
        await reader.dispose();
        project.remove();
      }
    });

    it('apply holds the file for itself while it migrates, and gives it back', async () => {
      const project = tempProject('sqlite', 'model A {\n  id Int @id\n}\n');
      const file = path.join(project.root, 'dev.db');
      project.addMigration('20240101000000_a', 'CREATE TABLE "A" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
      project.addMigration('20240102000000_b', 'CREATE TABLE "B" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
      const engine = new MigrationEngine({ database: openSqlite(file, { driver }), schemaFiles: [{ path: project.schemaPath, content: project.schemaText() }], configDir: project.root });
      const other = await driver.factory(file, { readOnly: false }).connect();
      const kinds: unknown[] = [];
      try {
        await engine.applyPending(readMigrationsFolder(project.migrationsDir), {
          onMigrationStart: () => {
            kinds.push(causeOf(other.executeScript('CREATE TABLE "Other" ("id" INTEGER)')).then((cause) => cause.kind));
          },
        });
        assert.deepEqual(await Promise.all(kinds), ['SocketTimeout', 'SocketTimeout']);
        await other.executeScript('CREATE TABLE "Other" ("id" INTEGER)');
      } finally {
        await other.dispose();
        await engine.dispose();
        project.remove();
      }
    });
  });

  engineSuite(`SQLite (${driver.name})`, {
    provider: 'sqlite',
    async open() {
      const dir = mkdtempSync(path.join(tmpdir(), 'pm-sqlite-'));
      return { database: openSqlite(path.join(dir, 'dev.db'), { driver }), drop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  });
}
