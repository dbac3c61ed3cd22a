// The starter test of a migration that changes rows: which migrations change rows (changesData), what
// they change (dataChanges), and the scaffold built from the tables before the migration, or templates
// without them. Pure: no database (test/cli/migrationTestScaffold.test.ts runs scaffolds).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { changesData, dataChanges } from '../../src/core/migrationTests/dataChanges';
import { parseMigrationTests } from '../../src/core/migrationTests/migrationTestFile';
import { scaffoldMigrationTest, type TableBefore } from '../../src/core/migrationTests/scaffold';
import { SPLIT_NAME } from '../helpers/splitName';

const FILE = '/project/prisma/migrations/2_split/migration.test.sql';

/** The tables the history leaves before the migration, as readTablesBefore reads them from SQLite. */
const USER: TableBefore = {
  table: { name: 'User' },
  columns: [
    { name: 'id', type: 'INTEGER', notNull: true },
    { name: 'fullName', type: 'TEXT', notNull: true },
    { name: 'role', type: 'TEXT', notNull: false },
  ],
  primaryKey: ['id'],
  foreignKeys: [],
};


/** The scaffold, which must parse as a test file without problems. */
function scaffold(sql: string, provider: 'sqlite' | 'postgresql', tables?: TableBefore[]): string {
  const text = scaffoldMigrationTest('2_split', sql, provider, tables);
  assert.ok(text !== undefined, 'the migration changes rows');
  const parsed = parseMigrationTests(text, FILE);
  assert.deepEqual(parsed.problems, []);
  assert.equal(parsed.tests.length, 1);
  return text;
}

describe('changesData', () => {
  const changing = {
    update: 'UPDATE "User" SET "role" = \'member\' WHERE "role" IS NULL;',
    insert: `INSERT INTO "Role" ("id", "name") VALUES (1, 'admin');`,
    'insert … select': 'INSERT INTO "Archive" SELECT * FROM "User";',
    delete: 'DELETE FROM "Session" WHERE "expiresAt" < now();',
    truncate: 'TRUNCATE TABLE "Log";',
    'a type change': 'ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE INTEGER USING "views"::integer;',
    'a dropped column': 'ALTER TABLE "User" DROP COLUMN "fullName";',
    'SET NOT NULL': 'ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;',
    "SQLite's redefinition": 'CREATE TABLE "new_User" ("id" INTEGER NOT NULL PRIMARY KEY);\nINSERT INTO "new_User" ("id") SELECT "id" FROM "User";\nDROP TABLE "User";\nALTER TABLE "new_User" RENAME TO "User";',
    'a column dropped and added again': 'ALTER TABLE "Post" DROP COLUMN "views", ADD COLUMN "views" INTEGER;',
  };
  for (const [what, sql] of Object.entries(changing)) test(`true for ${what}`, () => assert.equal(changesData(sql), true, sql));

  const notChanging = {
    'new tables, indexes and columns': 'CREATE TABLE "Tag" ("id" INTEGER NOT NULL PRIMARY KEY);\nCREATE INDEX "Tag_id" ON "Tag"("id");\nALTER TABLE "User" ADD COLUMN "bio" TEXT;',
    'a dropped table (nothing is left to check)': 'DROP TABLE "Legacy";',
    'a column of a dropped table': 'ALTER TABLE "Legacy" DROP COLUMN "x";\nDROP TABLE "Legacy";',
    'a new column made NOT NULL or converted (no rows of its own yet)': 'ALTER TABLE "User" ADD COLUMN "bio" TEXT;\nALTER TABLE "User" ALTER COLUMN "bio" SET NOT NULL, ALTER COLUMN "bio" TYPE VARCHAR(10);',
    'constraints and renames': 'ALTER TABLE "Post" DROP CONSTRAINT "Post_fkey", ADD CONSTRAINT "Post_x" UNIQUE ("x");\nALTER TABLE "Post" RENAME COLUMN "a" TO "b";\nALTER TABLE "Post" RENAME TO "Article";',
    'words in comments and strings': `-- UPDATE "User" SET "x" = 1;\nCOMMENT ON TABLE "User" IS 'DELETE FROM "User";';\n/* INSERT INTO "User" VALUES (1); */`,
    'an empty migration': '',
  };
  for (const [what, sql] of Object.entries(notChanging)) test(`false for ${what}`, () => assert.equal(changesData(sql), false, sql));
});

