// The schema analysed without being opened: the server analyses every project it is told of, publishes the
// findings on its closed files (the Problems view) and tells the extension what no migration contains yet.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { discoverProject } from '../../src/core/project/discover';
import { SchemaChangeAnalyser } from '../../src/core/schemaChanges/analyser';
import { PROJECTS_NOTIFICATION, SCHEMA_CHANGES_NOTIFICATION, type SchemaChangesParams, toServerProject } from '../../src/shared/protocol';
import { datasource, tempProject, type TempProject } from '../helpers/tempProject';
import { type ServerProcess, startServer } from './serverProcess';

const MODELS = 'model User {\n  id   Int    @id\n  name String\n}\n';

describe('a schema nobody opened', () => {
  let temp: TempProject;
  let server: ServerProcess;
  const summaries: SchemaChangesParams[] = [];
  const waiters = new Set<() => void>();

  /** The next summary of the project after `since` that `accept` takes. */
  const summary = (since: number, accept: (s: SchemaChangesParams) => boolean) =>
    new Promise<SchemaChangesParams>((resolve) => {
      const check = () => {
        const found = summaries.slice(since).find((s) => s.schemaPath === temp.schemaPath && accept(s));
        if (!found) return;
        waiters.delete(check);
        resolve(found);
      };
      waiters.add(check);
      check();
    });

  const tell = async () => {
    const project = await discoverProject({ cwd: temp.root, trusted: true });
    await server.connection.sendNotification(PROJECTS_NOTIFICATION, { projects: [toServerProject(project)] });
  };

  before(async () => {
    temp = tempProject('sqlite', MODELS);
    const project = await discoverProject({ cwd: temp.root, trusted: true });
    const empty = await SchemaChangeAnalyser.replay(project, readMigrationsFolder(temp.migrationsDir));
    temp.addMigration('20260101000000_init', (await empty.analyse(project)).script);
    await empty.dispose();
    server = await startServer(temp.root);
    server.connection.onNotification(SCHEMA_CHANGES_NOTIFICATION, (params: SchemaChangesParams) => {
      summaries.push(params);
      for (const check of [...waiters]) check();
    });
  });

  after(async () => {
    await server?.stop();
    temp?.remove();
  });

  test('a migrated schema: the summary says so, and no diagnostics', async () => {
    const since = summaries.length;
    const published = server.published.length;
    await tell();
    const said = await summary(since, () => true);
    assert.deepEqual(said, { schemaPath: temp.schemaPath, state: 'analysed', unmigrated: false, changes: [] });
    assert.deepEqual(await server.diagnosticsFor(pathToFileURL(temp.schemaPath).toString(), published), []);
  });

  test('an unmigrated rename on disk: the warning on the closed file, and the change in the summary', async () => {
    writeFileSync(temp.schemaPath, `${datasource('sqlite')}\n${MODELS.replace('name String', 'fullName String')}`);
    const since = summaries.length;
    const published = server.published.length;
    await tell();
    const said = await summary(since, (s) => s.unmigrated);
    assert.equal(said.state, 'analysed');
    assert.deepEqual(said.changes.map((c) => [c.rule, c.severity, c.file, c.line]), [['probable-rename', 'warning', temp.schemaPath, 7]]);
    const diagnostics = await server.diagnosticsFor(pathToFileURL(temp.schemaPath).toString(), published, undefined, (d) => d.length > 0);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['probable-rename', 6]]);
    assert.doesNotMatch(diagnostics[0].message, /`/, 'no Markdown in a diagnostic: VS Code shows it as it is');
  });

  test('a schema that does not parse: the summary says why, and claims no changes', async () => {
    writeFileSync(temp.schemaPath, `${datasource('sqlite')}\nmodel User {\n  id Int @id\n  name Strin\n}\n`);
    const since = summaries.length;
    await tell();
    const said = await summary(since, (s) => s.state !== 'analysed');
    assert.equal(said.state, 'invalid');
    assert.equal(said.unmigrated, false);
    assert.match(said.reason ?? '', /Strin/);
  });
});
