import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MigrateError } from '../../src/core/errors';
import { migrationFolderName, migrationNameProblem } from '../../src/core/operations/create';
import { DatabaseLocks } from '../../src/core/operations/databaseLocks';
import { driftSections } from '../../src/core/operations/driftSummary';
import { checkDevHost, DEFAULT_DEV_HOSTS } from '../../src/core/safety/devHosts';

describe('checkDevHost: which databases the editor may rewrite', () => {
  const allowed = (url: string, hosts = DEFAULT_DEV_HOSTS) => checkDevHost(url, hosts).allowed;

  test('local servers, files, embedded PGlite and unix sockets are dev databases by default', () => {
    for (const url of [
      'postgresql://postgres@localhost:5432/app',
      'postgresql://postgres:pw@127.0.0.1/app',
      'postgresql://postgres@[::1]:5432/app',
      'mysql://root@LOCALHOST/app',
      'file:./dev.db',
      'sqlite:/tmp/x.db',
      'pglite:/work/app/prisma/.pglite',
      'postgresql://postgres@/app?host=/var/run/postgresql',
      'postgresql:///app',
      'mysql://root@localhost/app?socket=/run/mysqld/mysqld.sock',
    ]) {
      assert.equal(allowed(url), true, url);
    }
  });

  test('any other host is refused and named, without its password', () => {
    const verdict = checkDevHost('postgresql://admin:s3cret@db.prod.example.com:5432/app', DEFAULT_DEV_HOSTS);
    assert.deepEqual(verdict, { allowed: false, host: 'db.prod.example.com' });
    assert.equal(allowed('postgresql://u@10.0.0.5/app'), false);
    assert.equal(allowed('postgresql://u@localhost.evil.com/app'), false);
    assert.equal(allowed('not a url'), false);
    assert.equal(allowed('postgresql://u@localhost/app?host=db.prod.example.com'), false, 'the host parameter wins, as in libpq');
  });

  test('the user can allow more hosts, with *. for subdomains', () => {
    assert.equal(allowed('postgresql://u@db.dev.internal/app', ['db.dev.internal']), true);
    assert.equal(allowed('postgresql://u@pg.dev.internal/app', ['*.dev.internal']), true);
    assert.equal(allowed('postgresql://u@dev.internal.example/app', ['*.dev.internal']), false);
    assert.equal(allowed('postgresql://u@localhost/app', []), false, 'an empty list allows no server');
  });
});

describe('DatabaseLocks: one command per database', () => {
  test('a second command on the same database is refused with the first one named', async () => {
    const locks = new DatabaseLocks();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = locks.command('db', 'Apply Pending Migrations', 'dev.db', () => gate);
    assert.equal(locks.runningCommand('db'), 'Apply Pending Migrations');
    await assert.rejects(
      locks.command('db', 'Reset Dev Database', 'dev.db', async () => assert.fail('must not run')),
      (error: unknown) => error instanceof MigrateError && /"Apply Pending Migrations" is still running on dev\.db/.test(error.message),
    );
    const other = await locks.command('other', 'Reset Dev Database', 'other.db', async () => 'ran');
    assert.equal(other, 'ran', 'another database is not blocked');
    release();
    await first;
    assert.equal(locks.runningCommand('db'), undefined);
    assert.equal(await locks.command('db', 'Reset Dev Database', 'dev.db', async () => 'after'), 'after');
  });

  test('reads wait for the running command and run in order; a failure does not block the queue', async () => {
    const locks = new DatabaseLocks();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const command = locks.command('db', 'Apply', 'dev.db', async () => {
      await gate;
      order.push('command');
      throw new Error('boom');
    });
    const read = locks.read('db', async () => order.push('read'));
    await Promise.resolve();
    assert.deepEqual(order, []);
    release();
    await assert.rejects(command, /boom/);
    await read;
    assert.deepEqual(order, ['command', 'read']);
  });

  test('a command waits for a read in progress instead of being refused', async () => {
    const locks = new DatabaseLocks();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = locks.read('db', async () => {
      await gate;
      order.push('read');
    });
    const command = locks.command('db', 'Apply', 'dev.db', async () => order.push('command'));
    release();
    await Promise.all([read, command]);
    assert.deepEqual(order, ['read', 'command']);
  });
});

describe('driftSections', () => {
  test("splits the engine's summary into headings and their items", () => {
    // Verbatim from the engine (SQLite, a table and a column added by hand).
    const summary = '[+] Added tables\n  - Sneaky\n\n[*] Changed the `User` table\n  [+] Added column `x`\n  [+] Added index on columns (name)';
    assert.deepEqual(driftSections(summary), [
      { title: 'Added tables', items: ['Sneaky'] },
      { title: 'Changed the `User` table', items: ['Added column `x`', 'Added index on columns (name)'] },
    ]);
  });

  test('keeps lines it does not recognise', () => {
    assert.deepEqual(driftSections('Something new\n  detail'), [{ title: 'Something new', items: ['detail'] }]);
  });
});

describe('migration names', () => {
  test('validated as typed: anything with a letter or digit becomes a folder name', async () => {
    assert.equal(await migrationNameProblem('add users'), undefined);
    assert.match((await migrationNameProblem('  --- ')) ?? '', /not a usable migration name/);
    assert.match((await migrationNameProblem('')) ?? '', /not a usable migration name/);
    assert.equal(await migrationFolderName('Add Users!', new Date(Date.UTC(2026, 0, 2, 3, 4, 5))), '20260102030405_add_users');
  });
});
