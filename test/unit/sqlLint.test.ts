import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { lintMigrationSql, type SqlDialect } from '../../src/core/lint/sqlLint';
import { splitStatements } from '../../src/core/lint/sqlStatements';

const rules = (sql: string, dialect: SqlDialect = 'postgresql') => lintMigrationSql(sql, dialect).map((f) => `${f.line}:${f.rule}`);

describe('splitStatements', () => {
  test('splits at top-level semicolons only, with 1-based start positions', () => {
    const script = [
      "-- a comment; not a statement",
      "INSERT INTO t VALUES ('a;b', 'it''s');",
      '  CREATE FUNCTION f() RETURNS void AS $fn$ BEGIN PERFORM 1; END $fn$ LANGUAGE plpgsql;',
      '/* block /* nested; */ still; */ SELECT "weird;name" FROM t',
    ].join('\n');
    const { statements, comments } = splitStatements(script);
    assert.deepEqual(
      statements.map((s) => [s.line, s.column, s.normalized]),
      [
        [2, 1, "INSERT INTO T VALUES ('', '')"],
        [3, 3, 'CREATE FUNCTION F() RETURNS VOID AS $BODY$ LANGUAGE PLPGSQL'],
        [4, 34, 'SELECT "WEIRD;NAME" FROM T'],
      ],
    );
    assert.deepEqual(statements[0].strings, ['a;b', "it's"]);
    assert.deepEqual(comments.map((c) => c.line), [1, 4]);
  });

  test('records double-quoted tokens with their place in the statement, "" read as one quote', () => {
    const [statement] = splitStatements('-- c\nUPDATE "a""b" SET x = \'"not a token"\' WHERE y = "v";').statements;
    assert.deepEqual(statement.quoted, [
      { offset: 7, length: 6, value: 'a"b' },
      { offset: 48, length: 3, value: 'v' },
    ]);
    assert.equal(statement.text.slice(48, 51), '"v"');
  });
});

