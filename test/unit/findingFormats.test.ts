import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import sarifSchema from '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json';
import { formatFindings } from '../../src/core/check/findingFormats';
import type { Finding } from '../../src/core/check/findings';

const root = path.resolve('/repo');
const finding = (over: Partial<Finding>): Finding => ({
  rule: 'dropped-column',
  severity: 'warning',
  message: 'You are about to drop the column `name` on the `User` table, which still contains 2 non-null values.',
  file: path.join(root, 'prisma', 'schema.prisma'),
  line: 14,
  column: 1,
  ...over,
});

describe('check --format', () => {
  test('github: one workflow command per finding, severity mapped, data and properties escaped', () => {
    const text = formatFindings(
      [finding({}), finding({ severity: 'info', rule: 'sql-mixed-schema-and-data', message: '50% done\nsecond line', file: path.join(root, 'a,b:c.sql') })],
      'github',
      root,
    );
    assert.deepEqual(text.split('\n'), [
      '::warning file=prisma/schema.prisma,line=14,col=1,title=dropped-column::You are about to drop the column `name` on the `User` table, which still contains 2 non-null values.',
      '::notice file=a%2Cb%3Ac.sql,line=14,col=1,title=sql-mixed-schema-and-data::50%25 done%0Asecond line',
    ]);
  });

  test('sarif: a 2.1.0 log with one rule per id and results pointing at relative files', () => {
    const log = JSON.parse(formatFindings([finding({}), finding({ severity: 'error', rule: 'required-column-without-default', line: 17, column: 3 })], 'sarif', root));
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0];
    assert.deepEqual(run.tool.driver.rules.map((r: { id: string }) => r.id), ['dropped-column', 'required-column-without-default']);
    assert.deepEqual(
      run.results.map((r: { ruleId: string; ruleIndex: number; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }) => [
        r.ruleId,
        r.ruleIndex,
        r.level,
        r.locations[0].physicalLocation.artifactLocation.uri,
        r.locations[0].physicalLocation.region.startLine,
        r.locations[0].physicalLocation.region.startColumn,
      ]),
      [
        ['dropped-column', 0, 'warning', 'prisma/schema.prisma', 14, 1],
        ['required-column-without-default', 1, 'error', 'prisma/schema.prisma', 17, 3],
      ],
    );
  });

  test('sarif: valid against the SARIF 2.1.0 JSON schema (OASIS rtm.5), with findings of every severity and with none', () => {
    // The schema's language pattern is not valid with the u flag: compile its patterns as plain RegExps.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(sarifSchema);
    const logs = [
      [finding({}), finding({ severity: 'error', rule: 'migration-edited', file: path.join(root, 'prisma', 'migrations', '1_init', 'migration.sql') }), finding({ severity: 'info', rule: 'pending-migration' })],
      [],
    ];
    for (const findings of logs) {
      const log: unknown = JSON.parse(formatFindings(findings, 'sarif', root));
      assert.ok(validate(log), ajv.errorsText(validate.errors));
    }
    // The validator is live: a level SARIF does not define is rejected.
    const broken = JSON.parse(formatFindings([finding({})], 'sarif', root));
    broken.runs[0].results[0].level = 'fatal';
    assert.equal(validate(broken), false);
  });

  test('no findings: an empty annotation list, an empty SARIF run', () => {
    assert.equal(formatFindings([], 'github', root), '');
    assert.deepEqual(JSON.parse(formatFindings([], 'sarif', root)).runs[0].results, []);
  });
});
