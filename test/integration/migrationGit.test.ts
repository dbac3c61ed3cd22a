// What git knows about migration folders, built with real git in a temporary repository: untracked,
// staged-only and modified migrations, migrations that live on another branch, and the CI gate's verdict.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { branchesWithMigrations, gitChanges, migrationGitView, migrationStates } from '../../src/core/git/migrationGit';
import { cli } from '../cli/cliSuite';
import { tempProject, type TempProject } from '../helpers/tempProject';

const MODELS = 'model User {\n  id Int @id\n}\n';
const INIT = 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY);\n';

describe('migration folders in git', () => {
  let project: TempProject;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.test', ...args], { cwd: project.root, encoding: 'utf8' });

  before(() => {
    project = tempProject('sqlite', MODELS);
    project.addMigration('20260101000000_init', INIT);
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-qm', 'init');
  });
  after(() => project.remove());

  it('a clean checkout: nothing to report, and check --ci passes', async () => {
    const view = await migrationGitView(project.migrationsDir, []);
    assert.deepEqual([...(view?.states ?? new Map())], []);
    const result = await cli(project.root, 'check', '--ci');
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  it('untracked, staged-only and modified migrations, each by its folder; check --ci fails on each', async () => {
    project.addMigration('20260102000000_untracked', 'INSERT INTO "User" ("id") VALUES (1);\n');
    project.addMigration('20260103000000_staged', 'INSERT INTO "User" ("id") VALUES (2);\n');
    git('add', path.join('prisma', 'migrations', '20260103000000_staged'));
    appendFileSync(path.join(project.migrationsDir, '20260101000000_init', 'migration.sql'), '-- edited\n');
    const view = await migrationGitView(project.migrationsDir, []);
    assert.deepEqual(
      [...(view?.states ?? [])].sort(),
      [
        ['20260101000000_init', 'modified'],
        ['20260102000000_untracked', 'untracked'],
        ['20260103000000_staged', 'uncommitted'],
      ],
    );
    const result = await cli(project.root, 'check', '--ci', '--format', 'json');
    assert.equal(result.code, 1);
    const notCommitted = (JSON.parse(result.stdout) as Array<{ rule: string; message: string; file: string }>).filter((f) => f.rule === 'migration-not-committed');
    assert.deepEqual(notCommitted.map((f) => path.basename(path.dirname(f.file))).sort(), ['20260101000000_init', '20260102000000_untracked', '20260103000000_staged']);
    git('checkout', '-q', '--', '.');
    git('add', '.');
    git('commit', '-qm', 'two more');
    assert.equal((await cli(project.root, 'check', '--ci')).code, 0);
  });

  it('a changed file outside the migration folders (the lockfile, the schema) is not a migration', () => {
    const states = migrationStates(project.migrationsDir, [
      { file: path.join(project.migrationsDir, 'migration_lock.toml'), kind: 'modified' },
      { file: project.schemaPath, kind: 'modified' },
    ]);
    assert.deepEqual([...states], []);
  });

  it('finds the branches that have a migration this checkout lacks', async () => {
    git('checkout', '-qb', 'feature-tags');
    project.addMigration('20260104000000_tags', 'CREATE TABLE "Tag" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    git('add', '.');
    git('commit', '-qm', 'tags');
    git('checkout', '-q', 'main');
    const found = await branchesWithMigrations(project.migrationsDir, ['20260104000000_tags', '20260105000000_nowhere']);
    assert.deepEqual([...found], [['20260104000000_tags', ['feature-tags']]]);
  });

  it('outside a repository there is no git view, and the gate does not ask for commits', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'pm-nogit-'));
    assert.equal(await gitChanges(outside), null);
  });
});
