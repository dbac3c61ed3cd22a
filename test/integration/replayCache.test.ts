// The replay cache on the generated real-size history (100 models, 200 migrations), SQLite and PGlite:
// a restored state is the database an uncached replay builds, a new migration extends the cached prefix,
// a changed one misses it, a process killed while writing an entry leaves nothing trusted, concurrent
// processes share the cache, and the size limit evicts the least recently used entry.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, truncateSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { lookUp, replayKeys, replaysDir, store } from '../../src/core/db/replayCache';
import { type MigrationsFolder, readMigrationsFolder } from '../../src/core/migrations/folder';
import { historyPrefix, replayedHistory, replayHistory, scratchEngine } from '../../src/core/operations/historyStates';
import { discoverProject, withSchemaFiles } from '../../src/core/project/discover';
import { SchemaChangeAnalyser } from '../../src/core/schemaChanges/analyser';
import type { PrismaProject } from '../../src/core/types';
import { type LargeProvider, MIGRATION_COUNT, writeLargeProject } from '../helpers/largeHistory';
import { replayedCatalog } from '../helpers/replayedCatalog';
import { pausedWrite } from '../helpers/pausedWrite';
import { tempDirs } from '../helpers/tempDirs';

const CHILD = path.join(__dirname, '../helpers/replayChild.ts');
const temps = tempDirs('pm-replay');
const tempDir = temps.make;

const entries = (cacheDir: string) => readdirSync(path.join(cacheDir, 'replays'));

/** The catalog of a replay without the cache: the scratch engine and the whole history applied. */
async function uncachedCatalog(project: PrismaProject, folder: MigrationsFolder): Promise<Record<string, unknown>> {
  const engine = scratchEngine(project, folder, 'Tests');
  try {
    await replayHistory(engine, folder);
    return await replayedCatalog(engine);
  } finally {
    await engine.dispose();
  }
}

async function cachedCatalog(project: PrismaProject, folder: MigrationsFolder, cacheDir: string) {
  const { engine, restored, applied } = await replayedHistory(project, folder, 'Tests', { cacheDir });
  try {
    return { restored, applied, catalog: await replayedCatalog(engine) };
  } finally {
    await engine.dispose();
  }
}

/** The project's schema with every optional `note` text turned into a number: a type change per model. */
function editedSchema(project: PrismaProject): PrismaProject {
  const [file] = project.schemaFiles;
  return withSchemaFiles(project, [{ path: file!.path, content: file!.content.replace(/^( {2}note +)String\?$/gm, '$1Int?') }]);
}

async function findings(project: PrismaProject, folder: MigrationsFolder, cacheDir: string) {
  const analyser = await SchemaChangeAnalyser.replay(project, folder, 'once', { cacheDir });
  try {
    return await analyser.analyse(editedSchema(project));
  } finally {
    await analyser.dispose();
  }
}

for (const provider of ['sqlite', 'postgresql'] as LargeProvider[]) {
  describe(`replay cache, 200 migrations (${provider})`, () => {
    let project: PrismaProject;
    let folder: MigrationsFolder;
    let uncached: Record<string, unknown>;

    before(async () => {
      const root = tempDir(provider);
      await writeLargeProject(provider, root);
      project = await discoverProject({ cwd: root, trusted: true });
      folder = readMigrationsFolder(project.migrationsDir);
      uncached = await uncachedCatalog(project, folder);
    });

    it('restores exactly the database an uncached replay builds, and the same findings', async () => {
      const cacheDir = tempDir('cache');
      const cold = await cachedCatalog(project, folder, cacheDir);
      assert.deepEqual([cold.restored, cold.applied], [0, MIGRATION_COUNT]);
      assert.deepEqual(cold.catalog, uncached);
      const warm = await cachedCatalog(project, folder, cacheDir);
      assert.deepEqual([warm.restored, warm.applied], [MIGRATION_COUNT, 0]);
      assert.deepEqual(warm.catalog, uncached);

      const coldFindings = await findings(project, folder, tempDir('cache'));
      assert.ok(coldFindings.findings.length > 0, 'the edit breaks something');
      assert.deepEqual(await findings(project, folder, cacheDir), coldFindings);
    });

    it('extends a cached prefix with a new migration; a changed migration misses the cache', async () => {
      const cacheDir = tempDir('cache');
      const prefix = await cachedCatalog(project, historyPrefix(folder, MIGRATION_COUNT - 1), cacheDir);
      assert.deepEqual([prefix.restored, prefix.applied], [0, MIGRATION_COUNT - 1]);
      const extended = await cachedCatalog(project, folder, cacheDir);
      assert.deepEqual([extended.restored, extended.applied], [MIGRATION_COUNT - 1, 1]);
      assert.deepEqual(extended.catalog, uncached);

      const migrations = folder.migrations.map((m, i) => (i === 49 ? { ...m, script: `${m.script}\n-- edited\n` } : m));
      const edited = await cachedCatalog(project, { ...folder, migrations }, cacheDir);
      assert.deepEqual([edited.restored, edited.applied], [0, MIGRATION_COUNT]);
    });

    it('discards an entry that fails its check and replays from the start', async () => {
      const cacheDir = tempDir('cache');
      await cachedCatalog(project, folder, cacheDir);
      const [entry] = entries(cacheDir);
      const file = path.join(cacheDir, 'replays', entry!);
      truncateSync(file, readFileSync(file).length - 1);
      const again = await cachedCatalog(project, folder, cacheDir);
      assert.deepEqual([again.restored, again.applied], [0, MIGRATION_COUNT]);
      assert.deepEqual(again.catalog, uncached);
      assert.equal((await cachedCatalog(project, folder, cacheDir)).restored, MIGRATION_COUNT);
    });
  });
}

