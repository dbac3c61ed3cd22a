// Class: two `create` at once write the same migration twice, or a new migration sorts before an existing
// one. Real child processes of the built CLI race on one project; the migrations folder's lock must make
// them take turns, and every new name must come last in Prisma's own listing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listMigrations } from '@prisma/migrate/dist/utils/listMigrations.js';
import { withMigrationsFolderLock } from '../../src/core/operations/create';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';

const bundle = path.resolve(__dirname, '../../dist/cli.js');
const N = 4;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A node process with these arguments; resolves with what it printed when it exits. */
function runProcess(args: readonly string[], cwd: string): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** One process of the shipped bin. */
const runBin = (cwd: string, args: readonly string[]) => runProcess([bundle, ...args], cwd);

/** A node process that runs `script` (TypeScript sources through tsx). */
const runNode = (script: string) => runProcess(['--import', 'tsx', '-e', script], path.resolve(__dirname, '../..'));

const prismaNames = async (dir: string) => (await listMigrations(dir, '')).migrationDirectories.map((d) => d.path);

const USER = 'model User {\n  id Int @id\n}\n';
const WITH_POST = `${USER}\nmodel Post {\n  id    Int    @id\n  title String\n}\n`;

async function raceCreates(project: TempProject, urlArgs: string[]): Promise<Exit[]> {
  return Promise.all(Array.from({ length: N }, (_, i) => runBin(project.root, ['create', '--name', `add post ${i}`, ...urlArgs])));
}

