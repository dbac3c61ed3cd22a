// Diffs from a migration history start their shadow database from the replay cache's longest prefix of
import { rmSync } from 'node:fs';
// that history and replay only the rest (MigrationEngine.cachedHistory): the diff and the drift must be
// those of a whole replay, and the seed must really be what the engine replays onto.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openPglite } from '../../src/core/db/pglite';
import { discard, type ReplayCacheOptions, replayKeys, replaysDir, store } from '../../src/core/db/replayCache';
import { openSqlite } from '../../src/core/db/sqlite';
import type { EngineDatabase } from '../../src/core/db/target';
import { MigrationEngine } from '../../src/core/engine/migrationEngine';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { historyPrefix, historySource, replayedHistory } from '../../src/core/operations/historyStates';
import { discoverProject } from '../../src/core/project/discover';
import { tempProject } from '../helpers/tempProject';
import { tempDirs } from '../helpers/tempDirs';

const temps = tempDirs('pm-seeded');
const tempDir = temps.make;

const MODELS = 'model User {\n  id    Int    @id\n  email String @unique\n  name  String?\n}\n\nmodel Post {\n  id Int @id\n}\n';
const HISTORY: Array<[string, string]> = [
  ['20250101000000_user', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "email" TEXT NOT NULL);\n'],
  ['20250102000000_email', 'CREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n'],
  ['20250103000000_post', 'CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY);\n'],
  // The schema's `name` is not migrated: the diff to the schema has a step.
];

const databases: Array<[string, 'sqlite' | 'postgresql', (dir: string) => Promise<EngineDatabase> | EngineDatabase]> = [
  ['SQLite', 'sqlite', (dir) => openSqlite(path.join(dir, 'dev.db'))],
  ['PGlite', 'postgresql', (dir) => openPglite(path.join(dir, '.pglite'))],
];

for (const [label, provider, open] of databases) {
  describe(`a history diff with a seeded shadow database (${label})`, () => {
    it('gives the diff and the drift of a whole replay, and replays onto the cached state', async () => {
      const project = tempProject(provider, MODELS);
      temps.keep(project.root);
      for (const [name, sql] of HISTORY) project.addMigration(name, sql);
      const prismaProject = await discoverProject({ cwd: project.root, trusted: true });
      const folder = readMigrationsFolder(project.migrationsDir);
      const cache: ReplayCacheOptions = { cacheDir: tempDir('cache') };
      // The cache holds the first two migrations' state, as a check of that history would have left it.
      const replayed = await replayedHistory(prismaProject, historyPrefix(folder, 2), 'Tests', cache);
      await replayed.engine.dispose();

      const engineOn = async (replayCache: ReplayCacheOptions | false) => {
        const engine = new MigrationEngine({ database: await open(tempDir('db')), schemaFiles: prismaProject.engineSchemaFiles, configDir: project.root, replayCache });
        await engine.applyPending(folder);
        return engine;
      };
      const [seeded, whole] = [await engineOn(cache), await engineOn(false)];
      const history = { kind: 'migrations', folder } as const;
      const schema = { kind: 'schema', files: prismaProject.engineSchemaFiles } as const;
      try {
        const expected = await whole.diff(history, schema, { script: true });
        assert.equal(expected.hasChanges, true, 'the schema has an unmigrated column');
        assert.deepEqual(await seeded.diff(history, schema, { script: true }), expected);
        assert.deepEqual(await seeded.diff(history, schema, { script: false }), await whole.diff(history, schema, { script: false }));
        const applied = new Set(folder.migrations.map((m) => m.name));
        assert.equal(await whole.drift(folder, applied), null);
        assert.equal(await seeded.drift(folder, applied), null);

        // A history on both sides: each shadow database starts from its own cached state, `from`'s first.
        const whole2 = await replayedHistory(prismaProject, folder, 'Tests', cache);
        await whole2.engine.dispose();
        const short = historySource(historyPrefix(folder, 2));
        for (const [a, b] of [[history, short], [short, history]] as const) {
          assert.deepEqual(await seeded.diff(a, b, { script: true }), await whole.diff(a, b, { script: true }));
        }

        // A state that differs from what its key says (a table the history never made) shows in the diff:
        // the engine replayed onto the seed, not from nothing.
        const poisoned = await replayedHistory(prismaProject, historyPrefix(folder, 2), 'Tests', { cacheDir: tempDir('other') });
        await (await poisoned.engine.database.factory.mainConnection()).executeScript('CREATE TABLE "Poison" ("id" INTEGER)');
        const bytes = await (poisoned.engine.database as unknown as { snapshot(): Promise<Buffer> }).snapshot();
        await poisoned.engine.dispose();
        const keys = replayKeys(provider, folder.migrations.map((m) => ({ name: m.name, script: m.script! })));
        await store(replaysDir(cache)!, keys[2]!, bytes, cache);
        discard(replaysDir(cache)!, keys[keys.length - 1]!);
        // The diff's result is cached (resultCache.ts): without it, the engine computes it again.
        rmSync(path.join(cache.cacheDir!, 'results'), { recursive: true, force: true });
        assert.match((await seeded.diff(history, schema, { script: true })).output, /DROP TABLE "Poison"/);
      } finally {
        await Promise.all([seeded.dispose(), whole.dispose()]);
      }
    });
  });
}
