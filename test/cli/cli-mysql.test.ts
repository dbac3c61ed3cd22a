import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mariadb, { type Connection } from 'mariadb';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { cli } from './cliSuite';

const HOST = '127.0.0.1';
const PORT = 3306;

/** MySQL over the plain driver (the WASM engine has no MySQL connector), against the MariaDB server. */
describe('prisma-migrations CLI on MariaDB (driver-level history)', () => {
  let admin: Connection;
  let project: TempProject;
  let url: string;
  let name: string;
  const run = (...args: string[]) => cli(project.root, ...args, '--url', url);
  const statuses = async () => {
    const result = await run('status', '--json');
    return { code: result.code, list: (JSON.parse(result.stdout) as { migrations: Array<{ name: string; status: string }> }).migrations };
  };

  before(async () => {
    admin = await mariadb.createConnection({ host: HOST, port: PORT, user: 'root' });
    name = `pm_cli_${randomBytes(5).toString('hex')}`;
    await admin.query(`CREATE DATABASE \`${name}\``);
    url = `mysql://root@${HOST}:${PORT}/${name}`;
    project = tempProject('mysql', 'model Item {\n  id Int @id\n}\n');
    project.addMigration('20250101000000_init', 'CREATE TABLE `Item` (`id` INTEGER NOT NULL, PRIMARY KEY (`id`));\n');
    project.addMigration('20250102000000_seed', "INSERT INTO `Item` (`id`) VALUES (1);\n");
  });
  after(async () => {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
    project.remove();
  });

  it('status: two pending, exit 1; drift not checked, said so', async () => {
    const result = await run('status');
    assert.equal(result.code, 1);
    assert.equal(result.stdout.match(/pending/g)?.length, 2);
    assert.match(result.stdout, /Drift: not checked\. .*cannot run for mysql/);
  });

  it('apply records them as Prisma does; status exit 0', async () => {
    const applied = await run('apply');
    assert.equal(applied.code, 0, applied.stderr);
    const rows = (await admin.query(`SELECT migration_name, applied_steps_count, finished_at FROM \`${name}\`._prisma_migrations ORDER BY migration_name`)) as Array<{
      migration_name: string;
      applied_steps_count: number;
      finished_at: unknown;
    }>;
    assert.deepEqual(rows.map((r) => r.migration_name), ['20250101000000_init', '20250102000000_seed']);
    assert.ok(rows.every((r) => r.applied_steps_count === 1 && r.finished_at !== null));
    const { code, list } = await statuses();
    assert.equal(code, 0);
    assert.deepEqual(list.map((m) => m.status), ['applied', 'applied']);
  });

  it('verify: every migration applied passes, and says drift was not checked rather than passing it silently', async () => {
    const result = await run('verify', '--format', 'json');
    assert.equal(result.code, 0, result.stderr);
    const findings = JSON.parse(result.stdout) as Array<{ rule: string; severity: string }>;
    assert.deepEqual(findings.map((f) => `${f.rule}:${f.severity}`), ['drift-not-checked:info']);
  });

  it('a failing migration: failed with exit 2, then resolve --rolled-back and a fixed file recover', async () => {
    project.addMigration('20250103000000_bad', 'INSERT INTO `Missing` (`id`) VALUES (1);\n');
    const failed = await run('apply');
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /Missing/);
    assert.equal((await statuses()).list[2].status, 'failed');
    assert.equal((await run('resolve', '--rolled-back', '20250103000000_bad')).code, 0);
    project.addMigration('20250103000000_bad', 'INSERT INTO `Item` (`id`) VALUES (2);\n');
    assert.equal((await run('apply')).code, 0);
    assert.deepEqual((await statuses()).list.map((m) => m.status), ['applied', 'applied', 'applied']);
  });

  it('reset --force drops and re-applies everything', async () => {
    await admin.query(`INSERT INTO \`${name}\`.\`Item\` (\`id\`) VALUES (99)`);
    const reset = await run('reset', '--force');
    assert.equal(reset.code, 0, reset.stderr);
    const items = (await admin.query(`SELECT id FROM \`${name}\`.\`Item\` ORDER BY id`)) as Array<{ id: number }>;
    assert.deepEqual(items.map((r) => r.id), [1, 2]);
  });

  for (const command of [['diff', '--from', 'migrations', '--to', 'schema'], ['create', '--name', 'x'], ['check'], ['rollback', '--force'], ['squash', '--to', 'x', '--name', 'y']]) {
    it(`${command[0]} answers with one sentence that it needs the schema engine, exit 2`, async () => {
      const result = await run(...command);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^Error: .*needs Prisma's schema engine, which this build cannot run for mysql/);
      assert.equal(result.stderr.trim().split('\n').length, 1);
    });
  }

  it('down answers that down scripts need the schema engine, exit 2', async () => {
    const first = readdirSync(project.migrationsDir).filter((name) => /^\d{14}_/.test(name)).sort()[0];
    const result = await run('down', first);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^Error: Down scripts need Prisma's schema engine, which this build cannot run for mysql\.$/m);
  });

  it('a wrong password: exit 2, never printed', async () => {
    const result = await cli(project.root, 'status', '--url', `mysql://root:wr0ng-s3cret@${HOST}:${PORT}/${name}`);
    assert.equal(result.code, 2);
    assert.ok(!(result.stdout + result.stderr).includes('wr0ng-s3cret'));
    assert.match(result.stderr, /denied|password|auth/i);
  });

  it('no URL: says MySQL needs one (there is no embedded MySQL)', async () => {
    const result = await cli(project.root, 'status');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /No database URL is configured for this mysql project/);
  });
});
