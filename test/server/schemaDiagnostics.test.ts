// Breaking-change diagnostics on schema.prisma from the shipped language server, over the protocol: the
// test plays the extension (it sends the projects and answers the data-loss request from a real SQLite
// dev database with rows), and types into the schema as a user would.
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, Diagnostic, Hover } from 'vscode-languageserver/node';
import { openProjectDatabase, type ProjectDatabase } from '../../src/core/connect';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { discoverProject, withSchemaFiles } from '../../src/core/project/discover';
import { SchemaChangeAnalyser } from '../../src/core/schemaChanges/analyser';
import { evaluateOnDevDatabase } from '../../src/core/schemaChanges/devDatabase';
import type { PrismaProject } from '../../src/core/types';
import { DATA_LOSS_REQUEST, type DataLossParams, type DataLossResult, PROJECTS_NOTIFICATION, toServerProject } from '../../src/shared/protocol';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { type ServerProcess, startServer } from './serverProcess';

const MODELS = `model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String
}
`;

describe('breaking-change diagnostics on schema.prisma, over the protocol', () => {
  let temp: TempProject;
  let project: PrismaProject;
  let server: ServerProcess;
  let dev: ProjectDatabase;
  let uri: string;
  let version = 1;
  const dataLossRequests: DataLossParams[] = [];
  const text = (models: string) => `datasource db {\n  provider = "sqlite"\n}\n\n${models}`;
  const lineOf = (models: string, needle: string) => text(models).split('\n').findIndex((l) => l.includes(needle));

  /** Replaces the whole text, as a paste would; returns the diagnostics published for that version. */
  const type = async (models: string, accept?: (d: Diagnostic[]) => boolean) => {
    version += 1;
    const since = server.published.length;
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: text(models) }] });
    return server.diagnosticsFor(uri, since, version, accept);
  };

  before(async () => {
    temp = tempProject('sqlite', MODELS);
    project = await discoverProject({ cwd: temp.root, trusted: true });
    const empty = await SchemaChangeAnalyser.replay(project, readMigrationsFolder(temp.migrationsDir));
    temp.addMigration('20260101000000_init', (await empty.analyse(project)).script);
    await empty.dispose();
    dev = await openProjectDatabase(project, { url: { url: `file:${path.join(temp.root, 'dev.db')}`, source: 'flag' } });
    await dev.backend.applyPending(readMigrationsFolder(temp.migrationsDir));
    await dev.engine!.execute(`INSERT INTO "User" ("email", "name") VALUES ('a@x', 'Ada'), ('b@x', 'Bob'), ('c@x', 'Cy');`);

    server = await startServer(temp.root);
    // The extension's answer: the dev database's data-loss evaluation of the text the server sends.
    server.connection.onRequest(DATA_LOSS_REQUEST, async (params: DataLossParams): Promise<DataLossResult> => {
      dataLossRequests.push(params);
      await dev.engine!.updateSchema(withSchemaFiles(project, params.files).engineSchemaFiles);
      return { ...(await evaluateOnDevDatabase(dev.engine!, readMigrationsFolder(temp.migrationsDir), params.uniqueChecks)), database: dev.label };
    });
    await server.connection.sendNotification(PROJECTS_NOTIFICATION, { projects: [toServerProject(project)] });
    uri = pathToFileURL(project.schemaPath).toString();
    const since = server.published.length;
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prisma', version, text: text(MODELS) } });
    assert.deepEqual(await server.diagnosticsFor(uri, since, version), [], 'the schema the history leaves has nothing to say');
  });

  after(async () => {
    await server?.stop();
    await dev?.backend.dispose();
    temp?.remove();
  });

  test('a probable rename: a warning on the new field, the SQL in its hover, @map among its quick fixes', async () => {
    const edited = MODELS.replace('  name  String\n', '  fullName String\n');
    const [diagnostic] = await type(edited, (d) => d.length > 0);
    assert.equal(diagnostic.code, 'probable-rename');
    assert.equal(diagnostic.severity, 2);
    assert.equal(diagnostic.range.start.line, lineOf(edited, 'fullName'));
    assert.match(diagnostic.codeDescription?.href ?? '', /rules\.md#probable-rename$/);

    const hover = (await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: diagnostic.range.start.line, character: 4 } })) as Hover;
    assert.match(JSON.stringify(hover.contents), /```sql[\s\S]*new_User/);

    const actions = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ['Keep the data: map fullName to the existing column name (@map)', 'Rename fullName back to name', 'Create Migration…', 'Show SQL for This Change']);
    const edit = actions[0].edit?.changes?.[uri]?.[0];
    assert.equal(edit?.newText, ' @map("name")');
    assert.equal(actions[2].command?.command, 'prismaMigrations.createMigration');
    assert.deepEqual(actions[2].command?.arguments, [project.schemaPath]);
  });

  test('after a pause the dev database\'s counts join the message, for the unsaved text', async () => {
    const edited = MODELS.replace('  name  String\n', '');
    const requests = dataLossRequests.length;
    const withCounts = await type(edited, (d) => d.some((x) => /Dev database:/.test(x.message)));
    const dropped = withCounts.find((d) => d.code === 'dropped-column');
    assert.ok(dropped, JSON.stringify(withCounts));
    assert.equal(dropped.range.start.line, lineOf(edited, 'model User'));
    assert.match(dropped.message, /User\.name was removed.*Dev database: .*still contains 3 non-null values/s);
    assert.equal(dropped.message.split('Dev database:').length, 2, `"Dev database:" once: ${dropped.message}`);
    assert.ok(dataLossRequests.length > requests);
    assert.doesNotMatch(dataLossRequests.at(-1)!.files[0].content, /\bname\b/, 'the counts are for the text being typed');
  });

  test('an unexecutable change becomes an error once the dev database says the table has rows', async () => {
    const edited = MODELS.replace('  name  String\n', '  name  String\n  age   Int\n');
    const diagnostics = await type(edited, (d) => d.some((x) => x.severity === 1));
    const required = diagnostics.find((d) => d.code === 'required-column-without-default');
    assert.ok(required, JSON.stringify(diagnostics));
    assert.equal(required.severity, 1);
    assert.equal(required.range.start.line, lineOf(edited, '  age'));
    assert.match(required.message, /There are 3 rows/);
  });

  test('half-typed text clears the diagnostics instead of leaving stale ones, and typing on brings them back', async () => {
    assert.deepEqual(await type(MODELS.replace('  name  String\n', '  name  Str')), []);
    const back = await type(MODELS.replace('  name  String\n', '  fullName String\n'), (d) => d.length > 0);
    assert.deepEqual(back.map((d) => d.code), ['probable-rename']);
  });

  test('a burst of keystrokes is analysed once, for its last version', async () => {
    const since = server.published.length;
    const target = MODELS.replace('  name  String\n', '  name  String\n  nickname String?\n');
    for (let i = 1; i <= 'nickname'.length; i += 1) {
      version += 1;
      const partial = MODELS.replace('  name  String\n', `  name  String\n  ${'nickname'.slice(0, i)} String?\n`);
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: text(partial) }] });
    }
    const diagnostics = await server.diagnosticsFor(uri, since, version);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.range.start.line]), [['not-migrated', 3, lineOf(target, 'nickname')]]);
    assert.deepEqual([...new Set(server.published.slice(since).filter((p) => p.uri === uri).map((p) => p.version))], [version], 'no stale versions published');
  });

  test('a project taken away (Restricted Mode) loses its diagnostics; given back, they return', async () => {
    await type(MODELS.replace('  name  String\n', '  fullName String\n'), (d) => d.length > 0);
    let since = server.published.length;
    await server.connection.sendNotification(PROJECTS_NOTIFICATION, { projects: [] });
    assert.deepEqual(await server.diagnosticsFor(uri, since), []);
    since = server.published.length;
    await server.connection.sendNotification(PROJECTS_NOTIFICATION, { projects: [toServerProject(project)] });
    const back = await server.diagnosticsFor(uri, since, undefined, (d) => d.length > 0);
    assert.deepEqual([...new Set(back.map((d) => d.code))], ['probable-rename']);
  });

  test('a new unique constraint becomes an error when the dev database holds duplicates, counted', async () => {
    await dev.engine!.execute(`INSERT INTO "User" ("email", "name") VALUES ('d@x', 'Ada');`);
    const edited = MODELS.replace('  name  String\n', '  name  String  @unique\n');
    const diagnostics = await type(edited, (d) => d.some((x) => x.severity === 1));
    const unique = diagnostics.find((d) => d.code === 'added-unique-constraint');
    assert.ok(unique, JSON.stringify(diagnostics));
    assert.equal(unique.range.start.line, lineOf(edited, '  name'));
    assert.match(unique.message, /Dev database: Adding a unique constraint on the column name of the User table fails: 1 value occurs more than once/);
  });
});
