import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseMigrationTests } from '../../src/core/migrationTests/migrationTestFile';

const FILE = path.join('/repo', 'prisma', 'migrations', '20240101000000_split_name', 'migration.test.sql');
const parse = (text: string) => parseMigrationTests(text, FILE);

describe('parseMigrationTests', () => {
  test('the documented example: one test, each directive with its statement and lines', () => {
    const parsed = parse(
      [
        '-- test: splits fullName into firstName and lastName',
        `INSERT INTO "User" ("id", "fullName") VALUES (1, 'Ada Lovelace'), (2, 'Plato');`,
        '-- migrate',
        '-- assert: every user has a first name',
        'SELECT count(*) = 0 FROM "User" WHERE "firstName" IS NULL;',
        '-- output: Ada, Lovelace',
        '-- output:   Plato, NULL  ',
        'SELECT "firstName", "lastName" FROM "User" ORDER BY "id";',
        '-- error: null value',
        'INSERT INTO "User" ("id") VALUES (3);',
        '',
      ].join('\n'),
    );
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.file, FILE);
    assert.deepEqual(parsed.tests, [
      {
        name: 'splits fullName into firstName and lastName',
        line: 1,
        endLine: 10,
        steps: [
          { kind: 'statement', line: 2, statement: { sql: `INSERT INTO "User" ("id", "fullName") VALUES (1, 'Ada Lovelace'), (2, 'Plato')`, line: 2 } },
          { kind: 'migrate', line: 3, to: undefined },
          { kind: 'assert', line: 4, message: 'every user has a first name', statement: { sql: 'SELECT count(*) = 0 FROM "User" WHERE "firstName" IS NULL', line: 5 } },
          { kind: 'output', line: 6, rows: ['Ada, Lovelace', 'Plato, NULL'], statement: { sql: 'SELECT "firstName", "lastName" FROM "User" ORDER BY "id"', line: 8 } },
          { kind: 'error', line: 9, text: 'null value', statement: { sql: 'INSERT INTO "User" ("id") VALUES (3)', line: 10 } },
        ],
      },
    ]);
  });

  test('several tests: each lasts until the next, ends on its last non-blank line; keywords in any case', () => {
    const parsed = parse(['-- TEST: first', '-- Migrate', '', '-- Assert', 'SELECT 1;', '', '', '-- test: second', '-- migrate: 20240301000000_later', '-- ERROR', 'SELECT x;', ''].join('\n'));
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(
      parsed.tests.map((t) => [t.name, t.line, t.endLine, t.steps.map((s) => s.kind)]),
      [
        ['first', 1, 5, ['migrate', 'assert']],
        ['second', 8, 11, ['migrate', 'error']],
      ],
    );
    assert.deepEqual(parsed.tests[0].steps[1], { kind: 'assert', line: 4, message: undefined, statement: { sql: 'SELECT 1', line: 5 } });
    assert.deepEqual(parsed.tests[1].steps[0], { kind: 'migrate', line: 9, to: '20240301000000_later' });
    assert.deepEqual(parsed.tests[1].steps[1], { kind: 'error', line: 10, text: undefined, statement: { sql: 'SELECT x', line: 11 } });
  });

  test('other comments are ordinary: prose after a keyword, unknown words, comments after code or inside SQL', () => {
    const parsed = parse(
      [
        '-- test: t',
        '-- the output looks right after this',
        '-- asert: typo, not a directive',
        'SELECT 1; -- migrate',
        `SELECT '`,
        '-- migrate',
        `';`,
        'DO $$ BEGIN',
        '  -- error: inside a body',
        '  PERFORM 1;',
        'END $$;',
        '/* -- test: in a block comment */',
        '-- migrate',
      ].join('\n'),
    );
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(
      parsed.tests[0].steps.map((s) => [s.kind, s.line]),
      [
        ['statement', 4],
        ['statement', 5],
        ['statement', 8],
        ['migrate', 13],
      ],
    );
    assert.equal((parsed.tests[0].steps[2] as { statement: { sql: string } }).statement.sql, 'DO $$ BEGIN\n  -- error: inside a body\n  PERFORM 1;\nEND $$');
  });

  test('a directive ends a statement that lacks its semicolon; statements start at their first token', () => {
    const parsed = parse(['-- test: t', 'INSERT INTO "A" VALUES (1)', '-- migrate', '-- a note', '', 'SELECT', '  1', '-- output: 1', 'SELECT 1'].join('\n'));
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(
      parsed.tests[0].steps.map((s) => [s.kind, s.line, 'statement' in s ? s.statement.sql : undefined]),
      [
        ['statement', 2, 'INSERT INTO "A" VALUES (1)'],
        ['migrate', 3, undefined],
        ['statement', 6, 'SELECT\n  1'],
        ['output', 8, 'SELECT 1'],
      ],
    );
  });

  test('CRLF line endings', () => {
    const parsed = parse('-- test: t\r\n-- migrate\r\n-- output: a, b\r\nSELECT 1;\r\n');
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.tests[0].steps[1], { kind: 'output', line: 3, rows: ['a, b'], statement: { sql: 'SELECT 1', line: 4 } });
    assert.equal(parsed.tests[0].endLine, 4);
  });

  test('SQL before the first test is a problem of the file, reported once at its first line', () => {
    const parsed = parse(['-- a header comment is fine', '', 'SELECT 1;', '-- migrate', 'SELECT 2;', '-- test: t', '-- migrate'].join('\n'));
    assert.deepEqual(parsed.problems, [{ line: 3, message: 'SQL before the first -- test: belongs to no test. Start a test with -- test: <name>.' }]);
    assert.deepEqual(parsed.tests.map((t) => t.name), ['t']);
  });

  test('an empty name, a duplicate name, and a test that never migrates are problems; those tests are left out', () => {
    const parsed = parse(['-- test:', '-- migrate', '-- test: same', '-- migrate', '-- test: same', '-- migrate', '-- test', '-- migrate', '-- test: only reads', 'SELECT 1;'].join('\n'));
    assert.deepEqual(parsed.problems, [
      { line: 1, message: 'A test needs a name: -- test: <name>.' },
      { line: 5, message: 'Another test is named "same" (line 3): a test\'s name identifies it, make it unique.' },
      { line: 7, message: 'A test needs a name: -- test: <name>.' },
      { line: 9, message: 'Test "only reads" never migrates to 20240101000000_split_name: it tests nothing of it. Add -- migrate where the migration is to run.' },
    ]);
    assert.deepEqual(parsed.tests.map((t) => [t.name, t.line]), [['same', 3]]);
  });

  test('a directive without its statement in the same test is a problem', () => {
    const parsed = parse(
      [
        '-- test: dangling at the end',
        '-- migrate',
        '-- assert: nothing follows',
        '-- test: before a migrate',
        '-- output: 1',
        '-- migrate',
        'SELECT 1;',
        '-- test: two in a row',
        '-- migrate',
        '-- error',
        '-- assert',
        'SELECT true;',
        '-- test: fine',
        '-- migrate',
      ].join('\n'),
    );
    assert.deepEqual(parsed.problems, [
      { line: 3, message: '-- assert must be followed by the statement it checks, within its test.' },
      { line: 5, message: '-- output must be followed by the statement it checks, within its test.' },
      { line: 10, message: '-- error must be followed by the statement it checks, within its test.' },
    ]);
    assert.deepEqual(parsed.tests.map((t) => t.name), ['fine']);
  });

  test('a file without tests has none and no problem', () => {
    assert.deepEqual(parse('-- nothing here yet\n'), { file: FILE, tests: [], problems: [] });
  });
});
