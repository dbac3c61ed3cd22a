// Attack class: one malformed document URI (a file: URL no path can be made of) sent by the client.
// It must never stop the diagnostics of the other documents, before or after it is closed.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { discoverProject } from '../../src/core/project/discover';
import type { PrismaProject } from '../../src/core/types';
import { PROJECTS_NOTIFICATION, toServerProject } from '../../src/shared/protocol';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { type ServerProcess, startServer } from '../server/serverProcess';

const MODELS = 'model User {\n  id   Int    @id\n  name String\n}\n';
const schemaText = (models: string) => `datasource db {\n  provider = "sqlite"\n}\n\n${models}`;

/** file: URLs that `fileURLToPath` refuses on this platform, or that do not decode. */
const MALFORMED = [
  'file://remote-host/share/prisma/schema.prisma',
  'file:///tmp/a%2Fb/schema.prisma',
  'file:///tmp/%E0%A4%A/migrations/1_x/migration.sql',
  'file://[::1/x/migration.sql',
  'file:///tmp/%FF/migration.sql',
  'file://a b/prisma/migrations/1_x/migration.sql',
];

describe('attack: a malformed document URI', () => {
  let temp: TempProject;
  let project: PrismaProject;
  let server: ServerProcess;
  let schemaUri: string;
  let sqlUri: string;

  before(async () => {
    temp = tempProject('sqlite', MODELS);
    temp.addMigration('20260101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL);\n');
    project = await discoverProject({ cwd: temp.root, trusted: true });
    const dir = path.join(temp.root, 'prisma', 'migrations', '20260102000000_drop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'migration.sql'), '');
    sqlUri = pathToFileURL(path.join(dir, 'migration.sql')).toString();
    schemaUri = pathToFileURL(project.schemaPath).toString();
    server = await startServer(temp.root);
    await server.connection.sendNotification(PROJECTS_NOTIFICATION, { projects: [toServerProject(project)] });
  });

  after(async () => {
    await server?.stop();
    temp?.remove();
  });

  const open = (uri: string, text: string, languageId = 'prisma') =>
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });

  test('while malformed documents are open and edited, schema and SQL diagnostics of the others keep coming', async () => {
    for (const uri of MALFORMED) await open(uri, uri.endsWith('.sql') ? 'DROP TABLE "User";\n' : schemaText(MODELS), uri.endsWith('.sql') ? 'sql' : 'prisma');
    for (const uri of MALFORMED) {
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'TRUNCATE "User";\n' }] });
    }
    let since = server.published.length;
    await open(schemaUri, schemaText(MODELS.replace('  name String\n', '')));
    assert.deepEqual((await server.diagnosticsFor(schemaUri, since, 1, (d) => d.length > 0)).map((d) => d.code), ['dropped-column']);

    since = server.published.length;
    await open(sqlUri, 'DROP TABLE "User";\n', 'sql');
    assert.deepEqual((await server.diagnosticsFor(sqlUri, since, 1)).map((d) => d.code), ['sql-drop-table']);

    // A refresh of the projects and a settings change walk every open document, the malformed ones included.
    since = server.published.length;
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri: schemaUri, version: 2 }, contentChanges: [{ text: schemaText(MODELS) }] });
    assert.deepEqual(await server.diagnosticsFor(schemaUri, since, 2), []);
    since = server.published.length;
    await server.connection.sendNotification(PROJECTS_NOTIFICATION, { projects: [toServerProject(project)] });
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri: schemaUri, version: 3 }, contentChanges: [{ text: schemaText(MODELS.replace('  name String\n', '')) }] });
    assert.deepEqual((await server.diagnosticsFor(schemaUri, since, 3, (d) => d.length > 0)).map((d) => d.code), ['dropped-column']);
  });

  test('the malformed documents get no diagnostics of their own, and closing them leaves the others analysed', async () => {
    assert.deepEqual(server.published.filter((p) => MALFORMED.includes(p.uri) && p.diagnostics.length > 0), []);
    for (const uri of MALFORMED) await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    const since = server.published.length;
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri: schemaUri, version: 4 }, contentChanges: [{ text: schemaText(MODELS) }] });
    assert.deepEqual(await server.diagnosticsFor(schemaUri, since, 4), []);
  });
});
