// Class: our view of the migration history differs from Prisma's. `migrate deploy` applies what
// @prisma/migrate's listMigrations lists (every sub-folder, dot folders too, in localeCompare order); status,
// check and apply must see exactly that, and nothing we write may ever appear in it half-done.
import assert from 'node:assert/strict';
import { watch } from 'node:fs';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listMigrations } from '@prisma/migrate/dist/utils/listMigrations.js';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { tempProject } from '../helpers/tempProject';
import { cli } from '../cli/cliSuite';

/** A small deterministic generator (mulberry32): the same edge cases on every run, many of them. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREFIXES = ['', '', '.', '..', '_', '-', '0', '00', '1', '9', '10', '100', '2026', '20260101000000', '202601010000000'];
const WORDS = ['init', 'Init', 'INIT', 'add_column', 'add-column', 'addColumn', 'café', 'cafe\u0301', 'Éclair', 'straße', 'zebra', 'Zebra', 'ß', 'ä', 'z', '日本', '😀', 'a b', 'manual_audit', 'a.b', 'x~y'];

function generatedNames(next: () => number, count: number): string[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const names = new Set<string>();
  while (names.size < count) {
    const separator = pick(['_', '-', '', '.']);
    names.add(`${pick(PREFIXES)}${separator}${pick(WORDS)}${next() < 0.3 ? `${pick(['_', '-'])}${pick(WORDS)}` : ''}`.replace(/^\.{1,2}$/, '.x'));
  }
  return [...names];
}

/** Prisma's listing, as our folder shape: names in order, and which ones have no readable migration.sql. */
async function prismaView(dir: string): Promise<{ names: string[]; broken: string[] }> {
  const list = await listMigrations(dir, '');
  return { names: list.migrationDirectories.map((d) => d.path), broken: list.migrationDirectories.filter((d) => d.migrationFile.content.tag === 'error').map((d) => d.path) };
}

function ourView(dir: string): { names: string[]; broken: string[] } {
  const folder = readMigrationsFolder(dir);
  return { names: folder.migrations.map((m) => m.name), broken: folder.problems.map((p) => p.name) };
}

describe('attack: migration listing differs from Prisma’s', () => {
  it('generated edge-case names (dots, digit lengths, case, - and _, unicode, files, folders without SQL, links): the same list in the same order as listMigrations', async () => {
    const next = random(14);
    for (let round = 0; round < 25; round += 1) {
      const dir = mkdtempSync(path.join(tmpdir(), 'pm-listing-'));
      try {
        for (const [i, name] of generatedNames(next, 24).entries()) {
          const full = path.join(dir, name);
          const shape = i % 8;
          if (shape === 0) writeFileSync(full, 'a file, not a migration');
          else if (shape === 1) mkdirSync(full); // a folder without migration.sql
          else if (shape === 2) mkdirSync(path.join(full, 'migration.sql'), { recursive: true }); // its SQL is a folder
          else if (shape === 3) symlinkSync(tmpdir(), full); // a link to a folder
          else {
            mkdirSync(full);
            writeFileSync(path.join(full, 'migration.sql'), `-- ${name}\n`);
          }
        }
        writeFileSync(path.join(dir, 'migration_lock.toml'), 'provider = "sqlite"\n');
        const prisma = await prismaView(dir);
        assert.ok(prisma.names.length > 10, 'the round lists migrations');
        assert.deepEqual(ourView(dir), prisma, `round ${round}: ${readdirSync(dir).join(' | ')}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('a dot folder is a migration: status lists it as pending and check --ci is not "Ready to deploy"', async () => {
    const project = tempProject('sqlite', 'model User {\n  id Int @id\n}\n');
    try {
      project.addMigration('20260101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
      assert.equal((await cli(project.root, 'apply')).code, 0);
      project.addMigration('.20260102000000_hidden', 'CREATE TABLE "Hidden" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
      const status = await cli(project.root, 'status');
      assert.equal(status.code, 1, status.stdout);
      assert.match(status.stdout, /\.20260102000000_hidden/);
      const gate = await cli(project.root, 'check', '--ci');
      assert.doesNotMatch(gate.stdout, /Ready to deploy/);
      const applied = await cli(project.root, 'apply');
      assert.equal(applied.code, 0, applied.stderr);
      assert.match(applied.stdout, /\.20260102000000_hidden/);
    } finally {
      project.remove();
    }
  });

  it('1_create and 10_add_column: applied in Prisma’s order (1_ first), so a correct history applies', async () => {
    const project = tempProject('sqlite', 'model User {\n  id   Int     @id\n  name String?\n}\n');
    try {
      project.addMigration('1_create', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
      project.addMigration('10_add_column', 'ALTER TABLE "User" ADD COLUMN "name" TEXT;\n');
      assert.deepEqual((await prismaView(project.migrationsDir)).names, ['1_create', '10_add_column']);
      const applied = await cli(project.root, 'apply');
      assert.equal(applied.code, 0, applied.stderr);
      assert.match(applied.stdout, /1_create\n\s+10_add_column/);
      assert.equal((await cli(project.root, 'status')).code, 0);
    } finally {
      project.remove();
    }
  });

  it('create and squash never put anything but finished migrations into the folder Prisma lists', async () => {
    const project = tempProject('sqlite', 'model User {\n  id Int @id\n}\n');
    const seen = new Set<string>();
    const watcher = watch(project.migrationsDir, (_event, name) => name && seen.add(String(name)));
    try {
      const schemas = ['  a String?\n', '  b String?\n', '  c String?\n'];
      let body = '';
      for (const [i, column] of schemas.entries()) {
        body += column;
        project.writeSchema(`model User {\n  id Int @id\n${body}}\n`);
        const created = await cli(project.root, 'create', '--name', `step ${i}`);
        assert.equal(created.code, 0, created.stderr);
      }
      const names = (await prismaView(project.migrationsDir)).names;
      const squashed = await cli(project.root, 'squash', '--from', names[1], '--to', names[2], '--name', 'columns');
      assert.equal(squashed.code, 0, squashed.stderr + squashed.stdout);
      const final = (await prismaView(project.migrationsDir)).names;
      assert.equal(final.length, 2, final.join(' '));
      // Let the watcher deliver what it has: a new file in the folder is the event to wait for.
      await new Promise<void>((resolve) => {
        const done = watch(project.migrationsDir, () => (done.close(), resolve()));
        writeFileSync(path.join(project.migrationsDir, 'probe.txt'), '');
      });
      const ours = [...seen].filter((name) => name !== 'probe.txt' && name !== 'migration_lock.toml' && !name.includes(path.sep));
      assert.deepEqual(ours.filter((name) => name.startsWith('.') || !/^\d{14}_/.test(name)), [], `entries seen: ${ours.join(' ')}`);
    } finally {
      watcher.close();
      project.remove();
    }
  });
});