describe('dataChanges', () => {
  test('per table: the columns set, whether from themselves, dropped, renamed, and where', () => {
    const sql = [
      'ALTER TABLE "User" RENAME COLUMN "name" TO "fullName";',
      `UPDATE "User" SET "fullName" = trim("fullName"), "role" = 'member' WHERE "role" IS NULL;`,
      'ALTER TABLE "User" DROP COLUMN "legacy";',
      'ALTER TABLE "Post" RENAME TO "Article";',
      'ALTER TABLE "Article" ALTER COLUMN "views" TYPE BIGINT;',
    ].join('\n');
    const [user, article, ...more] = dataChanges(sql);
    assert.deepEqual(more, []);
    assert.deepEqual(user.table, { name: 'User' });
    assert.deepEqual([...user.columns].map(([column, kinds]) => [column, [...kinds]]), [['fullName', ['rewritten']], ['role', ['set']]]);
    assert.deepEqual([...user.renamed], [['fullName', 'name']]);
    assert.deepEqual(user.dropped, ['legacy']);
    assert.equal(user.line, 2);
    assert.deepEqual([article.table, article.before], [{ name: 'Article' }, { name: 'Post' }]);
    assert.deepEqual([...article.types], [['views', 'BIGINT']]);
  });

  test('deletes as an assertion reads them (alias, USING), inserts with their literal rows and the tables they read', () => {
    const sql = [
      `DELETE FROM "Session" s USING "User" u WHERE s."userId" = u."id" AND u."banned";`,
      `INSERT INTO "Role" ("id", "name", "since") VALUES (1, 'admin', '2024-01-01'::date), (-2, NULL, now());`,
      'INSERT INTO "Address" ("userId", "street") SELECT u."id", u."street" FROM "User" AS u JOIN "Town" t ON t."id" = u."townId";',
    ].join('\n');
    const [session, role, address] = dataChanges(sql);
    assert.deepEqual(session.deletes, [{ line: 1, from: '"Session" "s", "User" u', where: 's."userId" = u."id" AND u."banned"' }]);
    assert.deepEqual(role.inserts, [{ line: 2, columns: ['id', 'name', 'since'], rows: [['1', "'admin'", "'2024-01-01'::date"], ['-2', 'NULL', undefined]] }]);
    assert.deepEqual(address.inserts, [{ line: 3, columns: ['userId', 'street'] }]);
    assert.deepEqual(address.sources, [{ name: 'User' }, { name: 'Town' }]);
  });
});

