import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { newPostgresDatabase, POSTGRES_SERVER } from '../helpers/postgresDatabase';
import { tempProject } from '../helpers/tempProject';
import { cli, cliSuite } from './cliSuite';

cliSuite('the PostgreSQL server (--url)', {
  provider: 'postgresql',
  async open() {
    const database = await newPostgresDatabase();
    return { args: ['--url', database.url], drop: database.drop };
  },
});

describe('prisma-migrations CLI connection errors on PostgreSQL', () => {
  const SECRET = 's3cret-Pa55';
  const run = async (url: string) => {
    const project = tempProject('postgresql', 'model A {\n  id Int @id\n}\n');
    try {
      return await cli(project.root, 'status', '--url', url);
    } finally {
      project.remove();
    }
  };

  it('an unreachable server: exit 2, one line naming host and port, no password', async () => {
    const result = await run(`postgresql://someone:${SECRET}@127.0.0.1:1/app`);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /127\.0\.0\.1:1/);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.ok(!(result.stdout + result.stderr).includes(SECRET));
  });

  it('bad credentials: exit 2, the password never printed', async () => {
    const host = new URL(POSTGRES_SERVER).host;
    const result = await run(`postgresql://no_such_user_pm:${SECRET}@${host}/postgres`);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no_such_user_pm|authentication|password|role/i);
    assert.ok(!(result.stdout + result.stderr).includes(SECRET));
  });

  it('a missing database: exit 2, says which and that it can be created', async () => {
    const result = await run(`${POSTGRES_SERVER}/pm_does_not_exist_db`);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /pm_does_not_exist_db/);
  });

  it('apply creates a missing database first, as prisma migrate deploy does', async () => {
    const name = `pm_created_${Date.now().toString(36)}`;
    const project = tempProject('postgresql', 'model A {\n  id Int @id\n}\n');
    project.addMigration('20250101000000_a', 'CREATE TABLE "A" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    const admin = new pg.Client({ connectionString: `${POSTGRES_SERVER}/postgres` });
    await admin.connect();
    try {
      const result = await cli(project.root, 'apply', '--url', `${POSTGRES_SERVER}/${name}`);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, new RegExp(`Created database ${name}`));
      assert.match(result.stdout, /Applied 1 migration/);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
      project.remove();
    }
  });

  it('a provider/URL mismatch is refused before connecting', async () => {
    const result = await run('file:./dev.db');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /not a postgresql:\/\/ URL/);
  });
});