describe('replay cache across processes (SQLite)', () => {
  let root: string;
  let project: PrismaProject;
  let folder: MigrationsFolder;
  let uncached: Record<string, unknown>;

  before(async () => {
    root = tempDir('sqlite');
    await writeLargeProject('sqlite', root);
    project = await discoverProject({ cwd: root, trusted: true });
    folder = readMigrationsFolder(project.migrationsDir);
    uncached = await uncachedCatalog(project, folder);
  });

  const child = (cacheDir: string, env: NodeJS.ProcessEnv = {}) =>
    spawn(process.execPath, ['--import', 'tsx', CHILD, root, cacheDir], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });

  const output = (proc: ChildProcess) =>
    new Promise<{ restored: number; applied: number; catalog: unknown }>((resolve, reject) => {
      let text = '';
      proc.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
      proc.once('error', reject);
      proc.once('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`the child exited with ${code}`))));
    });

  it('a process killed while writing an entry leaves nothing trusted; the next run replays right and sweeps', async (t) => {
    const cacheDir = tempDir('cache');
    const { temp, kill } = await pausedWrite(t, tempDir('marker'), (env) => child(cacheDir, env));
    assert.ok(existsSync(temp), 'the entry is half written');
    assert.equal(await kill(), 'SIGKILL');

    assert.deepEqual(entries(cacheDir), [path.basename(temp)]);
    assert.equal(lookUp(path.join(cacheDir, 'replays'), replayKeys('sqlite', folder.migrations.map((m) => ({ name: m.name, script: m.script ?? '' })))), undefined);
    const next = await cachedCatalog(project, folder, cacheDir);
    assert.deepEqual([next.restored, next.applied], [0, MIGRATION_COUNT]);
    assert.deepEqual(next.catalog, uncached);
    assert.equal(existsSync(temp), false, 'the dead process\'s temp file is swept');
    assert.equal(entries(cacheDir).length, 1);
  });

  it('two processes replaying at once both get the right database and leave one valid entry', async () => {
    const cacheDir = tempDir('cache');
    const results = await Promise.all([output(child(cacheDir)), output(child(cacheDir))]);
    for (const result of results) assert.deepEqual(result.catalog, uncached);
    assert.equal(entries(cacheDir).length, 1);
    const warm = await cachedCatalog(project, folder, cacheDir);
    assert.deepEqual([warm.restored, warm.applied], [MIGRATION_COUNT, 0]);
    assert.deepEqual(warm.catalog, uncached);
  });
});

describe('replay cache size limit', () => {
  it('evicts the least recently used entries', async () => {
    const cacheDir = tempDir('cache');
    const dir = replaysDir({ cacheDir })!;
    const keys = replayKeys('sqlite', ['a', 'b', 'c'].map((name) => ({ name, script: `-- ${name}` })));
    const options = { maxBytes: 1_000_000 };
    await store(dir, keys[1]!, Buffer.alloc(400_000, 1), options);
    await store(dir, keys[2]!, Buffer.alloc(400_000, 2), options);
    // Used in this order, older than anything written from now on: 2 then 1.
    utimesSync(path.join(dir, keys[2]!), 1_000, 1_000);
    utimesSync(path.join(dir, keys[1]!), 2_000, 2_000);
    assert.equal(lookUp(dir, keys.slice(0, 3))?.count, 2, 'a use of entry 2 makes it the most recent');
    await store(dir, keys[3]!, Buffer.alloc(400_000, 3), options);
    assert.deepEqual(entries(cacheDir).sort(), [keys[2], keys[3]].sort());
    assert.equal(lookUp(dir, keys.slice(0, 2))?.count, undefined, 'entry 1 is gone');
  });
});