describe('scaffoldMigrationTest', () => {
  test('a data migration: a row built from the columns before it, then an assertion per column it fills', () => {
    assert.equal(
      scaffold(SPLIT_NAME.sqlite, 'sqlite', [USER]),
      [
        '-- A test of what 2_split does to the rows a database holds, run by `prisma-migrations test`',
        '-- on a scratch database (see prisma-migrations test --help). Make the rows below look like yours.',
        '',
        '-- test: migrates the rows of "User"',
        '-- Rows as they are before the migration:',
        `INSERT INTO "User" ("id", "fullName", "role") VALUES (1, 'sample fullName', 'sample role');`,
        '-- migrate',
        '-- The migration drops "fullName" from "User".',
        '-- assert: the row of "User" inserted above is still there',
        'SELECT count(*) = 1 FROM "User" WHERE "id" = 1;',
        '-- assert: every row of "User" has a value in "firstName"',
        'SELECT count(*) = 0 FROM "User" WHERE "firstName" IS NULL;',
        '-- assert: every row of "User" has a value in "lastName"',
        'SELECT count(*) = 0 FROM "User" WHERE "lastName" IS NULL;',
        '',
      ].join('\n'),
    );
  });

  test('without the tables before it: commented templates to write, the same assertions', () => {
    const text = scaffold(SPLIT_NAME.sqlite, 'sqlite');
    assert.match(text, /\n-- Write a row of "User" here \(the columns of "User" could not be read from the history\):\n-- INSERT INTO "User" \("column", …\) VALUES \('value', …\);\n-- migrate\n/);
    assert.match(text, /\nSELECT count\(\*\) = 0 FROM "User" WHERE "firstName" IS NULL;\n/);
    assert.doesNotMatch(text, /WHERE "id" = 1/, 'no row to find by its key');
  });

  test('a backfill starts from NULL; a column made NOT NULL too; a converted one from text the new type reads', () => {
    const sql = `UPDATE "User" SET "role" = 'member' WHERE "role" IS NULL;\nALTER TABLE "User" ALTER COLUMN "role" SET NOT NULL, ALTER COLUMN "fullName" TYPE INTEGER USING "fullName"::integer;`;
    const text = scaffold(sql, 'postgresql', [USER]);
    assert.match(text, /\n-- "role" is NULL: the migration fills it\.\nINSERT INTO "User" \("id", "fullName", "role"\) VALUES \(1, '1', NULL\);\n/);
    assert.match(text, /-- assert: every row of "User" has a value in "role"\nSELECT count\(\*\) = 0 FROM "User" WHERE "role" IS NULL;/);
    assert.match(text, /-- assert: every row of "User" keeps a value in "fullName" through the type change\nSELECT count\(\*\) = 0 FROM "User" WHERE "fullName" IS NULL;/);
    const notNull = scaffold('ALTER TABLE "User" ALTER COLUMN "role" SET NOT NULL;', 'postgresql', [USER]);
    assert.match(notNull, /-- "role" is NULL: the migration makes it NOT NULL, so it must fill such rows first\.\nINSERT INTO "User" \("id", "fullName", "role"\) VALUES \(1, 'sample fullName', NULL\);/);
  });

  test('rows its NOT NULL foreign keys refer to come first; sequences, enums, arrays; a type without a sample leaves the row commented', () => {
    const post: TableBefore = {
      table: { name: 'Post' },
      columns: [
        { name: 'id', type: 'int4', notNull: true, autoIncrement: true },
        { name: 'authorId', type: 'int4', notNull: true },
        { name: 'editorId', type: 'int4', notNull: false },
        { name: 'kind', type: 'Kind', notNull: true, enumValues: ['NOTE', 'ESSAY'] },
        { name: 'tags', type: '_text', notNull: true },
        { name: 'slug', type: 'varchar', notNull: true, maxLength: 8 },
        { name: 'search', type: 'tsvector', notNull: false, generated: true },
      ],
      primaryKey: ['id'],
      foreignKeys: [
        { columns: ['authorId'], table: { name: 'User' }, references: [] },
        { columns: ['editorId'], table: { name: 'User' }, references: ['id'] },
      ],
    };
    const text = scaffold(`UPDATE "Post" SET "slug" = lower("slug");`, 'postgresql', [USER, post]);
    assert.match(
      text,
      /-- Rows as they are before the migration:\nINSERT INTO "User" \("id", "fullName", "role"\) VALUES \(1, 'sample fullName', 'sample role'\);\n-- "authorId" refers to the row of "User" above\.\nINSERT INTO "Post" \("id", "authorId", "editorId", "kind", "tags", "slug"\) VALUES \(1000, 1, NULL, 'NOTE', '\{\}', 'sample s'\);\n-- migrate\n/,
    );
    assert.match(text, /SELECT count\(\*\) = 1 FROM "Post" WHERE "id" = 1000;/);
    const box = scaffold(`UPDATE "Post" SET "slug" = lower("slug");`, 'postgresql', [USER, { ...post, columns: [...post.columns, { name: 'shape', type: 'box', notNull: true }] }]);
    assert.match(box, /\n-- No sample value for "shape" \(box\) of "Post": write one, then uncomment the row\.\n-- INSERT INTO "Post" \(.*"shape"\) VALUES \(.*, NULL\);\n-- migrate\n/);
    assert.doesNotMatch(box, /WHERE "id" = 1000/, 'no row to find');
  });

  test('deleted rows are gone, inserted ones are there (by their values), a rebuilt table keeps its row', () => {
    const text = scaffold(`DELETE FROM "User" u WHERE u."role" = 'guest';\nINSERT INTO "Role" ("id", "name") VALUES (1, 'admin'), (2, upper('member'));\nINSERT INTO "Audit" SELECT "id" FROM "User";`, 'sqlite', [USER]);
    assert.match(text, /-- assert: the rows the DELETE at line 1 of migration\.sql removes are gone\nSELECT count\(\*\) = 0 FROM "User" "u" WHERE u\."role" = 'guest';/);
    assert.doesNotMatch(text, /inserted above is still there/, 'the row may be one the DELETE removes');
    assert.match(text, /-- assert: the migration inserts \(1, 'admin'\) into "Role"\nSELECT count\(\*\) = 1 FROM "Role" WHERE "id" = 1 AND "name" = 'admin';/);
    assert.match(text, /-- assert: the migration inserts \(2, …\) into "Role"\nSELECT count\(\*\) = 1 FROM "Role" WHERE "id" = 2;/);
    assert.match(text, /-- assert: the migration inserts rows into "Audit" \(line 3 of migration\.sql\)\nSELECT count\(\*\) > 0 FROM "Audit";/);
    assert.doesNotMatch(text, /INSERT INTO "Role"|row of "Audit"/, 'tables it only adds rows to need none before it');
    const redefinition = 'PRAGMA foreign_keys=OFF;\nCREATE TABLE "new_User" ("id" INTEGER NOT NULL PRIMARY KEY, "fullName" TEXT NOT NULL);\nINSERT INTO "new_User" ("fullName", "id") SELECT "fullName", "id" FROM "User";\nDROP TABLE "User";\nALTER TABLE "new_User" RENAME TO "User";\nPRAGMA foreign_keys=ON;\n';
    const rebuilt = scaffold(redefinition, 'sqlite', [USER]);
    assert.match(rebuilt, /-- migrate\n-- The migration drops "role" from "User"\.\n-- assert: the row of "User" inserted above is still there\nSELECT count\(\*\) = 1 FROM "User" WHERE "id" = 1;\n$/);
  });

  test('nothing to scaffold for a migration that changes no rows', () => {
    assert.equal(scaffoldMigrationTest('1_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY);\n', 'sqlite', []), undefined);
  });
});
