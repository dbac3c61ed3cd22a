// Attack class: migration.sql shapes that made the SQL linter quadratic (one long ALTER TABLE … ADD …,
// thousands of enum values, disable comments, SQLite table redefinitions). The linter runs on every
// keystroke in the language server, so it has to stay linear: 2 MB of each shape within a bound any
// machine meets, and still the same findings.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lintMigrationSql, type SqlFinding } from '../../src/core/lint/sqlLint';

const SMALL = 100_000;
const LARGE = 2_000_000;
/**
 * Linear time makes 20× the input ~20× slower; quadratic ~400×. Times are this process's CPU time, which
 * other processes on a busy machine do not inflate; the slack absorbs garbage collection of the larger input.
 */
const MAX_RATIO = 150;
const MAX_LARGE_MS = 30_000;

/** `head`, then `unit(i)` repeated until the script has `size` characters, then `tail`. */
function script(size: number, unit: (i: number) => string, head = '', tail = ''): { sql: string; count: number } {
  const parts = [head];
  let length = head.length + tail.length;
  let count = 0;
  while (length < size) {
    const part = unit(count);
    parts.push(part);
    length += part.length;
    count += 1;
  }
  parts.push(tail);
  return { sql: parts.join(''), count };
}

interface Shape {
  name: string;
  make: (size: number) => { sql: string; count: number };
  /** What the linter must still find on the generated script. */
  expect: (findings: SqlFinding[], count: number) => void;
}

const rules = (findings: SqlFinding[]) => [...new Set(findings.map((f) => f.rule))].sort();

const SHAPES: Shape[] = [
  {
    name: 'one ALTER TABLE adding many columns, NOT NULL only at the end',
    make: (size) => script(size, (i) => `ADD COLUMN "c${i}" INTEGER, `, 'ALTER TABLE "T" ', 'ADD COLUMN "last" TEXT NOT NULL;\n'),
    expect: (findings) => assert.deepEqual(rules(findings), ['sql-not-null-without-default']),
  },
  {
    name: 'one ALTER TABLE adding many nullable columns',
    make: (size) => script(size, (i) => `ADD COLUMN "c${i}" INTEGER${i % 2 ? '' : ' NULL'}, `, 'ALTER TABLE "T" ', 'ADD COLUMN "last" TEXT;\n'),
    expect: (findings) => assert.deepEqual(findings, []),
  },
  {
    name: 'thousands of enum values added, the first one used at the end',
    make: (size) => script(size, (i) => `ALTER TYPE "E" ADD VALUE 'v${i}';\n`, '', `UPDATE "T" SET "e" = 'v0';\n`),
    expect: (findings) => assert.deepEqual(rules(findings), ['sql-enum-value-used-in-same-migration', 'sql-mixed-schema-and-data']),
  },
  {
    name: 'a disable comment above every statement',
    make: (size) => script(size, (i) => `-- prisma-migrations-disable-next-line sql-truncate\nTRUNCATE "T${i}";\n`),
    expect: (findings) => assert.deepEqual(findings, []),
  },
  {
    name: 'statements without disable comments (every one reported)',
    make: (size) => script(size, (i) => `-- note ${i}\nTRUNCATE "T${i}";\n`),
    expect: (findings, count) => assert.equal(findings.filter((f) => f.rule === 'sql-truncate').length, count),
  },
  {
    name: 'SQLite table redefinitions',
    make: (size) =>
      script(size, (i) => `CREATE TABLE "new_T${i}" ("id" INTEGER);\nINSERT INTO "new_T${i}" SELECT * FROM "T${i}";\nDROP TABLE "T${i}";\nALTER TABLE "new_T${i}" RENAME TO "T${i}";\n`),
    expect: (findings) => assert.deepEqual(findings, []),
  },
  {
    name: 'one long ALTER TABLE changing column types',
    make: (size) => script(size, (i) => `ALTER COLUMN "c${i}" SET DEFAULT ${i}, `, 'ALTER TABLE "T" ', 'ALTER COLUMN "x" TYPE TEXT;\n'),
    expect: (findings) => assert.deepEqual(rules(findings), ['sql-column-type-change']),
  },
  {
    name: 'unterminated quotes, identifiers and dollar tags',
    make: (size) => script(size, (i) => `SELECT $${'a'.repeat(i % 7)} "x ' `),
    expect: (findings) => assert.ok(Array.isArray(findings)),
  },
];

function timed(sql: string): { ms: number; findings: SqlFinding[] } {
  const started = process.cpuUsage();
  const findings = lintMigrationSql(sql, 'postgresql');
  const spent = process.cpuUsage(started);
  return { ms: (spent.user + spent.system) / 1000, findings };
}

describe('attack: quadratic SQL linting', () => {
  for (const shape of SHAPES) {
    test(`${shape.name}: 2 MB lints in linear time, with the same findings`, () => {
      const small = shape.make(SMALL);
      const large = shape.make(LARGE);
      timed(small.sql); // warm-up: the first run pays for compiling the linter's regular expressions
      const smallMs = [1, 2, 3, 4, 5].map(() => timed(small.sql).ms).sort((a, b) => a - b)[2];
      const result = timed(large.sql);
      shape.expect(result.findings, large.count);
      shape.expect(timed(small.sql).findings, small.count);
      assert.ok(result.ms < MAX_LARGE_MS, `2 MB took ${Math.round(result.ms)} ms of CPU`);
      // A floor of 1 ms keeps a tiny, timer-resolution measurement from making the ratio meaningless.
      assert.ok(result.ms < MAX_RATIO * Math.max(smallMs, 1), `100 KB took ${smallMs.toFixed(1)} ms, 2 MB ${Math.round(result.ms)} ms: not linear`);
    });
  }
});
