import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { waitFor } from '../shared';
import { workspaceRoot } from './helpers';

describe('the language server in the editor', function () {
  this.timeout(60_000);
  const dir = () => path.join(workspaceRoot(), 'pg-app', 'prisma', 'migrations', '29990101000000_lint');

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    rmSync(dir(), { recursive: true, force: true });
  });

  it('gives schema.prisma the prisma language', async () => {
    const document = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), 'sqlite-app', 'prisma', 'schema.prisma'));
    assert.equal(document.languageId, 'prisma');
  });

  it('shows the SQL rules in an open migration.sql, and follows unsaved edits', async () => {
    mkdirSync(dir(), { recursive: true });
    const file = path.join(dir(), 'migration.sql');
    writeFileSync(file, 'CREATE INDEX "Book_title_idx" ON "Book"("title");\n');
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);
    const diagnostics = await waitFor('no diagnostics for the migration', () => {
      const found = vscode.languages.getDiagnostics(editor.document.uri);
      return found.length > 0 ? found : undefined;
    });
    assert.deepEqual(diagnostics.map((d) => [codeOf(d), d.severity, d.range.start.line, d.source]), [
      ['sql-index-without-concurrently', vscode.DiagnosticSeverity.Warning, 0, 'prisma-migrations'],
    ]);
    const target = typeof diagnostics[0].code === 'object' ? diagnostics[0].code.target : undefined;
    assert.match(target?.toString() ?? '', /docs\/rules\.md#sql-index-without-concurrently$/);

    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '-- prisma-migrations-disable-next-line sql-index-without-concurrently\n'));
    await waitFor('the diagnostic stayed after the disable comment was typed', () => vscode.languages.getDiagnostics(editor.document.uri).length === 0);
  });
});
