// A read-only PGlite folder is named by its content (pgliteFolderState.ts): a warm `status` answers from
// the result cache without starting PGlite, exactly as a run on an empty cache does, and anything written
// to the folder in between is seen at once.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/main';
import { openPglite } from '../../src/core/db/pglite';
import { folderHash } from '../../src/core/db/pgliteFolderState';
import { tempDirs } from '../helpers/tempDirs';
import { type TempProject, tempProject } from '../helpers/tempProject';

const temps = tempDirs('pm-pglite-state');

describe('a read-only PGlite folder named by its content', () => {
  let project: TempProject;
  let dataDir: string;

  const cli = async (cacheDir: string, ...args: string[]) => {
    process.env.PRISMA_MIGRATIONS_CACHE_DIR = cacheDir;
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, { out: (text) => (stdout += `${text}\n`), err: (text) => (stderr += `${text}\n`) }, project.root);
    return { code, stdout, stderr };
  };
  const status = async (cacheDir: string) => {
    const run = await cli(cacheDir, 'status', '--json');
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    return run.stdout;
  };
  /** The same command on an empty cache: everything computed. */
  const uncached = () => status(temps.make('uncached'));

  before(async () => {
    project = tempProject('postgresql', 'model User {\n  id Int @id\n  name String\n}\n');
    project.addMigration('20240101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL, "name" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n');
    project.addMigration('20240102000000_seed', `INSERT INTO "User" ("id", "name") VALUES (1, 'Ada');\n`);
    dataDir = path.join(path.dirname(project.schemaPath), '.pglite');
    const apply = await cli(temps.make('apply'), 'apply');
    assert.equal(apply.code, 0, apply.stderr);
  });
  after(() => project.remove());

  it('a warm status answers without starting PGlite, as an uncached run does', async () => {
    const cache = temps.make('cache');
    const reference = await uncached();
    assert.match(reference, /"drift": null/);

    const beforeCold = await folderHash(dataDir);
    assert.equal(await status(cache), reference);
    assert.notEqual(await folderHash(dataDir), beforeCold, 'the cold run started PGlite, which rewrote its bookkeeping');

    const beforeWarm = await folderHash(dataDir);
    assert.equal(await status(cache), reference);
    assert.equal(await folderHash(dataDir), beforeWarm, 'the warm run left every file as it was: PGlite never started');
    assert.equal(await status(cache), reference);
  });

  it('a table added to the folder is drift at once, and a migration applied is seen at once', async () => {
    const cache = temps.make('cache');
    await status(cache);
    await status(cache);

    const database = await openPglite(dataDir);
    try {
      const connection = await database.factory.mainConnection();
      await connection.executeScript('CREATE TABLE "Extra" ("id" INTEGER)');
    } finally {
      await database.dispose();
    }
    const drifted = await status(cache);
    assert.match(drifted, /Extra/, 'the added table is drift');
    assert.equal(drifted, await uncached());
    assert.equal(await status(cache), drifted);

    project.addMigration('20240103000000_extra', 'CREATE TABLE IF NOT EXISTS "Extra" ("id" INTEGER);\n');
    const apply = await cli(temps.make('apply'), 'apply');
    assert.equal(apply.code, 0, apply.stderr);
    const applied = await status(cache);
    assert.match(applied, /20240103000000_extra/);
    assert.doesNotMatch(applied, /"status": "pending"/);
    assert.equal(applied, await uncached());
    assert.equal(await status(cache), applied);
  });
});
