import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { extension, VIEW_ID, waitFor } from '../shared';

// After inactive.test.ts (files run in name order): the user opens the view, whose welcome content links
// to Create Prisma Schema.
describe('opening the Migrations view on a workspace without schema.prisma', () => {
  it('activates the extension, which finds no project', async () => {
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    await waitFor('opening the view did not activate the extension', () => extension().isActive);
    const api = extension().exports as ExtensionApi;
    await api.projects.refresh();
    assert.deepEqual(api.tree.getChildren(), [], 'an empty tree shows the welcome content');
    const welcome = (extension().packageJSON as { contributes: { viewsWelcome: Array<{ contents: string }> } }).contributes.viewsWelcome;
    assert.ok(welcome.some((entry) => entry.contents.includes('(command:prismaMigrations.createSchema)')));
  });

  it('"Create Prisma Schema" writes a starter schema that the view then lists as a project', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    await vscode.commands.executeCommand('prismaMigrations.createSchema');
    const file = path.join(folder, 'prisma', 'schema.prisma');
    assert.ok(existsSync(file));
    assert.match(readFileSync(file, 'utf8'), /provider = "sqlite"/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
    const api = extension().exports as ExtensionApi;
    assert.deepEqual(api.projects.projects.map((state) => state.project.schemaPath), [file]);
  });
});
