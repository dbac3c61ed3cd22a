import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { isTrue, renderRow } from '../../src/core/migrationTests/resultRows';
import type { MigrationTestResult } from '../../src/core/migrationTests/runMigrationTests';
import { formatTestResults } from '../../src/core/migrationTests/testResultFormats';

const root = path.resolve('/repo');
const file = path.join(root, 'prisma', 'migrations', '2_split', 'migration.test.sql');
const passed: MigrationTestResult = { migration: '2_split', file, name: 'splits names', line: 1, status: 'passed', durationMs: 12 };
const failed: MigrationTestResult = {
  migration: '2_split',
  file,
  name: 'keeps <all> & "quotes"',
  line: 11,
  status: 'failed',
  durationMs: 1500,
  failure: { message: 'The rows differ from -- output.', line: 14, expected: 'Ada, Lovelace', actual: 'Ada, NULL\nbell\u0007, tab\t' },
};
const other: MigrationTestResult = { migration: '3_unique', file: path.join(root, 'prisma', 'migrations', '3_unique', 'a.test.sql'), name: 'x', line: 1, status: 'passed', durationMs: 1 };

describe('migration test rows', () => {
  test('values as a test file writes them', () => {
    assert.equal(
      renderRow([null, undefined, true, false, 42, 1e21, 1.5, 12345678901234567890n, 'text', new Date('2024-01-02T03:04:05Z'), Buffer.from([0, 255]), new Uint8Array([1, 2]).subarray(1), { a: 1 }]),
      'NULL, NULL, true, false, 42, 1000000000000000000000, 1.5, 12345678901234567890, text, 2024-01-02T03:04:05.000Z, \\x00ff, \\x02, {"a":1}',
    );
  });

  test('what an assertion takes for true', () => {
    assert.deepEqual([true, 1, 1n, 't', '1'].map(isTrue), [true, true, true, true, true]);
    assert.deepEqual([false, 0, 2, 'f', 'true', null, 'yes'].map(isTrue), [false, false, false, false, false, false, false]);
  });
});

describe('formatTestResults', () => {
  test('text: one line per test, failures with file:line and the difference, then the counts', () => {
    assert.equal(
      formatTestResults([passed, failed], 'text', root),
      [
        '✓ 2_split › splits names (12 ms)',
        '✗ 2_split › keeps <all> & "quotes" (1500 ms)',
        `    ${path.join('prisma', 'migrations', '2_split', 'migration.test.sql')}:14`,
        '    The rows differ from -- output.',
        '    expected:',
        '      Ada, Lovelace',
        '    actual:',
        '      Ada, NULL',
        '      bell\u0007, tab\t',
        '1 passed, 1 failed',
      ].join('\n'),
    );
    assert.equal(formatTestResults([], 'text', root), '0 passed, 0 failed');
  });

  test('json: the results as they are', () => {
    assert.deepEqual(JSON.parse(formatTestResults([passed, failed], 'json', root)), [passed, failed]);
  });

  test('junit: a suite per migration with the counts, failures with their text, everything escaped', () => {
    const xml = formatTestResults([passed, failed, other], 'junit', root);
    assert.equal(
      xml,
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="prisma-migrations test" tests="3" failures="1" errors="0" time="1.513">',
        '  <testsuite name="2_split" tests="2" failures="1" errors="0" skipped="0" time="1.512">',
        '    <testcase name="splits names" classname="2_split" time="0.012" file="prisma/migrations/2_split/migration.test.sql" line="1"/>',
        '    <testcase name="keeps &lt;all&gt; &amp; &quot;quotes&quot;" classname="2_split" time="1.500" file="prisma/migrations/2_split/migration.test.sql" line="11">',
        `      <failure message="The rows differ from -- output." type="MigrationTestFailure">${path.join('prisma', 'migrations', '2_split', 'migration.test.sql')}:14`,
        'The rows differ from -- output.',
        'expected:',
        '  Ada, Lovelace',
        'actual:',
        '  Ada, NULL',
        '  bell\\u0007, tab\t</failure>',
        '    </testcase>',
        '  </testsuite>',
        '  <testsuite name="3_unique" tests="1" failures="0" errors="0" skipped="0" time="0.001">',
        '    <testcase name="x" classname="3_unique" time="0.001" file="prisma/migrations/3_unique/a.test.sql" line="1"/>',
        '  </testsuite>',
        '</testsuites>',
      ].join('\n'),
    );
  });

  test('junit attributes keep line breaks, tabs and quotes as references; characters XML cannot hold become \\u escapes', () => {
    const xml = formatTestResults([{ ...failed, name: "a\nb\tc'd\r\u0000\uD800", failure: { message: 'x\u001by\uFFFE', line: 1 } }], 'junit', root);
    assert.match(xml, /<testcase name="a&#10;b&#9;c&apos;d&#13;\\u0000\\ud800" /);
    assert.match(xml, /<failure message="x\\u001by\\ufffe" /);
    assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });
});
