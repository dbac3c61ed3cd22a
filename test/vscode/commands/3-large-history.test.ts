import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import { migrationChecksum } from '../../../src/core/migrations/checksum';
import type { ExtensionApi } from '../../../src/extension';
import { log, report, waitFor } from '../shared';
import { extensionApi, projectNode, sqlite, stateOf, workspaceRoot } from './helpers';

const APP = 'big-app';
const COUNT = 1000;
const name = (i: number) => `2025${String(i).padStart(10, '0')}_table_${i}`;
const script = (i: number) => `-- CreateTable\nCREATE TABLE "T${i}" ("id" INTEGER NOT NULL PRIMARY KEY);\n`;

/**
 * A project with 1,000 applied migrations (written here: folders, tables and Prisma's bookkeeping rows),
 * to measure how long the view takes to list them after a refresh, and how long drift takes after that.
 */
describe(`a project with ${COUNT.toLocaleString('en')} applied migrations`, function () {
  this.timeout(300_000);
  let api: ExtensionApi;
  const root = () => path.join(workspaceRoot(), APP);

  before(async () => {
    api = await extensionApi();
    const prisma = path.join(root(), 'prisma');
    mkdirSync(path.join(prisma, 'migrations'), { recursive: true });
    writeFileSync(path.join(prisma, 'schema.prisma'), 'datasource db {\n  provider = "sqlite"\n}\n');
    writeFileSync(path.join(prisma, 'migrations', 'migration_lock.toml'), 'provider = "sqlite"\n');
    const rows: string[] = [];
    const started = Date.UTC(2025, 0, 1);
    for (let i = 1; i <= COUNT; i += 1) {
      mkdirSync(path.join(prisma, 'migrations', name(i)));
      writeFileSync(path.join(prisma, 'migrations', name(i), 'migration.sql'), script(i));
      const at = new Date(started + i * 1000).toISOString();
      rows.push(`('${i}', '${migrationChecksum(script(i))}', '${at}', '${name(i)}', NULL, NULL, '${at}', 1)`);
    }
    await sqlite(path.join(prisma, 'dev.db'), async (db) => {
      await db.executeMultiple(Array.from({ length: COUNT }, (_, i) => script(i + 1)).join(''));
      await db.executeMultiple(`CREATE TABLE "_prisma_migrations" (
        "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL,
        "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
        "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0);
        INSERT INTO "_prisma_migrations" VALUES ${rows.join(',\n')};`);
    });
  });

  after(async () => {
    rmSync(root(), { recursive: true, force: true });
    await api.projects.refresh();
  });

  it('lists every migration as applied, oldest first, and measures the time to do so', async () => {
    const started = performance.now();
    const refreshed = api.projects.refresh();
    const items = await waitFor(
      'the view did not list the migrations',
      () => {
        const node = api.tree.getChildren().find((n) => n.kind === 'project' && path.basename(n.state.project.root) === APP);
        if (!node || node.state.loading) return undefined;
        const children = api.tree.getChildren(node).filter((n) => n.kind === 'migration');
        return children.length === COUNT ? children.map((n) => api.tree.getTreeItem(n)) : undefined;
      },
      120_000,
    );
    const listedMs = performance.now() - started;
    await refreshed;
    const driftMs = performance.now() - started;
    // The row: the name's words as the label, the timestamp at the end of the description.
    const row = (item: vscode.TreeItem) => `${String(item.label)} · ${String(item.description).split(' · ').at(-1)}`;
    assert.deepEqual(items.slice(0, 2).map(row), [1, 2].map((i) => `table_${i} · ${name(i).slice(0, 14)}`));
    assert.equal(row(items.at(-1)!), `table_${COUNT} · ${name(COUNT).slice(0, 14)}`);
    assert.ok(items.every((item) => item.contextValue === 'migration.applied'), 'every migration is applied');
    assert.equal(api.tree.getChildren(projectNode(api, APP)).some((n) => n.kind === 'drift'), false, 'no drift');
    log(`      ${COUNT} migrations listed ${Math.round(listedMs)} ms after Refresh (all 3 projects); drift checked after ${Math.round(driftMs)} ms`);
    report('measure:Migrations view, 1,000 applied migrations (SQLite)', `listed ${Math.round(listedMs)} ms after Refresh, drift checked after ${Math.round(driftMs)} ms`);

    // Warm: the replayed history's drift is in the result cache, keyed by the database's fingerprint. A
    // refresh replaces each project's state: this project's new one, read, is the listing; its drift known
    // (checked, not checking), the drift.
    const previous = stateOf(api, APP);
    const again = performance.now();
    const refreshedAgain = api.projects.refresh();
    const fresh = () => {
      const state = stateOf(api, APP);
      return state !== previous && !state.loading ? state : undefined;
    };
    await waitFor('the view did not list the migrations again', fresh, 120_000);
    const warmListedMs = performance.now() - again;
    await waitFor('the drift was not checked again', () => fresh() && !fresh()!.checkingDrift && fresh()!.report?.drift !== undefined, 120_000);
    const warmDriftMs = performance.now() - again;
    await refreshedAgain;
    assert.equal(api.tree.getChildren(projectNode(api, APP)).filter((n) => n.kind === 'migration').length, COUNT);
    assert.equal(api.tree.getChildren(projectNode(api, APP)).some((n) => n.kind === 'drift'), false, 'still no drift');
    log(`      warm: listed ${Math.round(warmListedMs)} ms after Refresh, drift checked after ${Math.round(warmDriftMs)} ms (all 3 projects: ${Math.round(performance.now() - again)} ms)`);
    report('measure:Migrations view, 1,000 applied migrations (SQLite), warm', `listed ${Math.round(warmListedMs)} ms after Refresh, drift checked after ${Math.round(warmDriftMs)} ms`);
  });
});
