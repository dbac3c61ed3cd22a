import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { MessageConnection } from 'vscode-languageserver/node';
import { type ServerProcess, startServer } from './serverProcess';

/** The SQL rules of the shipped language server (dist/server.js) over the protocol. */
describe('the language server over the protocol', () => {
  let server: ServerProcess;
  let connection: MessageConnection;
  let root: string;
  const published = () => server.published;
  const diagnosticsFor = (uri: string, since: number, version?: number) => server.diagnosticsFor(uri, since, version);

  const migration = (name: string, sql: string) => {
    const dir = path.join(root, 'prisma', 'migrations', name);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'migration.sql');
    writeFileSync(file, sql);
    return pathToFileURL(file).toString();
  };

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'pm-lsp-'));
    mkdirSync(path.join(root, 'prisma', 'migrations'), { recursive: true });
    writeFileSync(path.join(root, 'prisma', 'migrations', 'migration_lock.toml'), 'provider = "postgresql"\n');
    server = await startServer(root);
    connection = server.connection;
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('publishes the SQL rules of an opened migration.sql, with rule, range and a link to the docs', async () => {
    const sql = 'ALTER TABLE "User" DROP COLUMN "name";\nCREATE INDEX "User_email_idx" ON "User"("email");\n';
    const uri = migration('20260101000000_drop_name', sql);
    const since = published().length;
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text: sql } });
    const diagnostics = await diagnosticsFor(uri, since, 1);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character, d.range.end.character, d.source]),
      [
        ['sql-drop-column', 2, 0, 0, 38, 'prisma-migrations'],
        ['sql-index-without-concurrently', 2, 1, 0, 49, 'prisma-migrations'],
      ],
    );
    assert.match(diagnostics[0].message, /Drops "name" from "User"/);
    assert.match(diagnostics[0].codeDescription?.href ?? '', /^file:.*docs\/rules\.md#sql-drop-column$/);
  });

  test('follows unsaved edits: a disable comment typed above the statement clears its diagnostic', async () => {
    const uri = pathToFileURL(path.join(root, 'prisma', 'migrations', '20260101000000_drop_name', 'migration.sql')).toString();
    const since = published().length;
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '-- prisma-migrations-disable-next-line sql-drop-column\n' }],
    });
    const diagnostics = await diagnosticsFor(uri, since, 2);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['sql-index-without-concurrently', 2]]);
  });

  test('a burst of edits is analysed once, for its last version', async () => {
    const uri = migration('20260102000000_burst', 'SELECT 1;\n');
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text: 'SELECT 1;\n' } });
    await diagnosticsFor(uri, 0, 1);
    const since = published().length;
    for (let version = 2; version <= 20; version += 1) {
      await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: `TRUNCATE "T${version}";\n` }] });
    }
    const diagnostics = await diagnosticsFor(uri, since, 20);
    assert.deepEqual(diagnostics.map((d) => d.code), ['sql-truncate']);
    assert.deepEqual(published().slice(since).filter((p) => p.uri === uri).map((p) => p.version), [20], 'no stale versions published');
  });

  test('turning diagnostics off clears them; closing a document clears its diagnostics', async () => {
    const uri = migration('20260103000000_truncate', 'TRUNCATE "Log";\n');
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text: 'TRUNCATE "Log";\n' } });
    assert.equal((await diagnosticsFor(uri, 0, 1)).length, 1);
    server.settings = { diagnostics: { enable: false } };
    let since = published().length;
    await connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual(await diagnosticsFor(uri, since, 1), []);
    server.settings = { diagnostics: { enable: true } };
    since = published().length;
    await connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepEqual(await diagnosticsFor(uri, since), []);
  });

  test('files that are not migrations get no diagnostics, and the server keeps answering', async () => {
    const uri = pathToFileURL(path.join(root, 'queries.sql')).toString();
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text: 'DROP TABLE "X";' } });
    const marker = migration('20260104000000_marker', 'DROP TABLE "Marker";\n');
    const since = published().length;
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: marker, languageId: 'sql', version: 1, text: 'DROP TABLE "Marker";\n' } });
    await diagnosticsFor(marker, since, 1);
    assert.equal(published().some((p) => p.uri === uri), false);
  });
});
