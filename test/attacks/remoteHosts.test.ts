// Class: destructive CLI commands on a server that may be production (#14, item 7). 127.0.0.2 is a
// proxy in front of the local server, standing for a remote host: every refusal below is checked against
// rows that are really there, and the same command with the host allowed really destroys them.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import mariadb, { type Connection } from 'mariadb';
import pg from 'pg';
import { allowedHosts } from '../../src/cli/hostGuard';
import { cli } from '../cli/cliSuite';
import { newPostgresDatabase, POSTGRES_SERVER } from '../helpers/postgresDatabase';
import { tcpProxy, type TcpProxy } from '../helpers/tcpProxy';
import { tempProject, type TempProject } from '../helpers/tempProject';

const USER = 'model User {\n  id    Int    @id\n  email String @unique\n  name  String\n}\n';
const POST = 'model Post {\n  id Int @id\n}\n';

describe('attack: destructive commands on a remote host (127.0.0.2)', () => {
  let project: TempProject;
  let database: Awaited<ReturnType<typeof newPostgresDatabase>>;
  let proxy: TcpProxy;
  let local: string;
  let remote: string;
  const run = (...args: string[]) => cli(project.root, ...args);
  const query = async (sql: string) => {
    const client = new pg.Client({ connectionString: local });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Array<Record<string, unknown>>;
    } finally {
      await client.end();
    }
  };
  const count = async (table: string) => Number((await query(`SELECT count(*) AS n FROM "${table}"`))[0].n);
  const folders = () => readdirSync(project.migrationsDir).sort();

  before(async () => {
    database = await newPostgresDatabase('pm_attack_hosts');
    proxy = await tcpProxy('127.0.0.2', new URL(POSTGRES_SERVER).host);
    local = database.url;
    remote = `postgresql://postgres@${proxy.address}/${database.name}`;
    project = tempProject('postgresql', USER);
    assert.equal((await run('create', '--name', 'init', '--url', local)).code, 0);
    project.writeSchema(USER + POST);
    assert.equal((await run('create', '--name', 'post', '--url', local)).code, 0);
    await query(`INSERT INTO "User" VALUES (1, 'a@x', 'A'), (2, 'b@x', 'B'); INSERT INTO "Post" VALUES (1);`);
  });
  after(async () => {
    await proxy.close();
    await database.drop();
    project.remove();
  });

  it('the proxy reaches the database: status through 127.0.0.2 reads its history', async () => {
    const status = await run('status', '--url', remote, '--no-drift');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /post/);
  });

  it('reset --force is refused (exit 2), names the host and how to allow it; the rows stay', async () => {
    const result = await run('reset', '--force', '--url', remote);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /reset .*refused: 127\.0\.0\.2 is not a development database host.*--allow-host 127\.0\.0\.2.*PRISMA_MIGRATIONS_ALLOWED_HOSTS/);
    assert.equal(await count('User'), 2);
  });

  it('rollback --force is refused; the last migration stays applied and its table with its row', async () => {
    const result = await run('rollback', '--force', '--url', remote);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /rollback --force .*refused: 127\.0\.0\.2/);
    assert.equal(await count('Post'), 1);
    assert.equal((await query(`SELECT count(*) AS n FROM _prisma_migrations WHERE rolled_back_at IS NOT NULL`))[0].n, '0');
  });

  it('create --accept-data-loss is refused: no migration written, the column keeps its values', async () => {
    const before = folders();
    project.writeSchema(USER.replace('  name  String\n', '') + POST);
    const result = await run('create', '--name', 'drop name', '--accept-data-loss', '--url', remote);
    project.writeSchema(USER + POST);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /create --accept-data-loss .*refused: 127\.0\.0\.2/);
    assert.deepEqual(folders(), before);
    assert.equal(Number((await query(`SELECT count(name) AS n FROM "User"`))[0].n), 2);
  });

  it('squash that would rewrite the history rows is refused before any file is written', async () => {
    const before = folders();
    const names = before.filter((name) => /^\d{14}_/.test(name));
    const result = await run('squash', '--to', names[1], '--name', 'squashed', '--url', remote);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /squash .*refused: 127\.0\.0\.2/);
    assert.deepEqual(folders(), before);
    assert.equal((await query(`SELECT count(*) AS n FROM _prisma_migrations`))[0].n, '2');
  });

  it('a URL from the environment (Prisma 6 env("DATABASE_URL")) is guarded like --url', async () => {
    writeFileSync(project.schemaPath, `datasource db {\n  provider = "postgresql"\n  url      = env("PM_ATTACK_REMOTE_URL")\n}\n\n${USER}${POST}`);
    process.env.PM_ATTACK_REMOTE_URL = remote;
    try {
      const result = await run('reset', '--force');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /refused: 127\.0\.0\.2/);
    } finally {
      delete process.env.PM_ATTACK_REMOTE_URL;
      project.writeSchema(USER + POST);
    }
    assert.equal(await count('User'), 2);
  });

  it('a host parameter overriding a local authority (libpq: ?host= wins) is the host checked', async () => {
    const result = await run('reset', '--force', '--url', `${local}?host=127.0.0.2`);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /refused: 127\.0\.0\.2/);
    assert.equal(await count('User'), 2);
  });

  it('deploy commands are not guarded: apply and resolve run on the remote host', async () => {
    const rolledBack = await run('rollback', '--force', '--url', remote, '--allow-host', '127.0.0.2');
    assert.equal(rolledBack.code, 0, rolledBack.stderr);
    assert.equal((await query(`SELECT to_regclass('"Post"') AS t`))[0].t, null, 'allowed, the rollback really ran through the proxy');
    const applied = await run('apply', '--url', remote);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /Applied 1 migration/);
    const post = folders().find((name) => name.endsWith('_post'))!;
    const resolved = await run('resolve', '--applied', post, '--url', remote);
    assert.equal(resolved.code, 2);
    assert.match(resolved.stderr, /already/i, 'resolve ran on the remote and got its answer: the migration is applied there');
  });

  it('PRISMA_MIGRATIONS_ALLOWED_HOSTS allows a host for every run: reset then really wipes the rows', async () => {
    process.env.PRISMA_MIGRATIONS_ALLOWED_HOSTS = 'db.ci.example, 127.0.0.2';
    try {
      const result = await run('reset', '--force', '--url', remote);
      assert.equal(result.code, 0, result.stderr);
    } finally {
      delete process.env.PRISMA_MIGRATIONS_ALLOWED_HOSTS;
    }
    assert.equal(await count('User'), 0);
  });

  it('--allow-host "" is a usage error, not an allowance', async () => {
    const result = await run('reset', '--force', '--url', remote, '--allow-host', '');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--allow-host needs a host name/);
  });

  it('the allowed list: the machine itself, then the variable (blanks ignored), then --allow-host', () => {
    assert.deepEqual(allowedHosts(['staging.internal'], { PRISMA_MIGRATIONS_ALLOWED_HOSTS: ' db.ci , ,x' }), ['localhost', '127.0.0.1', '::1', 'db.ci', 'x', 'staging.internal']);
  });
});

