// Bad input to the schema analysis, over the protocol: a history that does not replay, and a dev database
// the extension cannot reach. The server says what it can, keeps the rest, and keeps answering.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { discoverProject } from '../../src/core/project/discover';
import type { PrismaProject } from '../../src/core/types';
import { DATA_LOSS_REQUEST, PROJECTS_NOTIFICATION, toServerProject } from '../../src/shared/protocol';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { type ServerProcess, startServer } from './serverProcess';

const MODELS = 'model User {\n  id   Int    @id\n  name String\n}\n';

describe('schema analysis on bad input, over the protocol', () => {
  let temp: TempProject;
  let project: PrismaProject;
  let server: ServerProcess;
  let uri: string;
  let version = 1;
  const text = (models: string) => `datasource db {\n  provider = "sqlite"\n}\n\n${models}`;

  before(async () => {
    temp = tempProject('sqlite', MODELS);
    temp.addMigration('20260101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL);\n');
    project = await discoverProject({ cwd: temp.root, trusted: true });
    server = await startServer(temp.root);
    server.connection.onRequest(DATA_LOSS_REQUEST, () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    uri = pathToFileURL(project.schemaPath).toString();
  });

  after(async () => {
    await server?.stop();
    temp?.remove();
  });

  test('an unreachable dev database leaves the static findings, and typing goes on being analysed', async () => {
    await server.connection.sendNotification(PROJECTS_NOTIFICATION, { projects: [toServerProject(project)] });
    let since = server.published.length;
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prisma', version, text: text(MODELS.replace('  name String\n', '')) } });
    const dropped = await server.diagnosticsFor(uri, since, version, (d) => d.length > 0);
    assert.deepEqual(dropped.map((d) => d.code), ['dropped-column']);
    // The counts request fails after the pause; the next keystroke is still answered.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    version += 1;
    since = server.published.length;
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: text(MODELS) }] });
    assert.deepEqual(await server.diagnosticsFor(uri, since, version), []);
  });

  test('a history that fails on an empty database is said once, on the datasource, naming the migration', async () => {
    temp.addMigration('20260102000000_broken', 'INSERT INTO "DoesNotExist" VALUES (1);\n');
    const since = server.published.length;
    await server.connection.sendNotification(PROJECTS_NOTIFICATION, { projects: [toServerProject(project)] });
    const diagnostics = await server.diagnosticsFor(uri, since, undefined, (d) => d.length > 0);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.range.start.line]), [['history-does-not-replay', 2, 0]]);
    assert.match(diagnostics[0].message, /does not replay on an empty database.*20260102000000_broken/s);
  });
});

describe('a preview feature Prisma 7 removed, over the protocol', () => {
  let temp: TempProject;
  let server: ServerProcess;

  before(async () => {
    temp = tempProject('sqlite', MODELS);
    temp.addMigration('20260101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL);\n');
    server = await startServer(temp.root);
  });

  after(async () => {
    await server?.stop();
    temp?.remove();
  });

  test('is said once, as information on the feature, and the findings of the same text still come', async () => {
    const generator = 'generator client {\n  provider        = "prisma-client-js"\n  previewFeatures = ["metrics", "tracing"]\n}\n\n';
    writeFileSync(temp.schemaPath, `${generator}${temp.schemaText()}`);
    const project = await discoverProject({ cwd: temp.root, trusted: true });
    const uri = pathToFileURL(project.schemaPath).toString();
    const since = server.published.length;
    await server.connection.sendNotification(PROJECTS_NOTIFICATION, { projects: [toServerProject(project)] });
    const text = `${generator}${temp.schemaText().replace('  name String\n', '')}`;
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prisma', version: 1, text } });
    const diagnostics = await server.diagnosticsFor(uri, since, 1, (d) => d.length > 0);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character, d.range.end.character]),
      [
        ['dropped-column', 2, 9, 0, 10],
        ['preview-feature-ignored', 3, 2, 21, 30],
      ],
    );
    assert.match(diagnostics.find((d) => d.code === 'preview-feature-ignored')!.message, /"metrics" is not known/);
  });
});