describe('attack: concurrent create writes a migration twice', { timeout: 240_000 }, () => {
  it('is built', () => assert.ok(existsSync(bundle), `${bundle} is missing: run node esbuild.mjs first`));

  for (const kind of ['sqlite', 'postgresql'] as const) {
    it(`${N} create processes at once on ${kind}: one migration, the others find the schema in sync; a fresh database applies the history`, async () => {
      const project = tempProject(kind, USER);
      const dev = kind === 'postgresql' ? await newPostgresDatabase() : null;
      const fresh = kind === 'postgresql' ? await newPostgresDatabase() : null;
      const urlArgs = dev ? ['--url', dev.url] : [];
      try {
        const first = await runBin(project.root, ['create', '--name', 'init', ...urlArgs]);
        assert.equal(first.code, 0, first.stderr);
        project.writeSchema(WITH_POST);

        const runs = await raceCreates(project, urlArgs);
        for (const run of runs) assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
        const created = runs.filter((run) => /Created migration/.test(run.stdout));
        assert.equal(created.length, 1, runs.map((r) => r.stdout).join('\n---\n'));
        assert.equal(runs.filter((run) => /Already in sync/.test(run.stdout)).length, N - 1);

        const names = await prismaNames(project.migrationsDir);
        assert.equal(names.length, 2, names.join(' '));
        assert.equal(names.filter((n) => readFileSync(path.join(project.migrationsDir, n, 'migration.sql'), 'utf8').includes('CREATE TABLE "Post"')).length, 1);

        const freshArgs = fresh ? ['--url', fresh.url] : ['--url', `file:${path.join(project.root, 'fresh.db')}`];
        const applied = await runBin(project.root, ['apply', ...freshArgs]);
        assert.equal(applied.code, 0, applied.stderr);
        assert.match(applied.stdout, /Applied 2 migrations/);
        const status = await runBin(project.root, ['status', ...freshArgs]);
        assert.equal(status.code, 0, status.stdout + status.stderr);
        const devStatus = await runBin(project.root, ['status', ...urlArgs]);
        assert.equal(devStatus.code, 0, devStatus.stdout + devStatus.stderr);
      } finally {
        await dev?.drop();
        await fresh?.drop();
        project.remove();
      }
    });
  }

  it('after a last folder without a timestamp (manual_audit), the new migration still sorts last in Prisma’s listing, twice over', async () => {
    const project = tempProject('sqlite', USER);
    try {
      project.addMigration('20260101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
      project.addMigration('manual_audit', '-- checked by hand\nSELECT 1;\n');
      project.writeSchema(WITH_POST);
      const created = await runBin(project.root, ['create', '--name', 'add post']);
      assert.equal(created.code, 0, created.stderr);
      project.writeSchema(`${WITH_POST}\nmodel Tag {\n  id Int @id\n}\n`);
      const again = await runBin(project.root, ['create', '--name', 'add tag']);
      assert.equal(again.code, 0, again.stderr);

      const names = await prismaNames(project.migrationsDir);
      assert.equal(names.length, 4, names.join(' '));
      assert.deepEqual(names.slice(0, 2), ['20260101000000_init', 'manual_audit']);
      assert.match(names[2], /_add_post$/);
      assert.match(names[3], /_add_tag$/);
      assert.match(created.stdout, new RegExp(`Created migration ${names[2]}`));
      const fresh = await runBin(project.root, ['apply', '--url', `file:${path.join(project.root, 'fresh.db')}`]);
      assert.equal(fresh.code, 0, fresh.stderr);
      assert.match(fresh.stdout, new RegExp(`${names[1]}\\n\\s+${names[2]}\\n\\s+${names[3]}`));
    } finally {
      project.remove();
    }
  });

  it('a lock held by a live process is waited for, then refused with the lock file named', async () => {
    const project = tempProject('sqlite', USER);
    const lock = path.join(path.dirname(project.migrationsDir), '.migrations.lock');
    try {
      writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString(), token: 'held' }));
      await assert.rejects(
        withMigrationsFolderLock(project.migrationsDir, 300, async () => assert.fail('entered a held lock')),
        (error: Error) => error.message.includes(lock) && error.message.includes(`this process (pid ${process.pid})`),
      );
      assert.equal(readFileSync(lock, 'utf8').includes('"held"'), true, 'the holder keeps its lock');
    } finally {
      project.remove();
    }
  });

  it(`${N} processes on a dead process’s lock: exactly one holds it at a time, all get it in turn`, async () => {
    const project = tempProject('sqlite', USER);
    const lock = path.join(path.dirname(project.migrationsDir), '.migrations.lock');
    const inside = path.join(project.root, 'inside');
    try {
      const dead = spawn(process.execPath, ['-e', '']);
      const deadPid = await new Promise<number>((resolve) => dead.on('exit', () => resolve(dead.pid!)));
      writeFileSync(lock, JSON.stringify({ pid: deadPid, host: hostname(), since: '2026-01-01T00:00:00.000Z', token: 'dead' }));
      // All start together (they spin on a go file once loaded), so they find the dead lock at the same moment;
      // inside the lock each claims a marker exclusively and keeps it over several turns of its event loop.
      const go = path.join(project.root, 'go');
      const script = `
        const fs = require('node:fs');
        const { withMigrationsFolderLock } = require('./src/core/operations/create');
        fs.writeFileSync(${JSON.stringify(path.join(project.root, 'ready-'))} + process.pid, '');
        while (!fs.existsSync(${JSON.stringify(go)}));
        withMigrationsFolderLock(${JSON.stringify(project.migrationsDir)}, 60000, async () => {
          fs.writeFileSync(${JSON.stringify(inside)}, String(process.pid), { flag: 'wx' });
          for (let i = 0; i < 50; i += 1) { await new Promise((r) => setImmediate(r)); fs.readFileSync(${JSON.stringify(lock)}); }
          fs.rmSync(${JSON.stringify(inside)});
        }).then(() => console.log('held'), (e) => { console.error(e.message); process.exit(1); });`;
      const pending = Array.from({ length: N }, () => runNode(script));
      await new Promise<void>((resolve) => {
        const watcher = watch(project.root, () => {
          if (readdirSync(project.root).filter((name) => name.startsWith('ready-')).length === N) {
            watcher.close();
            resolve();
          }
        });
      });
      writeFileSync(go, '');
      const runs = await Promise.all(pending);
      for (const run of runs) assert.equal(run.code, 0, run.stderr);
      assert.equal(runs.filter((run) => run.stdout.trim() === 'held').length, N);
      assert.equal(existsSync(lock), false, 'the last holder released it');
    } finally {
      project.remove();
    }
  });
});
