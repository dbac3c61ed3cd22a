import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { waitFor } from '../shared';
import { sqlite, workspaceRoot } from './helpers';

describe('the language server in the editor', function () {
  this.timeout(300_000);
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

  it('warns while typing a breaking change in schema.prisma, adds the dev database\'s counts, and its quick fix clears it', async () => {
    const prisma = path.join(workspaceRoot(), 'sqlite-app', 'prisma');
    await sqlite(path.join(prisma, 'dev.db'), (db) => db.executeMultiple(`INSERT INTO "Author" ("name") VALUES ('Ada'), ('Alan');`));
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(path.join(prisma, 'schema.prisma')));
    const line = editor.document.getText().split('\n').findIndex((text) => /^\s*name\s+String\s*$/.test(text));
    assert.ok(line > 0, editor.document.getText());
    const column = editor.document.lineAt(line).firstNonWhitespaceCharacterIndex;
    await editor.edit((edit) => edit.replace(new vscode.Range(line, column, line, column + 'name'.length), 'fullName'));

    const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);
    const [rename] = await waitFor(
      () => `no probable-rename with counts: ${JSON.stringify(vscode.languages.getDiagnostics(editor.document.uri).map((d) => d.message))}`,
      () => {
        const found = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => codeOf(d) === 'probable-rename' && /Dev database:/.test(d.message));
        return found.length > 0 ? found : undefined;
      },
      120_000,
    );
    // Adding the required `fullName` to a table with rows cannot even run: the dev database makes it an error.
    assert.equal(rename.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(rename.range.start.line, line);
    assert.match(rename.message, /fullName looks like name renamed.*still contains 2 non-null values/s);
    assert.match(rename.message, /required column fullName.*There are 2 rows/s);
    assert.equal(rename.message.split('Dev database:').length, 2, `the database named once: ${rename.message}`);

    // Hovered as a user would, again until it answers: once, with both cores busy, the first hover came back empty.
    let hoverText = '';
    await waitFor(
      () => `no hover with the SQL: ${JSON.stringify(hoverText)}`,
      async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, rename.range.start.translate(0, 2));
        hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
        return /```sql[\s\S]*new_Author/.test(hoverText);
      },
    );

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, rename.range);
    const mapFix = actions.find((a) => /map fullName to the existing column name/.test(a.title));
    assert.ok(mapFix?.edit, actions.map((a) => a.title).join(', '));
    assert.ok(actions.some((a) => a.command?.command === 'prismaMigrations.createMigration'));
    await vscode.workspace.applyEdit(mapFix.edit);
    assert.match(editor.document.lineAt(line).text, /fullName\s+String @map\("name"\)$/);
    await waitFor('the diagnostics stayed after the quick fix', () => vscode.languages.getDiagnostics(editor.document.uri).length === 0, 120_000);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
