import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { waitFor } from '../shared';
import { commandSession, migrationNode, migrationRows, projectNode, sqlite, stateOf, workspaceRoot } from './helpers';

const APP = 'legacy-app';
const DATASOURCE = 'datasource db {\n  provider = "sqlite"\n}\n';

// An application whose database came first: tables made with plain SQL, a schema with only a datasource,
// no migrations. Pull, initialize, baseline, from the view's buttons.
describe('adopting an existing SQLite database: Pull Schema, Initialize Migrations, baseline', function () {
  this.timeout(300_000);
  const session = commandSession(APP);
  const { prompts, run } = session;
  let api: ExtensionApi;
  const prisma = () => path.join(workspaceRoot(), APP, 'prisma');
  const schemaFile = () => path.join(prisma(), 'schema.prisma');
  const devDb = () => path.join(prisma(), 'dev.db');

  before(async () => {
    api = session.api;
    mkdirSync(prisma(), { recursive: true });
    writeFileSync(schemaFile(), DATASOURCE);
    await sqlite(devDb(), (db) =>
      db.executeMultiple(`
        CREATE TABLE "Customer" ("id" INTEGER NOT NULL PRIMARY KEY, "email" TEXT NOT NULL);
        CREATE TABLE "Invoice" ("id" INTEGER NOT NULL PRIMARY KEY, "total" REAL NOT NULL, "customerId" INTEGER NOT NULL REFERENCES "Customer"("id"));
        INSERT INTO "Customer" VALUES (1, 'ada@example.com');
        INSERT INTO "Invoice" VALUES (1, 12.5, 1);`),
    );
    await waitFor('the new project was not listed', async () => {
      await api.projects.refresh();
      return api.projects.projects.some((s) => s.project.root.endsWith(APP));
    });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(path.join(workspaceRoot(), APP), { recursive: true, force: true });
    await api.projects.refresh();
  });

  it('offers Initialize and Pull on the "No migrations yet" node', () => {
    const node = api.tree.getChildren(projectNode(api, APP)).find((n) => n.kind === 'message' && api.tree.getTreeItem(n).contextValue === 'noMigrations');
    assert.ok(node, 'no "No migrations yet" node');
    const item = api.tree.getTreeItem(node);
    assert.match(String(item.label), /No migrations yet/);
    assert.equal(item.command?.command, 'prismaMigrations.initializeMigrations');
  });

  it('Initialize Migrations on a schema without models says there is nothing to migrate, and writes nothing', async () => {
    prompts.answer('init');
    await run('prismaMigrations.initializeMigrations');
    assert.match(prompts.errors().join('\n'), /no models yet/);
    assert.equal(existsSync(path.join(prisma(), 'migrations')), false);
    prompts.calls.length = 0;
  });

  it('Pull Schema writes the models from the tables and offers to initialize', async () => {
    await run('prismaMigrations.pullSchema');
    const text = readFileSync(schemaFile(), 'utf8');
    assert.match(text, /model Customer \{/);
    assert.match(text, /model Invoice \{[^}]*total\s+Float/);
    assert.ok(prompts.find('info', /Pulled 2 models .* baseline it/), JSON.stringify(prompts.calls));
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, schemaFile());
    prompts.reset();
  });

  it('Pull Schema again asks before replacing the models; declining writes nothing', async () => {
    const before = readFileSync(schemaFile(), 'utf8');
    prompts.answer(undefined);
    await run('prismaMigrations.pullSchema');
    assert.ok(prompts.find('confirm', /already has 2 models/), JSON.stringify(prompts.calls));
    assert.equal(readFileSync(schemaFile(), 'utf8'), before);
    prompts.reset();
  });

  it('Initialize Migrations finds the tables match and, after the user agrees, baselines 0_init: applied, rows kept', async () => {
    prompts.answer('init', 'Baseline');
    await run('prismaMigrations.initializeMigrations');
    assert.ok(prompts.find('confirm', /already has exactly the tables of 0_init/), JSON.stringify(prompts.calls));
    assert.deepEqual(readdirSync(path.join(prisma(), 'migrations')).sort(), ['0_init', 'migration_lock.toml']);
    assert.deepEqual(migrationRows(api, APP), ['0_init: applied']);
    assert.equal(api.tree.getChildren(projectNode(api, APP)).some((n) => n.kind === 'drift'), false);
    assert.equal(await sqlite(devDb(), async (db) => Number((await db.execute('SELECT COUNT(*) AS n FROM "Invoice"')).rows[0].n)), 1);
    assert.ok(prompts.find('info', /recorded it as applied/), JSON.stringify(prompts.calls));
    prompts.reset();
  });

  it("marks a migration git does not have, read through VS Code's Git extension, until it is committed", async () => {
    const app = path.join(workspaceRoot(), APP);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.test', ...args], { cwd: app, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    await vscode.commands.executeCommand('git.openRepository', app);
    const gitApi = vscode.extensions.getExtension<{ getAPI(v: 1): { getRepository(uri: vscode.Uri): unknown } }>('vscode.git')?.exports.getAPI(1);
    assert.ok(gitApi?.getRepository(vscode.Uri.file(prisma())), 'the Git extension knows the repository');
    const description = () => String(api.tree.getTreeItem(migrationNode(api, APP, /0_init/)).description);
    await waitFor(() => `0_init was not marked untracked (it says "${description()}")`, async () => {
      await api.projects.refresh();
      return /· not in git$/.test(description());
    });
    git('add', '.');
    git('commit', '-qm', 'adopt');
    // No refresh asked for: the Git extension's change event alone re-reads the marks.
    await waitFor(() => `0_init kept a git mark after the commit ("${description()}")`, () => !description().includes('·'));
  });

  it('Run CI Check passes the adopted project, and fails it with the gate\'s findings once the schema changes unmigrated', async () => {
    await run('prismaMigrations.runCiCheck');
    assert.ok(prompts.find('info', /CI check of legacy-app: Ready to deploy/), JSON.stringify(prompts.calls));
    prompts.calls.length = 0;
    const pulled = readFileSync(schemaFile(), 'utf8');
    try {
      writeFileSync(schemaFile(), `${pulled}\nmodel Note {\n  id Int @id\n}\n`);
      await run('prismaMigrations.runCiCheck');
      // schema-not-migrated fails it; the new model itself is information (not-migrated).
      assert.deepEqual(prompts.errors(), ['CI check of legacy-app would fail the build: 2 findings.']);
      assert.match(vscode.window.activeTextEditor?.document.getText() ?? '', /info \[not-migrated\]/);
      assert.match(vscode.window.activeTextEditor?.document.getText() ?? '', /^prisma\/schema\.prisma:\d+:\d+ error \[schema-not-migrated\] /m);
    } finally {
      writeFileSync(schemaFile(), pulled);
      prompts.calls.length = 0;
    }
  });

  it("says once that the project's Prisma 6 differs from the bundled engine, without blocking anything", async () => {
    const manifest = path.join(workspaceRoot(), APP, 'node_modules', 'prisma', 'package.json');
    mkdirSync(path.dirname(manifest), { recursive: true });
    writeFileSync(manifest, JSON.stringify({ name: 'prisma', version: '6.19.0' }));
    await api.projects.refresh();
    assert.match(stateOf(api, APP).versionSkew ?? '', /^This project has prisma 6\.19\.0; the extension's engine is Prisma 7\.10\.0\. Prisma 6 schemas keep the database URL/);
    assert.deepEqual(migrationRows(api, APP), ['0_init: applied'], 'the status is read as before');
  });

  it('lists a trigger created by hand under "Database objects", as in no migration', async () => {
    await sqlite(devDb(), (db) => db.execute('CREATE TRIGGER customer_guard BEFORE DELETE ON "Customer" BEGIN SELECT RAISE(ABORT, \'keep\'); END'));
    try {
      await api.projects.refresh();
      const objects = api.tree.getChildren(projectNode(api, APP)).find((n) => n.kind === 'objects');
      assert.ok(objects, 'no Database objects node');
      assert.equal(api.tree.getTreeItem(objects).description, '1 differs from the migrations');
      const items = api.tree.getChildren(objects).map((n) => api.tree.getTreeItem(n));
      assert.deepEqual(items.map((i) => `${String(i.label)} — ${String(i.description)}`), ['trigger customer_guard on Customer — in no migration']);
      assert.match((items[0].tooltip as vscode.MarkdownString).value, /RAISE\(ABORT, 'keep'\)/);
    } finally {
      await sqlite(devDb(), (db) => db.execute('DROP TRIGGER customer_guard'));
      await api.projects.refresh();
    }
    assert.equal(api.tree.getChildren(projectNode(api, APP)).some((n) => n.kind === 'objects'), false);
  });

  it('Initialize Migrations refuses once the project has migrations', async () => {
    prompts.answer('again');
    await run('prismaMigrations.initializeMigrations');
    assert.match(prompts.errors().join('\n'), /already has migrations/);
    prompts.calls.length = 0;
  });
});
