import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RehearsalReport } from '../../src/core/rehearsal/rehearse';
import { formatRehearsal } from '../../src/core/rehearsal/rehearsalText';
import { lockModeName, predictedLocks, tableName } from '../../src/core/rehearsal/statementLocks';
import { formatBytes, sizeInBytes } from '../../src/core/text/byteSize';
import { rehearsalHtml } from '../../src/features/rehearsal/rehearsalHtml';

const lock = (provider: 'sqlite' | 'postgresql', text: string) => predictedLocks(provider, { text });

describe('the locks a statement takes, by its kind', () => {
  test("PostgreSQL's documented table locks", () => {
    assert.deepEqual(lock('postgresql', 'ALTER TABLE "public"."User" ADD COLUMN "x" TEXT'), [{ table: 'public.User', mode: 'ACCESS EXCLUSIVE' }]);
    assert.deepEqual(lock('postgresql', 'CREATE UNIQUE INDEX "u" ON "User"("email")'), [{ table: 'User', mode: 'SHARE' }]);
    assert.deepEqual(lock('postgresql', 'CREATE INDEX CONCURRENTLY "i" ON "User"("a")'), [{ table: 'User', mode: 'SHARE UPDATE EXCLUSIVE' }]);
    assert.deepEqual(lock('postgresql', 'ALTER TABLE "Post" ADD CONSTRAINT "f" FOREIGN KEY ("a") REFERENCES "User"("id")'), [
      { table: 'Post', mode: 'SHARE ROW EXCLUSIVE' },
      { table: 'User', mode: 'SHARE ROW EXCLUSIVE' },
    ]);
    // Another action in the same statement needs ACCESS EXCLUSIVE: the strongest wins.
    assert.equal(lock('postgresql', 'ALTER TABLE "Post" ADD CONSTRAINT "f" FOREIGN KEY ("a") REFERENCES "User"("id"), DROP COLUMN "b"')[0]?.mode, 'ACCESS EXCLUSIVE');
    assert.deepEqual(lock('postgresql', 'ALTER TABLE "Post" VALIDATE CONSTRAINT "f"'), [{ table: 'Post', mode: 'SHARE UPDATE EXCLUSIVE' }]);
    assert.deepEqual(lock('postgresql', `UPDATE "User" SET "a" = 'ALTER TABLE "Other"'`), [{ table: 'User', mode: 'ROW EXCLUSIVE' }]);
    assert.deepEqual(lock('postgresql', 'DROP TABLE IF EXISTS "Gone"'), [{ table: 'Gone', mode: 'ACCESS EXCLUSIVE' }]);
    assert.deepEqual(lock('postgresql', 'CREATE TABLE "New" ("id" INT)'), [], 'a new table locks nobody');
    assert.deepEqual(lock('postgresql', 'CREATE TYPE "Role" AS ENUM (\'A\')'), []);
  });

  test('SQLite: any write locks the whole file, named by its table', () => {
    assert.deepEqual(lock('sqlite', 'INSERT INTO "new_User" SELECT * FROM "User"'), [{ table: 'new_User', mode: 'SQLite write lock' }]);
    assert.deepEqual(lock('sqlite', 'PRAGMA foreign_keys=OFF'), []);
  });

  test("names and modes as people read them", () => {
    assert.equal(tableName('"my"."odd""name"'), 'my.odd"name');
    assert.equal(tableName('"a.b"'), 'a.b');
    assert.equal(lockModeName('ShareRowExclusiveLock'), 'SHARE ROW EXCLUSIVE');
    assert.equal(lockModeName('AccessShareLock'), 'ACCESS SHARE');
  });
});

