// Attacks on two `apply` at once and on a connection that ends mid-apply (issue #14, items 13 and 10), on
// the PostgreSQL server. A migration waits on an advisory lock the test holds, so "still running" lasts
// exactly as long as the test wants, without sleeps.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { GATE, startCli, WAITING_ON_GATE, waitForRow } from '../helpers/inProcessCli';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';

describe('attack: concurrent apply and lost connections on PostgreSQL', () => {
  let project: TempProject;
  let database: Awaited<ReturnType<typeof newPostgresDatabase>>;
  let gate: pg.Client;

  before(() => {
    project = tempProject('postgresql', 'model A {\n  id Int @id\n}\n');
    project.addMigration('1_init', 'CREATE TABLE "A" ("id" INTEGER PRIMARY KEY);\n');
    project.addMigration('2_slow', `SELECT pg_advisory_lock(${GATE}); SELECT pg_advisory_unlock(${GATE});\n`);
  });
  after(() => project.remove());

  /** A new database, and the gate connected to it: advisory locks belong to one database. */
  async function freshDatabase(): Promise<string> {
    await gate?.end();
    await database?.drop();
    database = await newPostgresDatabase('pm_attack_apply');
    gate = new pg.Client({ connectionString: database.url });
    await gate.connect();
    return database.url;
  }
  after(async () => {
    await gate?.end();
    await database?.drop();
  });

  it('the second apply waits for the first, then finds nothing pending — never "failed earlier"', async () => {
    const url = await freshDatabase();
    await gate.query(`SELECT pg_advisory_lock(${GATE})`);
    const first = startCli(project.root, 'apply', '--url', url);
    await waitForRow(gate, WAITING_ON_GATE, 'the first apply to run 2_slow');
    const second = startCli(project.root, 'apply', '--url', url);
    await second.said(/Another migration command is using postgresql:\/\/127\.0\.0\.1:5432\/pm_attack_apply_\w+; waiting up to 10 s/);
    await gate.query(`SELECT pg_advisory_unlock(${GATE})`);
    const [a, b] = await Promise.all([first.done, second.done]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /Applied 2 migrations/);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /No pending migrations/);
    assert.doesNotMatch(b.stderr, /failed earlier/);
  });

  it('a second apply that waits longer than Prisma’s 10 s says another command holds the lock, and applies nothing', async () => {
    const url = await freshDatabase();
    await gate.query(`SELECT pg_advisory_lock(${GATE})`);
    const first = startCli(project.root, 'apply', '--url', url);
    try {
      await waitForRow(gate, WAITING_ON_GATE, 'the first apply to run 2_slow');
      const second = await startCli(project.root, 'apply', '--url', url).done;
      assert.equal(second.code, 2);
      assert.match(second.stderr, /Another migration command is running on this database: it has held Prisma's migration lock .* for over 10 s\. Nothing was applied/);
      assert.doesNotMatch(second.stderr, /failed earlier|TypeError/);
    } finally {
      await gate.query(`SELECT pg_advisory_unlock(${GATE})`);
    }
    assert.equal((await first.done).code, 0);
  });

  it('a backend killed mid-migration: the error names the migration in flight and how the history records it', async () => {
    const url = await freshDatabase();
    await gate.query(`SELECT pg_advisory_lock(${GATE})`);
    try {
      const run = startCli(project.root, 'apply', '--url', url);
      const pid = await waitForRow(gate, WAITING_ON_GATE, 'apply to run 2_slow');
      await gate.query('SELECT pg_terminate_backend($1)', [pid]);
      const result = await run.done;
      assert.equal(result.code, 2);
      assert.match(result.stderr, /The connection to the database was lost while applying 2_slow \(.*terminating connection/);
      assert.match(result.stderr, /The history records it as failed \(started, never finished\).*resolve 2_slow/);
    } finally {
      await gate.query(`SELECT pg_advisory_unlock(${GATE})`);
    }
    const status = await startCli(project.root, 'status', '--url', url, '--json').done;
    const report = JSON.parse(status.stdout) as { migrations: Array<{ name: string; status: string }> };
    assert.deepEqual(report.migrations.map((m) => [m.name, m.status]), [['1_init', 'applied'], ['2_slow', 'failed']]);
  });
});
