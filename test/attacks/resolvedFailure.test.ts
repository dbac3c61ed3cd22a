// Attacks on a failed migration marked applied with `resolve --applied` (issue #14, item 13): Prisma then
// counts it applied (the failed row rolled back, a finished row added). `status` must list the history
// and `check --ci` must not call it failed on the target: what fails is replaying the history anew.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { cli } from '../cli/cliSuite';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';

describe('attack: status and check after resolve --applied of a failed migration', () => {
  let project: TempProject;
  let database: Awaited<ReturnType<typeof newPostgresDatabase>>;
  const run = (...args: string[]) => cli(project.root, ...args, '--url', database.url);

  before(async () => {
    project = tempProject('postgresql', 'model A {\n  id Int @id\n  b  Int?\n}\n');
    project.addMigration('1_init', 'CREATE TABLE "A" ("id" INTEGER PRIMARY KEY);\n');
    project.addMigration('2_bad', 'ALTER TABLE "A" ADD COLUMN "b" INTEGER;\nSELECT no_such_function();\n');
    database = await newPostgresDatabase('pm_attack_resolved');
    const applied = await run('apply');
    assert.equal(applied.code, 2);
    assert.match(applied.stderr, /Migration 2_bad failed/);
    const resolved = await run('resolve', '--applied', '2_bad');
    assert.equal(resolved.code, 0, resolved.stderr);
  });
  after(async () => {
    await database.drop();
    project.remove();
  });

  it('the history keeps the failed attempt rolled back and a finished row, as Prisma records it', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations WHERE migration_name = '2_bad' ORDER BY started_at`,
      );
      assert.deepEqual(rows, [
        { finished: false, rolled_back: true },
        { finished: true, rolled_back: false },
      ]);
    } finally {
      await client.end();
    }
  });

  it('status lists both migrations applied, exit 0, and says why drift was not checked', async () => {
    const result = await run('status', '--json');
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { migrations: Array<{ name: string; status: string }>; driftUnavailable: string | null };
    assert.deepEqual(report.migrations.map((m) => [m.name, m.status]), [['1_init', 'applied'], ['2_bad', 'applied']]);
    assert.match(report.driftUnavailable ?? '', /do not replay on a shadow database: .*2_bad.*no_such_function/);
    assert.doesNotMatch(report.driftUnavailable ?? '', /external connector error/);
  });

  it('apply finds nothing pending', async () => {
    const result = await run('apply');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /No pending migrations/);
  });

  it('check --ci blames the history replay, not a failure on the target', async () => {
    const result = await run('check', '--ci');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /The migration history does not replay on an empty database: 2_bad fails there \(.*no_such_function/);
    assert.doesNotMatch(result.stderr, /Migration 2_bad failed|migration-failed|failed earlier/);
  });
});
