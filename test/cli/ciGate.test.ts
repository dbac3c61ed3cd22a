// `check --ci`, the pipeline's gate, on a SQLite project: offline (no database opened or created), then
// against a target database given with --url, with each threshold.
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { cli } from './cliSuite';

const MODELS = 'model User {\n  id    Int    @id\n  email String\n}\n\nmodel Post {\n  id Int @id\n}\n';

describe('prisma-migrations check --ci', () => {
  let project: TempProject;
  const run = (...args: string[]) => cli(project.root, ...args);
  const target = () => ['--url', `file:${path.join(project.root, 'target.db')}`];
  const rules = (stdout: string) => (JSON.parse(stdout) as Array<{ rule: string; severity: string }>).map((f) => `${f.rule}:${f.severity}`);

  before(async () => {
    project = tempProject('sqlite', MODELS);
    assert.equal((await run('create', '--name', 'init', '--draft')).code, 0);
    // `create` used the embedded dev database; the gate must neither need nor create one.
    rmSync(path.join(project.root, 'prisma', 'dev.db'), { force: true });
  });
  after(() => project.remove());

  it('passes a migrated schema without opening or creating any database', async () => {
    const result = await run('check', '--ci');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Ready to deploy/);
    assert.equal(existsSync(path.join(project.root, 'prisma', 'dev.db')), false);
  });

  it('fails a schema change no migration contains', async () => {
    project.writeSchema(`${MODELS}\nmodel Tag {\n  id Int @id\n}\n`);
    try {
      const result = await run('check', '--ci', '--format', 'json');
      assert.equal(result.code, 1);
      assert.ok(rules(result.stdout).includes('schema-not-migrated:error'), result.stdout);
    } finally {
      project.writeSchema(MODELS);
    }
  });

  it('against a target: lists what deploy would apply, lints it, and --fail-on decides whether its warnings fail', async () => {
    assert.equal((await run('apply', ...target())).code, 0);
    project.writeSchema(MODELS.replace(/\nmodel Post \{[^}]*\}\n/, ''));
    assert.equal((await run('create', '--name', 'drop post', '--draft', ...target())).code, 0);
    const listed = await run('check', '--ci', '--format', 'json', ...target());
    assert.equal(listed.code, 1, 'a dropped table is a warning, and warnings fail by default');
    const found = rules(listed.stdout);
    assert.ok(found.includes('pending-migration:info') && found.includes('sql-drop-table:warning'), found.join(', '));
    assert.ok(!found.some((r) => r.endsWith(':error')), found.join(', '));
    assert.equal((await run('check', '--ci', '--fail-on', 'error', ...target())).code, 0);
  });

  it('fails on drift in the target', async () => {
    assert.equal((await run('apply', ...target())).code, 0);
    assert.equal((await run('execute', '--file', writeScript(project), ...target())).code, 0);
    const result = await run('check', '--ci', '--fail-on', 'error', '--format', 'json', ...target());
    assert.equal(result.code, 1);
    assert.ok(rules(result.stdout).includes('target-drift:error'), result.stdout);
  });
});

describe('prisma-migrations verify', () => {
  it('refuses a target that does not exist, and does not create it', async () => {
    const project = tempProject('sqlite', MODELS);
    try {
      assert.equal((await cli(project.root, 'create', '--name', 'init', '--draft')).code, 0);
      const file = path.join(project.root, 'never-deployed.db');
      const result = await cli(project.root, 'verify', '--url', `file:${file}`);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /There is no database at .*never-deployed\.db/);
      assert.equal(existsSync(file), false);
    } finally {
      project.remove();
    }
  });
});

function writeScript(project: TempProject): string {
  const file = path.join(project.root, 'drift.sql');
  writeFileSync(file, 'CREATE TABLE "Sneaky" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
  return file;
}
