import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import type { FinishedRun } from '../../../src/features/migrationTests/migrationTestController';
import { waitFor } from '../shared';
import { commandSession, workspaceRoot } from './helpers';

const APP = 'tested-app';
const SPLIT = '20260102000000_split_name';
const TESTS = `-- test: splits the full name
INSERT INTO "User" ("id", "fullName") VALUES (1, 'Ada Lovelace');
-- migrate
-- output: Ada, Lovelace
SELECT "firstName", "lastName" FROM "User";

-- test: keeps a one-word name whole
INSERT INTO "User" ("id", "fullName") VALUES (2, 'Plato');
-- migrate
-- output: Plato, Plato
SELECT "firstName", "lastName" FROM "User";
`;

// A project whose data migration has a test file: the Test Explorer lists its tests at their lines, runs
// them on scratch databases, and reports the failing one; "Run Test" lenses run one.
describe('migration tests in the Test Explorer', function () {
  this.timeout(300_000);
  const session = commandSession(APP);
  let api: ExtensionApi;
  const prisma = () => path.join(workspaceRoot(), APP, 'prisma');
  const testFile = () => path.join(prisma(), 'migrations', SPLIT, 'migration.test.sql');
  const finished = () =>
    new Promise<FinishedRun>((resolve) => {
      const listener = api.migrationTests.onDidFinishRun((run) => {
        listener.dispose();
        resolve(run);
      });
    });

  before(async () => {
    api = session.api;
    const migration = (name: string, sql: string) => {
      mkdirSync(path.join(prisma(), 'migrations', name), { recursive: true });
      writeFileSync(path.join(prisma(), 'migrations', name, 'migration.sql'), sql);
    };
    mkdirSync(path.join(prisma(), 'migrations'), { recursive: true });
    writeFileSync(path.join(prisma(), 'schema.prisma'), 'datasource db {\n  provider = "sqlite"\n}\n\nmodel User {\n  id        Int     @id\n  firstName String\n  lastName  String?\n}\n');
    writeFileSync(path.join(prisma(), 'migrations', 'migration_lock.toml'), 'provider = "sqlite"\n');
    migration('20260101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "fullName" TEXT NOT NULL);\n');
    migration(
      SPLIT,
      `ALTER TABLE "User" ADD COLUMN "firstName" TEXT;
ALTER TABLE "User" ADD COLUMN "lastName" TEXT;
UPDATE "User" SET "firstName" = substr("fullName", 1, instr("fullName" || ' ', ' ') - 1), "lastName" = nullif(substr("fullName", instr("fullName" || ' ', ' ') + 1), '');
ALTER TABLE "User" DROP COLUMN "fullName";
`,
    );
    writeFileSync(testFile(), TESTS);
    await waitFor('the new project was not listed', async () => {
      await api.projects.refresh();
      return api.projects.projects.some((s) => s.project.root.endsWith(APP));
    });
  });

  it('lists the tests of the file at their lines, with a Run Test lens on each', async () => {
    const uri = vscode.Uri.file(testFile());
    await waitFor('the tests were not listed', () => api.migrationTests.testsIn(uri).length === 2);
    const items = api.migrationTests.testsIn(uri);
    assert.deepEqual(
      items.map((item) => [item.label, item.range?.start.line]),
      [
        ['splits the full name', 0],
        ['keeps a one-word name whole', 6],
      ],
    );
    // The lens provider runs on a document the editor has loaded.
    await vscode.workspace.openTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.deepEqual(
      lenses.filter((lens) => lens.command?.title.includes('Run Test')).map((lens) => lens.range.start.line),
      [0, 6],
    );
  });

  it('Run All runs them on scratch databases: one passes, the other fails at its output line with expected and actual', async () => {
    const results = finished();
    await vscode.commands.executeCommand('testing.runAll');
    const byName = Object.fromEntries((await results).results.map((r) => [r.name, r]));
    assert.equal(byName['splits the full name']?.status, 'passed', JSON.stringify(byName));
    const failed = byName['keeps a one-word name whole'];
    assert.equal(failed?.status, 'failed');
    assert.equal(failed.failure?.line, 10);
    assert.equal(failed.failure?.expected, 'Plato, Plato');
    assert.equal(failed.failure?.actual, 'Plato, NULL');
    assert.equal(
      api.projects.projects.find((s) => s.project.root.endsWith(APP))?.databaseMissing,
      true,
      'the tests ran on scratch databases: no dev database was created',
    );
  });

  it('Add a Migration Test writes a starter test for a migration that changes rows, which the Test Explorer runs and passes', async () => {
    const name = '20260103000000_upper_names';
    const dir = path.join(prisma(), 'migrations', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'migration.sql'), 'UPDATE "User" SET "firstName" = upper("firstName");\n');
    await waitFor('the new migration was not listed', async () => {
      await api.projects.refresh();
      return api.projects.projects.find((s) => s.project.root.endsWith(APP))?.report?.migrations.some((m) => m.name === name);
    });
    session.prompts.answer(name);
    await session.run('prismaMigrations.addMigrationTest');
    const file = path.join(dir, 'migration.test.sql');
    await waitFor('the scaffold was not opened', () => vscode.window.activeTextEditor?.document.uri.fsPath === file);
    assert.match(vscode.window.activeTextEditor!.document.getText(), /^-- test: .+\n[\s\S]*^INSERT INTO "User"[\s\S]*^-- migrate$[\s\S]*^-- assert: /m);
    const uri = vscode.Uri.file(file);
    await waitFor('the scaffold\'s test was not listed', () => api.migrationTests.testsIn(uri).length === 1);
    const results = finished();
    await vscode.commands.executeCommand('prismaMigrations.runMigrationTest', uri, api.migrationTests.testsIn(uri)[0]!.id);
    assert.deepEqual((await results).results.map((r) => [r.status, r.failure?.message]), [['passed', undefined]]);

    session.prompts.answer('20260101000000_init');
    await session.run('prismaMigrations.addMigrationTest');
    assert.match(session.prompts.find('error', /changes no rows/)?.message ?? '', /20260101000000_init changes no rows/);
    session.prompts.reset();
  });

  it('Debug runs the same tests with each step, its time and what came back in the output', async () => {
    const results = finished();
    await vscode.commands.executeCommand('testing.debugAll');
    const { results: ran, output } = await results;
    assert.deepEqual(ran.map((r) => r.status).sort(), ['failed', 'passed', 'passed']);
    assert.match(output, /line 3: -- migrate to 20260102000000_split_name \(\d+ ms\): applied/);
    assert.match(output, /line 10: -- output: SELECT "firstName", "lastName" FROM "User" \(\d+ ms\): failed: The rows differ from -- output\./);
  });

  it('a lens runs its test alone; an edit in the editor moves the tests with the text', async () => {
    const uri = vscode.Uri.file(testFile());
    const [first] = api.migrationTests.testsIn(uri);
    const results = finished();
    await vscode.commands.executeCommand('prismaMigrations.runMigrationTest', uri, first!.id);
    assert.deepEqual((await results).results.map((r) => [r.name, r.status]), [['splits the full name', 'passed']]);

    const editor = await vscode.window.showTextDocument(uri);
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '-- Tests of the name split.\n\n'));
    await waitFor('the tests did not follow the edit', () => api.migrationTests.testsIn(uri)[0]?.range?.start.line === 2);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