describe('attack: reset on a remote MySQL host (127.0.0.2 in front of the local MariaDB)', () => {
  let admin: Connection;
  let proxy: TcpProxy;
  let project: TempProject;
  let remote: string;
  const name = `pm_attack_hosts_${randomBytes(5).toString('hex')}`;
  const count = async () => Number(((await admin.query(`SELECT count(*) AS n FROM \`${name}\`.\`Item\``)) as Array<{ n: bigint }>)[0].n);

  before(async () => {
    admin = await mariadb.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    await admin.query(`CREATE DATABASE \`${name}\``);
    proxy = await tcpProxy('127.0.0.2', '127.0.0.1:3306');
    remote = `mysql://root@${proxy.address}/${name}`;
    project = tempProject('mysql', 'model Item {\n  id Int @id\n}\n');
    project.addMigration('20250101000000_init', 'CREATE TABLE `Item` (`id` INTEGER NOT NULL, PRIMARY KEY (`id`));\n');
    project.addMigration('20250102000000_seed', 'INSERT INTO `Item` (`id`) VALUES (1);\n');
  });
  after(async () => {
    await proxy.close();
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
    project.remove();
  });

  it('apply deploys through the remote host; reset --force is refused there and the rows stay; allowed, it wipes them', async () => {
    const applied = await cli(project.root, 'apply', '--url', remote);
    assert.equal(applied.code, 0, applied.stderr);
    await admin.query(`INSERT INTO \`${name}\`.\`Item\` VALUES (2)`);
    const refused = await cli(project.root, 'reset', '--force', '--url', remote);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /reset .*refused: 127\.0\.0\.2/);
    assert.equal(await count(), 2);
    const allowed = await cli(project.root, 'reset', '--force', '--url', remote, '--allow-host', '127.0.0.2');
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(await count(), 1, 'only the seed migration\'s row is back');
  });
});
