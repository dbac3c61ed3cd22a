// Class: destructive commands pointed at files and folders that are not databases (#14, item 1).
// `reset --force --url file:./notes.txt` used to delete the file and put a SQLite database in its place.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openProjectDatabase } from '../../src/core/connect';
import { openSqlite } from '../../src/core/db/sqlite';
import { discoverProject } from '../../src/core/project/discover';
import { cli } from '../cli/cliSuite';
import { expectMigrateError } from '../helpers/migrateError';
import { tempProject, type TempProject } from '../helpers/tempProject';

const SQLITE_HEADER = 'SQLite format 3\0';
const USER = 'model User {\n  id Int @id\n}\n';
const POST = 'model Post {\n  id Int @id\n}\n';

/** Everything under `dir`, with each file's bytes: what must be exactly the same after a refused command. */
function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    entries[path.relative(dir, full)] = entry.isFile() ? readFileSync(full).toString('base64') : '<dir>';
  }
  return entries;
}

describe('attack: SQLite commands on files that are not SQLite databases', () => {
  let project: TempProject;
  const run = (...args: string[]) => cli(project.root, ...args);
  let migrations: string[];

  before(async () => {
    project = tempProject('sqlite', USER);
    assert.equal((await run('create', '--name', 'init')).code, 0);
    project.writeSchema(USER + POST);
    assert.equal((await run('create', '--name', 'post')).code, 0);
    migrations = readdirSync(project.migrationsDir).filter((name) => /^\d{14}_/.test(name)).sort();
    writeFileSync(path.join(project.root, 'notes.txt'), 'my notes\n');
    writeFileSync(path.join(project.root, 'binary.bin'), Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    // The header's text without its terminating NUL: not SQLite's header.
    writeFileSync(path.join(project.root, 'almost.db'), 'SQLite format 3 but not really, a text file');
  });
  after(() => project.remove());

  const targets = ['notes.txt', 'binary.bin', 'almost.db', 'prisma/schema.prisma', 'prisma', 'prisma/migrations'];
  const commands = () => [
    ['reset', '--force'],
    ['apply'],
    ['rollback', '--force'],
    ['squash', '--to', migrations[1], '--name', 'squashed'],
    ['create', '--name', 'more'],
    ['status'],
  ];

  for (const target of targets) {
    it(`every command refuses file:./${target} (exit 2) and changes nothing in the project`, async () => {
      for (const command of commands()) {
        const before = snapshot(project.root);
        const result = await run(...command, '--url', `file:./${target}`);
        assert.equal(result.code, 2, `${command.join(' ')}: ${result.stdout}${result.stderr}`);
        assert.match(result.stderr, /is not a SQLite database .*nothing was touched/, command.join(' '));
        assert.deepEqual(snapshot(project.root), before, `${command.join(' ')} on ${target} changed the project`);
      }
    });
  }

  it('an empty file is an empty database: reset fills it (creating is what reset does)', async () => {
    writeFileSync(path.join(project.root, 'empty.db'), '');
    const result = await run('reset', '--force', '--url', 'file:./empty.db');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(path.join(project.root, 'empty.db')).subarray(0, 16).toString('latin1'), SQLITE_HEADER);
  });

  it('a real SQLite database is reset (the guard lets the right file through)', async () => {
    const result = await run('reset', '--force');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /applied 2 migrations/);
  });

  it('a file replaced by a non-database after it was opened is not deleted by the reset', async () => {
    const file = path.join(project.root, 'swapped.db');
    const database = openSqlite(file);
    try {
      await (await database.factory.mainConnection()).executeScript('CREATE TABLE t (id INTEGER);');
      await database.factory.closeConnections();
      writeFileSync(file, 'now my notes\n');
      await expectMigrateError(database.recreate!(), 'config', /swapped\.db is not a SQLite database/);
      assert.equal(readFileSync(file, 'utf8'), 'now my notes\n');
    } finally {
      await database.dispose();
    }
  });

  it("the extension's path (a URL kept in secret storage) refuses the same files before opening them", async () => {
    const discovered = await discoverProject({ cwd: project.root, trusted: true });
    for (const target of ['notes.txt', 'prisma/schema.prisma']) {
      await expectMigrateError(openProjectDatabase(discovered, { url: { url: `file:./${target}`, source: 'secret' } }), 'config', /is not a SQLite database/);
    }
    assert.equal(readFileSync(path.join(project.root, 'notes.txt'), 'utf8'), 'my notes\n');
  });
});

describe('attack: embedded PGlite on folders that are not PGlite data directories', () => {
  let project: TempProject;
  const run = (...args: string[]) => cli(project.root, ...args);

  before(async () => {
    project = tempProject('postgresql', USER);
    project.addMigration('20240101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    mkdirSync(path.join(project.root, 'src'));
    writeFileSync(path.join(project.root, 'src', 'index.ts'), 'export const answer = 42;\n');
    writeFileSync(path.join(project.root, 'notes.txt'), 'my notes\n');
  });
  after(() => project.remove());

  for (const target of ['src', 'notes.txt', 'prisma']) {
    it(`reset and apply refuse pglite:./${target} (exit 2) and change nothing`, async () => {
      for (const command of [['reset', '--force'], ['apply']]) {
        const before = snapshot(project.root);
        const result = await run(...command, '--url', `pglite:./${target}`);
        assert.equal(result.code, 2, `${command.join(' ')}: ${result.stdout}${result.stderr}`);
        assert.match(result.stderr, /is not a PGlite database folder .*nothing was touched/);
        assert.deepEqual(snapshot(project.root), before, `${command.join(' ')} on ${target} changed the project`);
      }
    });
  }

  it('a new folder becomes a data directory, which reset then accepts', async () => {
    const applied = await run('apply', '--url', 'pglite:./fresh');
    assert.equal(applied.code, 0, applied.stderr);
    assert.ok(existsSync(path.join(project.root, 'fresh', 'PG_VERSION')));
    const reset = await run('reset', '--force', '--url', 'pglite:./fresh');
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /applied 1 migration/);
  });
});