describe('sizes', () => {
  test('read and written in decimal units', () => {
    assert.equal(sizeInBytes('500MB'), 500e6);
    assert.equal(sizeInBytes('1.5 gb'), 1.5e9);
    assert.equal(sizeInBytes('1000'), 1000);
    assert.equal(sizeInBytes('lots'), undefined);
    assert.equal(sizeInBytes('5 parsecs'), undefined);
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(16_384), '16.4 kB');
    assert.equal(formatBytes(61_700_000), '61.7 MB');
    assert.equal(formatBytes(2e9), '2.0 GB');
  });
});

const REPORT: RehearsalReport = {
  database: 'postgresql://127.0.0.1:5432/app',
  copy: { method: 'PostgreSQL template copy', bytes: 8_000_000, ms: 120 },
  outcome: 'failed',
  ms: 900,
  migrations: [
    {
      name: '20250101000000_split_<name>',
      status: 'applied',
      ms: 600,
      transaction: true,
      statements: [{ line: 1, sql: 'UPDATE "User" SET "a" = \'<b>\'', ms: 590, locks: [{ table: 'User', mode: 'ROW EXCLUSIVE', rows: 1200, seen: 'pg_locks' }], failed: false }],
      rows: [{ table: 'User', before: 1200, after: 1200 }],
      held: [{ table: 'User', mode: 'ROW EXCLUSIVE', ms: 595 }],
    },
    {
      name: '20250102000000_fails',
      status: 'failed',
      ms: 30,
      transaction: true,
      statements: [{ line: 2, sql: 'ALTER TABLE "User" ALTER COLUMN "b" SET NOT NULL', ms: 25, locks: [], failed: true }],
      rows: [],
      held: [],
      error: { code: '23502', message: 'column "b" of relation "User" contains null values', line: 2 },
    },
    { name: '20250103000000_later', status: 'not run', ms: 0, transaction: false, statements: [], rows: [], held: [] },
  ],
};

describe('the rehearsal report', () => {
  test('text: the verdict first, each statement with its time and locks, the error where it failed', () => {
    const text = formatRehearsal(REPORT, 'text');
    assert.match(text, /^Rehearsal failed: 20250102000000_fails fails on a copy of postgresql:\/\/127\.0\.0\.1:5432\/app \(PostgreSQL template copy, 8\.0 MB in 120 ms\)/);
    assert.match(text, /line 1 +590 ms  UPDATE "User"/);
    assert.match(text, /ROW EXCLUSIVE on User \(1,200 rows\)/);
    assert.match(text, /error 23502 at line 2: column "b" of relation "User" contains null values/);
    assert.match(text, /20250103000000_later  NOT RUN/);
  });

  test('markdown: tables that a pipe in a statement cannot break', () => {
    const markdown = formatRehearsal({ ...REPORT, migrations: [{ ...REPORT.migrations[0]!, statements: [{ ...REPORT.migrations[0]!.statements[0]!, sql: "SELECT 'a|b'" }] }] }, 'markdown');
    assert.match(markdown, /\| 1 \| `SELECT 'a\\\|b'` \|/);
  });

  test('the page: escaped, a bar per migration, Apply only when every migration passed', () => {
    const html = rehearsalHtml(REPORT, 'app', { nonce: 'n0nce', cspSource: 'vscode-resource:' });
    assert.doesNotMatch(html, /<name>|'<b>'/, 'text from migrations is escaped');
    assert.match(html, /20250101000000_split_&#60;name&#62;/);
    assert.equal((html.match(/class="bar-row"/g) ?? []).length, 3);
    assert.match(html, /class="bar failed" data-width="5\.0"/, 'bars are relative to the longest migration');
    assert.doesNotMatch(html, /data-kind="apply"/);
    assert.doesNotMatch(html, / style="/, 'the policy refuses style attributes');
    assert.match(html, /<strong>23502 at line 2<\/strong>/);
    const passed = rehearsalHtml({ ...REPORT, outcome: 'applied', migrations: [REPORT.migrations[0]!] }, 'app', { nonce: 'n', cspSource: 'x' });
    assert.match(passed, /data-kind="apply"/);
  });
});
