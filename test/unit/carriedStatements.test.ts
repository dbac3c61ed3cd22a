// Which statements of a replaced migration are carried: what the engine's diff rebuilds stays behind,
// everything else (including what is not recognised) goes into the new migration in order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { carriedStatements, withCarried } from '../../src/core/operations/carriedStatements';

const carried = (script: string) => carriedStatements([{ name: 'm', dir: '/m', script }]).map((s) => `${s.placement} ${s.sql}`);

describe('carried statements', () => {
  it("leaves the engine's own SQL behind: a SQLite table redefinition, an enum change in a transaction", () => {
    const sqlite = 'PRAGMA defer_foreign_keys=ON;\nPRAGMA foreign_keys=OFF;\nCREATE TABLE "new_User" ("id" INTEGER NOT NULL PRIMARY KEY);\nINSERT INTO "new_User" ("id") SELECT "id" FROM "User";\nDROP TABLE "User";\nALTER TABLE "new_User" RENAME TO "User";\nCREATE UNIQUE INDEX "User_id_key" ON "User"("id");\nPRAGMA foreign_keys=ON;\n';
    assert.deepEqual(carried(sqlite), []);
    const postgres = 'BEGIN;\nCREATE TYPE "Role_new" AS ENUM (\'A\');\nALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");\nALTER TYPE "Role" RENAME TO "Role_old";\nDROP TYPE "Role_old";\nCOMMIT;\n';
    assert.deepEqual(carried(postgres), []);
  });

  it('carries rows, extensions, grants, comments, row-level security, check constraints and what it does not know, in order', () => {
    const script = [
      `INSERT INTO "User" ("id") SELECT "id" FROM "Legacy";`,
      'CREATE EXTENSION IF NOT EXISTS citext;',
      'GRANT SELECT ON "User" TO reader;',
      `COMMENT ON TABLE "User" IS 'people; and bots';`,
      'ALTER TABLE "User" ENABLE ROW LEVEL SECURITY;',
      'ALTER TABLE "User" ADD CONSTRAINT "age" CHECK ("age" > 0);',
      'CREATE TYPE "Point" AS (x int, y int);',
      'DO $$ BEGIN PERFORM 1; END $$;',
      'SELECT setval(\'"User_id_seq"\', 100);',
    ].join('\n');
    assert.deepEqual(carried(script).map((s) => s.split(' ').slice(0, 3).join(' ')), [
      'after INSERT INTO',
      'before CREATE EXTENSION',
      'after GRANT SELECT',
      'after COMMENT ON',
      'after ALTER TABLE',
      'after ALTER TABLE',
      'after CREATE TYPE',
      'after DO $$',
      "after SELECT setval('\"User_id_seq\"',",
    ]);
  });

  it('keeps a SQLite trigger body with its inner statements and a CASE … END as one statement', () => {
    const trigger = 'CREATE TRIGGER "t" AFTER INSERT ON "A" BEGIN\n  UPDATE "A" SET "k" = CASE WHEN NEW."k" IS NULL THEN 1 ELSE 2 END;\n  INSERT INTO "Log" VALUES (1);\nEND;\nINSERT INTO "A" VALUES (1);';
    assert.deepEqual(carried(trigger), [`after ${trigger.split('\nINSERT INTO "A"')[0]}`, 'after INSERT INTO "A" VALUES (1);']);
  });

  it('places extensions before the schema SQL and skips one the schema SQL creates itself', () => {
    const statements = carriedStatements([{ name: 'm', dir: '/m', script: 'CREATE EXTENSION citext;\nCREATE EXTENSION "uuid-ossp";\nINSERT INTO "A" VALUES (1);' }]);
    const { script, carried: kept } = withCarried('-- header', 'CREATE EXTENSION IF NOT EXISTS "citext";\nCREATE TABLE "A" ("id" INT);', statements);
    assert.deepEqual(kept.map((s) => s.line), [2, 3]);
    assert.ok(script.indexOf('"uuid-ossp"') < script.indexOf('CREATE TABLE') && script.indexOf('CREATE TABLE') < script.indexOf('INSERT INTO'));
    assert.equal(script.match(/CREATE EXTENSION/g)?.length, 2);
  });

  it("carries the named indexes' last creation, in place of the engine's rendering, or among the statements after the diff in order", () => {
    const migrations = [
      { name: 'a', dir: '/a', script: 'CREATE INDEX "p" ON "T"("c");\nCREATE INDEX "p2" ON "T"("c") WHERE "d";\nINSERT INTO "T" VALUES (1);' },
      { name: 'b', dir: '/b', script: 'DROP INDEX "p";\nCREATE INDEX CONCURRENTLY "p" ON "T"("c") WHERE "d" IS NULL;\nCREATE INDEX "e" ON "T"(lower("c"));\nINSERT INTO "T" VALUES (2);' },
    ];
    const statements = carriedStatements(migrations, ['p', 'e']);
    assert.deepEqual(statements.map((s) => `${s.migration}:${s.line} ${s.placement} ${s.index ?? ''}`), ['a:3 after ', 'b:2 index p', 'b:3 index e', 'b:4 after ']);
    const engine = '-- CreateIndex\nCREATE INDEX "p" ON "public"."T"("c" ASC);\n\n-- CreateIndex\nCREATE INDEX "p2" ON "public"."T"("c" ASC);';
    const { script } = withCarried('', engine, statements);
    assert.equal(
      script,
      '-- CreateIndex\n-- Carried from b (line 2)\nCREATE INDEX "p" ON "T"("c") WHERE "d" IS NULL;\n\n-- CreateIndex\nCREATE INDEX "p2" ON "public"."T"("c" ASC);\n\n' +
        '-- Carried from a (line 3)\nINSERT INTO "T" VALUES (1);\n\n-- Carried from b (line 3)\nCREATE INDEX "e" ON "T"(lower("c"));\n\n-- Carried from b (line 4)\nINSERT INTO "T" VALUES (2);\n',
    );
  });

  it("ends a script's last statement before the comments after it, so its carried `;` is not commented out (langfuse's views)", () => {
    assert.deepEqual(carried('CREATE VIEW "v" AS SELECT 1 -- one\n\n-- requirements:\n-- d. the same unit as the observation'), ['after CREATE VIEW "v" AS SELECT 1;']);
  });
});
