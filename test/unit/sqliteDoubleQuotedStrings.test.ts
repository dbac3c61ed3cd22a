import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { openSqlite } from '../../src/core/db/sqlite';
import type { EngineDatabase } from '../../src/core/db/target';

describe('SQLite scripts with double-quoted strings, as the sqlite3 CLI runs them', () => {
  let dir: string;
  let database: EngineDatabase;
  let connection: SqlDriverAdapter;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pm-dqs-unit-'));
    database = openSqlite(path.join(dir, 'dev.db'));
    connection = await database.factory.mainConnection();
  });
  after(async () => {
    await database.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a token is a string only where it resolves to no column, by scope', async () => {
    await connection.executeScript(`
      CREATE TABLE "internal" ("x" TEXT, "b" TEXT);
      CREATE TABLE "u" ("only_u" TEXT);
      INSERT INTO "u" VALUES ('from u');
      -- The table's name in the same statement as the string "internal"; quotes and "" inside.
      INSERT INTO "internal" ("x", "b") VALUES ("it's ""quoted""", "internal");
      INSERT INTO "internal" ("x", "b") VALUES ('y', "only_u");
      -- "only_u" is u's column inside the subquery and a string outside it.
      UPDATE "internal" SET "x" = (SELECT "only_u" FROM "u") WHERE "b" = "only_u";
      -- "x" is the table's column.
      UPDATE "internal" SET "b" = "x" WHERE "b" = "internal";
    `);
    const result = await connection.queryRaw({ sql: 'SELECT "x", "b" FROM "internal" ORDER BY rowid', args: [], argTypes: [] });
    // What the sqlite3 CLI 3.40 (default build, DQS on) leaves after the same script.
    assert.deepEqual(result.rows, [
      [`it's "quoted"`, `it's "quoted"`],
      ['from u', 'only_u'],
    ]);
  });

  test('stops at the statement that fails, with its own error, after running the ones before it', async () => {
    await assert.rejects(
      connection.executeScript('CREATE TABLE "t" ("a" TEXT); UPDATE "t" SET "nope" = "a value"; CREATE TABLE "never" ("a" TEXT);'),
      /no such column: nope/,
    );
    const tables = await connection.queryRaw({ sql: `SELECT name FROM sqlite_master WHERE name IN ('t', 'never')`, args: [], argTypes: [] });
    assert.deepEqual(tables.rows, [['t']]);
  });

  test('names the trigger whose stored SQL writes the string in double quotes', async () => {
    await connection.executeScript(`
      CREATE TABLE "job" ("id" INTEGER, "end" TEXT);
      CREATE TRIGGER "job_done" AFTER INSERT ON "job" BEGIN UPDATE "job" SET "end" = "done" WHERE "id" = NEW."id"; END;
    `);
    await assert.rejects(
      connection.executeScript('INSERT INTO "job" ("id") VALUES (1);'),
      (error: Error) => {
        assert.equal(
          error.message,
          `SQLITE_ERROR: no such column: done (the trigger job_done writes "done": SQLite's default build reads a double-quoted name that no column has as a string, libsql and node:sqlite only as a name; write 'done')`,
        );
        return true;
      },
    );
  });
});
