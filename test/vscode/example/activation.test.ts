import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { activationTimes, contributedCommands, extension, log, report, VIEW_ID, waitFor } from '../shared';

describe('on a workspace with schema.prisma (the example project)', () => {
  it('the workspace is the example', async () => {
    const schemas = await vscode.workspace.findFiles('**/schema.prisma', '**/node_modules/**');
    assert.equal(schemas.length, 1, `expected one schema.prisma in ${vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath).join(', ')}`);
  });

  it('activates by itself (workspaceContains), without anyone calling activate()', async () => {
    const ext = extension();
    await waitFor('the extension did not activate', () => ext.isActive);
  });

  it('registers every command it contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = contributedCommands(extension());
    assert.ok(contributed.includes('prismaMigrations.refresh'), `contributed: ${contributed.join(', ')}`);
    assert.deepEqual(contributed.filter((command) => !registered.has(command)), []);
  });

  it('reports its activation time', () => {
    const times = activationTimes();
    assert.ok(times, 'the extension host recorded no activation marks for the extension');
    log(`      activation: ${times.totalMs} ms (loading the code ${times.loadMs} ms, activate() ${times.activateMs} ms)`);
    report('activation', times);
  });

  it('contributes the Migrations view, which can be focused', async () => {
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
  });

  it("lists the example's four migrations as applied, and measures the time from Refresh", async () => {
    const api = extension().exports as ExtensionApi;
    const previous = api.projects.projects[0];
    const started = performance.now();
    const refreshed = api.projects.refresh();
    // Until this refresh has read the database: the view keeps showing the last status meanwhile.
    const rows = await waitFor('the view did not list the migrations as applied', () => {
      const [project] = api.tree.getChildren();
      if (!project || project.state === previous || project.state.loading) return undefined;
      const migrations = api.tree.getChildren(project).filter((n) => n.kind === 'migration');
      return migrations.length > 0 && migrations.every((n) => n.kind === 'migration' && n.migration.status === 'applied') ? migrations : undefined;
    });
    const listedMs = performance.now() - started;
    await refreshed;
    assert.deepEqual(
      rows.map((n) => `${String(api.tree.getTreeItem(n).label)} · ${String(api.tree.getTreeItem(n).description).replace(/^applied .* · /, '')}`),
      ['init · 20260105093000', 'add_published_flag · 20260112141500', 'add_tags · 20260120101000', 'add_post_slug · 20260128090000'],
    );
    report('measure:Migrations view, the example (4 migrations, SQLite)', `listed ${Math.round(listedMs)} ms after Refresh, drift checked after ${Math.round(performance.now() - started)} ms`);
  });

  it('runs Refresh and Show Log without error', async () => {
    await vscode.commands.executeCommand('prismaMigrations.refresh');
    await vscode.commands.executeCommand('prismaMigrations.showLog');
  });

  it("reads SQLite through the extension host's node:sqlite, and loads its external modules from its own folder: PGlite, @prisma/config", () => {
    const sqlite = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite') | undefined;
    assert.ok(sqlite, `node:sqlite is missing in this extension host (node ${process.version})`);
    assert.equal(typeof sqlite.StatementSync.prototype.columns, 'function');
    assert.equal(typeof sqlite.StatementSync.prototype.setReturnArrays, 'function');
    const ext = extension();
    const load = createRequire(path.join(ext.extensionPath, 'package.json'));
    assert.throws(() => load.resolve('@libsql/client'), /Cannot find module/, 'the .vsix ships libsql');
    assert.equal(typeof (load('@electric-sql/pglite') as { PGlite?: unknown }).PGlite, 'function');
    assert.equal(typeof (load('@prisma/config') as { loadConfigFromFile?: unknown }).loadConfigFromFile, 'function');
    log(`      node ${process.version}, node:sqlite (SQLite ${process.versions.sqlite}), VS Code ${vscode.version}`);
  });
});
