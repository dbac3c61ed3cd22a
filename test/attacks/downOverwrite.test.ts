// Class: a generated file replacing one the user wrote (#14, item 4): `down --write` overwrote a
// hand-written down.sql without a word.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { downFileState } from '../../src/core/operations/downFile';
import { cli } from '../cli/cliSuite';
import { tempProject, type TempProject } from '../helpers/tempProject';

const HAND_WRITTEN = '-- my careful down script\nDROP TABLE "Post";\n-- and the data fix-up I spent an hour on\n';

describe('attack: down --write over a down.sql it did not write', () => {
  let project: TempProject;
  let file: string;
  const migration = '20240102000000_post';
  const write = (...extra: string[]) => cli(project.root, 'down', migration, '--write', ...extra);
  const text = () => readFileSync(file, 'utf8');

  before(() => {
    project = tempProject('sqlite', 'model User {\n  id Int @id\n}\nmodel Post {\n  id Int @id\n}\n');
    project.addMigration('20240101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    file = path.join(project.addMigration(migration, 'CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY);\n'), 'down.sql');
  });
  after(() => project.remove());

  it('a hand-written down.sql is kept: exit 1, it says so and how to replace it', async () => {
    writeFileSync(file, HAND_WRITTEN);
    const result = await write();
    assert.equal(result.code, 1);
    assert.match(result.stderr, /down\.sql was written or edited by hand: nothing was written\. Add --force to replace it\./);
    assert.equal(text(), HAND_WRITTEN);
  });

  it('--force replaces it, and says it replaced', async () => {
    const result = await write('--force');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^Replaced .*down\.sql\./m);
    assert.match(text(), /^-- Down script of 20240102000000_post/);
    assert.equal(downFileState(file), 'ours');
  });

  it('a down.sql it wrote and nobody touched is rewritten without asking', async () => {
    const result = await write();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^Replaced /m);
  });

  it('one edited character in a written file makes it the user\'s: refused', async () => {
    const edited = text().replace('DROP TABLE', 'DROP TABLE IF EXISTS');
    assert.notEqual(edited, text());
    writeFileSync(file, edited);
    assert.equal(downFileState(file), 'edited');
    const result = await write();
    assert.equal(result.code, 1);
    assert.equal(text(), edited);
  });

  it('a forged stamp (the checksum line copied under other SQL) is not ours', async () => {
    await write('--force');
    const stamp = text().trimEnd().split('\n').at(-1)!;
    writeFileSync(file, `${HAND_WRITTEN}${stamp}\n`);
    const result = await write();
    assert.equal(result.code, 1);
    assert.equal(text(), `${HAND_WRITTEN}${stamp}\n`);
  });

  it('line endings converted by git (CRLF) or a dropped last newline are not edits', async () => {
    await write('--force');
    const written = text();
    writeFileSync(file, written.replace(/\n/g, '\r\n'));
    assert.equal(downFileState(file), 'ours');
    writeFileSync(file, written.trimEnd());
    assert.equal(downFileState(file), 'ours');
    assert.equal((await write()).code, 0);
  });

  it('a missing down.sql is written ("Wrote"); --force without --write is a usage error', async () => {
    rmSync(file);
    const result = await write();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^Wrote .*down\.sql\./m);
    const misuse = await cli(project.root, 'down', migration, '--force');
    assert.equal(misuse.code, 2);
    assert.match(misuse.stderr, /--force goes with --write/);
  });

  it('a migration name that leaves the migrations folder writes nothing anywhere', async () => {
    const outside = path.join(project.root, 'down.sql');
    const result = await cli(project.root, 'down', '../..', '--write');
    assert.equal(result.code, 2);
    assert.throws(() => readFileSync(outside), { code: 'ENOENT' });
  });
});
