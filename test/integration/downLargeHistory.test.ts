// Down scripts of the generated real-size history (100 models, 200 migrations, SQLite): for migrations of
// every kind — a table created with relations, a column added by table redefinition, a foreign key, a
// unique constraint, an enum value — the down script takes the history back exactly, checked by replay.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { downScript, verifyDownScript } from '../../src/core/operations/down';
import { discoverProject } from '../../src/core/project/discover';
import type { PrismaProject } from '../../src/core/types';
import { migrationName, writeLargeProject } from '../helpers/largeHistory';

/** Steps of the generated history: 77 creates a model with a parent relation, 106 adds a column by redefinition, 109 a foreign key, 113 a unique constraint, 150 an enum value, 200 is the last. */
const STEPS = [77, 106, 109, 113, 150, 200];

describe('down scripts of a 200-migration history (SQLite)', () => {
  let root: string;
  let project: PrismaProject;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'pm-down-large-'));
    await writeLargeProject('sqlite', root);
    project = await discoverProject({ cwd: root, trusted: true });
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  for (const step of STEPS) {
    it(`round-trips for ${migrationName(step)}`, async () => {
      const folder = readMigrationsFolder(project.migrationsDir);
      const down = await downScript(project, folder, migrationName(step));
      assert.ok(down.script.length > 0, 'every generated migration changes the schema');
      assert.deepEqual(await verifyDownScript(project, folder, down), { roundTrips: true });
      if (step <= 100) assert.ok(down.losses.some((l) => l.kind === 'dropsTable'), JSON.stringify(down.losses));
    });
  }
});