describe('lintMigrationSql, rule by rule', () => {
  test('sql-drop-table and sql-drop-column', () => {
    assert.deepEqual(rules('DROP TABLE "Post";\nALTER TABLE "User" DROP COLUMN "name", DROP CONSTRAINT "x";'), ['1:sql-drop-table', '2:sql-drop-column']);
    const [finding] = lintMigrationSql('ALTER TABLE "public"."User" DROP COLUMN "name";', 'postgresql');
    assert.equal(finding.message, 'Drops "name" from "User" with its data.');
    assert.deepEqual(rules('ALTER TABLE "User" DROP CONSTRAINT "User_pkey";'), []);
  });

  test('sql-not-null-without-default', () => {
    assert.deepEqual(rules('ALTER TABLE "User" ADD COLUMN "role" TEXT NOT NULL;'), ['1:sql-not-null-without-default']);
    assert.equal(lintMigrationSql('ALTER TABLE "User" ADD COLUMN "role" TEXT NOT NULL;', 'postgresql')[0].severity, 'error');
    assert.deepEqual(rules("ALTER TABLE \"User\" ADD COLUMN \"role\" TEXT NOT NULL DEFAULT 'user';"), []);
    assert.deepEqual(rules('ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;'), ['1:sql-not-null-without-default']);
  });

  test('sql-index-without-concurrently, PostgreSQL only', () => {
    assert.deepEqual(rules('CREATE UNIQUE INDEX "a" ON "T"("x");\nDROP INDEX "a";\nCREATE INDEX CONCURRENTLY "b" ON "T"("y");'), [
      '1:sql-index-without-concurrently',
      '2:sql-index-without-concurrently',
    ]);
    assert.deepEqual(rules('CREATE INDEX "a" ON "T"("x");', 'sqlite'), []);
  });

  test('sql-constraint-without-not-valid', () => {
    const fk = 'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id")';
    assert.deepEqual(rules(`${fk};`), ['1:sql-constraint-without-not-valid']);
    assert.deepEqual(rules(`${fk} NOT VALID;`), []);
    assert.deepEqual(rules('ALTER TABLE "T" ADD CONSTRAINT "c" CHECK ("x" > 0);'), ['1:sql-constraint-without-not-valid']);
  });

  test('sql-column-type-change', () => {
    assert.deepEqual(rules('ALTER TABLE "T" ALTER COLUMN "x" SET DATA TYPE BIGINT;'), ['1:sql-column-type-change']);
    assert.deepEqual(rules('ALTER TABLE "T" ALTER COLUMN "x" TYPE TEXT USING "x"::text;'), ['1:sql-column-type-change']);
    assert.deepEqual(rules('ALTER TABLE `T` MODIFY `x` BIGINT NOT NULL DEFAULT 0;', 'mysql'), ['1:sql-column-type-change']);
  });

  test('sql-enum-value-used-in-same-migration', () => {
    const sql = "ALTER TYPE \"Role\" ADD VALUE 'ADMIN';\nUPDATE \"User\" SET \"role\" = 'ADMIN' WHERE \"id\" = 1;";
    assert.deepEqual(rules(sql), ['2:sql-enum-value-used-in-same-migration', '2:sql-mixed-schema-and-data']);
    assert.deepEqual(rules("ALTER TYPE \"Role\" ADD VALUE 'ADMIN';"), []);
  });

  test('sql-truncate, sql-cascade', () => {
    assert.deepEqual(rules('TRUNCATE "Log";\nDROP TABLE "A" CASCADE;'), ['1:sql-truncate', '2:sql-drop-table', '2:sql-cascade']);
  });

  test('sql-mixed-schema-and-data, once per migration', () => {
    assert.deepEqual(rules('ALTER TABLE "T" ADD COLUMN "x" INTEGER;\nUPDATE "T" SET "x" = 1;\nDELETE FROM "T" WHERE "x" IS NULL;'), ['2:sql-mixed-schema-and-data']);
    assert.deepEqual(rules("INSERT INTO \"T\" VALUES (1);"), [], 'data alone is not mixed');
  });

  test('a disable comment silences the named rule on the next statement only', () => {
    const sql = '-- prisma-migrations-disable-next-line sql-drop-table\nDROP TABLE "A";\nDROP TABLE "B";';
    assert.deepEqual(rules(sql), ['3:sql-drop-table']);
    assert.deepEqual(rules('-- prisma-migrations-disable-next-line sql-truncate\nDROP TABLE "A";'), ['2:sql-drop-table'], 'another rule is not silenced');
  });
});

describe("lintMigrationSql on the engine's own migrations", () => {
  test("SQLite's table redefinition (copy into new_T, drop T, rename) is neither a drop nor a data change", () => {
    const redefine = [
      'PRAGMA defer_foreign_keys=ON;',
      'PRAGMA foreign_keys=OFF;',
      'CREATE TABLE "new_User" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL);',
      'INSERT INTO "new_User" ("email", "id") SELECT "email", "id" FROM "User";',
      'DROP TABLE "User";',
      'ALTER TABLE "new_User" RENAME TO "User";',
      'PRAGMA foreign_keys=ON;',
    ].join('\n');
    assert.deepEqual(rules(redefine, 'sqlite'), []);
  });

  test('the example project and the test fixtures hold nothing to report', () => {
    const roots = ['example/prisma/migrations', 'test/fixtures/commands-workspace/sqlite-app/prisma/migrations', 'test/fixtures/commands-workspace/pg-app/prisma/migrations'];
    for (const root of roots) {
      const dir = path.resolve(__dirname, '../..', root);
      const dialect: SqlDialect = root.includes('pg-app') ? 'postgresql' : 'sqlite';
      for (const migration of readdirSync(dir).filter((name) => /^\d/.test(name))) {
        const sql = readFileSync(path.join(dir, migration, 'migration.sql'), 'utf8');
        assert.deepEqual(rules(sql, dialect), [], `${root}/${migration}`);
      }
    }
  });
});
