import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PrismaProject, MigrationStatus } from '../../src/core/types';
import { breakingCount, healthOf, healthWords, type ProjectState } from '../../src/features/projects/projectState';
import type { SchemaChangesParams } from '../../src/shared/protocol';

const migration = (status: MigrationStatus['status']): MigrationStatus => ({
  name: `20260101000000_${status}`,
  status,
  appliedAt: null,
  startedAt: null,
  durationMs: null,
  logs: null,
  rawLogs: null,
  checksum: { local: null, database: null, matches: null },
});

const state = (statuses: Array<MigrationStatus['status']>, schemaChanges?: Partial<SchemaChangesParams>): ProjectState => ({
  project: { schemaPath: '/p/prisma/schema.prisma', root: '/p' } as PrismaProject,
  databaseLabel: 'prisma/dev.db',
  databaseMissing: false,
  report: { hasMigrationsTable: true, migrations: statuses.map(migration), drift: null, lockfileProvider: 'sqlite' },
  ...(schemaChanges && { schemaChanges: { schemaPath: '/p/prisma/schema.prisma', state: 'analysed', unmigrated: false, changes: [], ...schemaChanges } }),
  untrusted: false,
  loading: false,
  checkingDrift: false,
});

const change = (severity: 'error' | 'warning' | 'info') => ({ rule: 'probable-rename', severity, message: 'm', file: '/p/prisma/schema.prisma', line: 1, column: 1 });

describe("a project's health, as the status bar and the view say it", () => {
  test('"up to date" only once the schema is known to match the history', () => {
    assert.equal(healthOf(state(['applied'])), 'checkingSchema');
    assert.equal(healthOf(state(['applied'], {})), 'upToDate');
    assert.equal(healthWords(state(['applied'], {})), 'every migration is applied and the schema matches them');
  });

  test('an unmigrated schema comes before pending migrations, after a failure or drift', () => {
    const unmigrated = { unmigrated: true, changes: [change('warning'), change('info')] };
    assert.equal(healthOf(state(['applied', 'pending'], unmigrated)), 'unmigrated');
    assert.equal(healthOf(state(['applied', 'failed'], unmigrated)), 'failed');
    assert.equal(breakingCount(state(['applied'], unmigrated)), 1, 'info is not breaking');
    assert.equal(healthWords(state(['applied'], unmigrated)), 'the schema has changes no migration contains, 1 of them breaking: create a migration');
  });

  test('words, never enum values, whatever the state', () => {
    const unknown = state(['applied'], { state: 'unavailable', reason: 'the language server did not start' });
    assert.match(healthWords(unknown), /whether the schema matches them is unknown \(the language server did not start\)/);
    assert.equal(healthWords(state(['applied', 'pending'], {})), '1 migration not applied to the dev database yet');
    for (const s of [state(['failed'], {}), state(['edited'], {}), { ...state([], {}), untrusted: true }, { ...state([], {}), error: 'boom', report: undefined }]) {
      assert.doesNotMatch(healthWords(s), /^(failed|attention|restricted|error|upToDate)$/);
    }
  });
});
