import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { contributedCommands, extension } from '../shared';

// The extension host runs the tests only after every eagerly activated extension (`*`, workspaceContains)
// has been activated, so "not active now" means "not activated by the workspace".
describe('on a workspace without schema.prisma', () => {
  it('the workspace holds no Prisma file', async () => {
    assert.deepEqual(await vscode.workspace.findFiles('**/{schema.prisma,prisma.config.ts,*.prisma}'), []);
    assert.ok((await vscode.workspace.findFiles('**/*')).length > 0, 'the fixture folder should not be empty');
  });

  it('the extension is installed but not activated', () => {
    assert.equal(extension().isActive, false);
  });

  it('none of its commands is registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributedCommands(extension()).filter((command) => registered.has(command)), []);
  });
});
