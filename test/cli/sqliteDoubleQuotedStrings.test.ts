// SQLite histories that write string literals in double quotes (pingvin-share, teable): SQLite's default
// build reads such a token as a string when no column has that name; libsql (DQS=0) refuses it. Every
// command that runs the history runs it with SQLite's semantics, and a real missing column still fails.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqlite } from '../../src/core/db/sqlite';
import { cli } from './cliSuite';

const FIXTURE = path.resolve(__dirname, '../fixtures/sqlite-double-quoted-strings');

/** What the sqlite3 CLI (3.40, default build) leaves after the fixture's two migrations. */
const ROWS = [
  ['JWT_SECRET', 'internal'],
  ['JWT_SECRET_COPY', 'JWT_SECRET'],
  ['SETUP_FINISHED', 'category'],
];

async function configRows(file: string): Promise<string[][]> {
  const database = openSqlite(file);
  try {
    const result = await (await database.factory.mainConnection()).queryRaw({ sql: 'SELECT "key", "category" FROM "Config" ORDER BY "key"', args: [], argTypes: [] });
    return result.rows.map((row) => row.map(String));
  } finally {
    await database.dispose();
  }
}

describe('a SQLite history with double-quoted string literals', () => {
  let root: string;
  const url = (name: string) => `file:${path.join(root, name)}`;
  const run = (...args: string[]) => cli(root, ...args);

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'pm-dqs-'));
    cpSync(FIXTURE, root, { recursive: true });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('applies, stores the strings, and status, diff and check --ci see a clean history', async () => {
    const apply = await run('apply', '--url', url('dev.db'));
    assert.equal(apply.code, 0, apply.stderr);
    assert.deepEqual(await configRows(path.join(root, 'dev.db')), ROWS);
    const status = await run('status', '--url', url('dev.db'));
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /Drift: none/);
    const diff = await run('diff', '--from', 'migrations', '--to', 'schema', '--url', url('dev.db'));
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /No difference detected/);
    for (const target of [[], ['--url', url('dev.db')]]) {
      const check = await run('check', '--ci', ...target);
      assert.equal(check.code, 0, check.stdout + check.stderr);
    }
  });

  it('squashes, and the squashed history builds the same rows', async () => {
    const squash = await run('squash', '--to', '20240102000000_category', '--name', 'squashed');
    assert.equal(squash.code, 0, squash.stderr);
    assert.deepEqual(readdirSync(path.join(root, 'prisma', 'migrations')).sort(), ['20240102000000_squashed', 'migration_lock.toml']);
    const apply = await run('apply', '--url', url('fresh.db'));
    assert.equal(apply.code, 0, apply.stderr);
    assert.deepEqual(await configRows(path.join(root, 'fresh.db')), ROWS);
  });

  it('still fails on a column that does not exist, with SQLite\'s own error', async () => {
    for (const [name, sql, column] of [
      ['20240103000000_typo', 'UPDATE "Config" SET "categori" = "internal";\n', 'categori'],
      ['20240104000000_bare', 'UPDATE "Config" SET "category" = internal;\n', 'internal'],
    ]) {
      const dir = path.join(root, 'prisma', 'migrations', name);
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'migration.sql'), sql);
      const apply = await run('apply', '--url', url(`${name}.db`));
      assert.equal(apply.code, 2, apply.stdout);
      assert.match(apply.stderr, new RegExp(`Migration ${name} failed: SQLITE_ERROR: no such column: ${column}$`, 'm'));
      const status = await run('status', '--url', url(`${name}.db`), '--json');
      assert.ok(
        (JSON.parse(status.stdout) as { migrations: Array<{ name: string; status: string }> }).migrations.some((m) => m.name === name && m.status === 'failed'),
        status.stdout,
      );
      rmSync(dir, { recursive: true });
    }
  });
});
