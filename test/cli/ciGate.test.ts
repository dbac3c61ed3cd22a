// `check --ci`, the pipeline's gate, on a SQLite project: offline (no database opened or created), then
// against a target database given with --url, with each threshold.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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

describe('prisma-migrations check --ci --base', () => {
  it('is an error (exit 2) outside a git repository and for a ref git does not know, before anything runs', async () => {
    const project = tempProject('sqlite', MODELS);
    try {
      assert.equal((await cli(project.root, 'create', '--name', 'init', '--draft')).code, 0);
      const outside = await cli(project.root, 'check', '--ci', '--base', 'main');
      assert.equal(outside.code, 2);
      assert.match(outside.stderr, /--base main compares git branches, and .* is not in a git repository/);
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.test', ...args], { cwd: project.root });
      git('init', '-q', '-b', 'main');
      git('add', '.');
      git('commit', '-qm', 'init');
      const target = path.join(project.root, 'target.db');
      const badRef = await cli(project.root, 'check', '--ci', '--base', 'origin/main', '--url', `file:${target}`);
      assert.equal(badRef.code, 2);
      assert.match(badRef.stderr, /--base origin\/main: no such branch or commit in this repository/);
      assert.equal(badRef.stdout, '', 'no finding printed: the gate did not run');
      assert.equal(existsSync(target), false, 'the target database was not opened');
      const asOption = await cli(project.root, 'check', '--ci', '--base=--output=x');
      assert.equal(asOption.code, 2);
      assert.match(asOption.stderr, /--base needs a git branch or commit/);
      assert.equal((await cli(project.root, 'check', '--ci', '--base', 'main')).code, 0);
    } finally {
      project.remove();
    }
  });

  it('goes with --ci only', async () => {
    const project = tempProject('sqlite', MODELS);
    try {
      const result = await cli(project.root, 'check', '--base', 'main');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /--base goes with --ci/);
    } finally {
      project.remove();
    }
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
