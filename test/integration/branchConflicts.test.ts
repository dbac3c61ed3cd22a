// conflicting-migrations in the CI gate, with real git branches in a temporary repository and a SQLite
// target: a history that changes one table many times is no conflict; two branches each changing it since
// they split are, with --base (also from a pull request's merge checkout, as CI makes it); with --url, the
// migrations the target has not applied.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../cli/cliSuite';
import { tempProject, type TempProject } from '../helpers/tempProject';

const MODELS = 'model User {\n  id Int     @id\n  a  String?\n  b  String?\n}\n\nmodel Post {\n  id Int @id\n}\n';
const FEATURE = '20260110000000_feature_user_c';
const MAIN_USER = '20260112000000_main_user_d';

describe('conflicting-migrations: branches with --base, unapplied with --url, none with neither (git, SQLite)', () => {
  let project: TempProject;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.test', ...args], { cwd: project.root, encoding: 'utf8' });
  const commit = (name: string, sql: string) => {
    project.addMigration(name, sql);
    git('add', '.');
    git('commit', '-qm', name);
  };
  /** The gate's conflict findings, each as `<migration it points at>: <message>`. */
  const conflicts = async (...args: string[]) => {
    const result = await cli(project.root, 'check', '--ci', '--format', 'json', ...args);
    assert.notEqual(result.code, 2, result.stderr);
    const findings = JSON.parse(result.stdout) as Array<{ rule: string; message: string; file: string }>;
    return findings.filter((f) => f.rule === 'conflicting-migrations').map((f) => `${path.basename(path.dirname(f.file))}: ${f.message}`);
  };

  before(() => {
    project = tempProject('sqlite', MODELS);
    git('init', '-q', '-b', 'main');
    commit('20260101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY);\nCREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    commit('20260102000000_user_a', 'ALTER TABLE "User" ADD COLUMN "a" TEXT;\n');
    commit('20260103000000_user_b', 'ALTER TABLE "User" ADD COLUMN "b" TEXT;\n');
  });
  after(() => project.remove());

  it('a table changed twice in one history is no conflict: without base or target the gate passes', async () => {
    const result = await cli(project.root, 'check', '--ci');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Ready to deploy/);
    assert.deepEqual(await conflicts('--base', 'main'), [], 'on the base itself nothing is new on either side');
  });

  it('only this branch, or only the base, changing a table is no conflict', async () => {
    git('checkout', '-qb', 'feature');
    commit(FEATURE, 'ALTER TABLE "User" ADD COLUMN "c" TEXT;\n');
    assert.deepEqual(await conflicts('--base', 'main'), []);
    git('checkout', '-q', 'main');
    commit('20260111000000_main_post_x', 'ALTER TABLE "Post" ADD COLUMN "x" TEXT;\n');
    git('checkout', '-q', 'feature');
    assert.deepEqual(await conflicts('--base', 'main'), []);
  });

  it('both sides changing one table since they split is a conflict with --base, naming both and the base', async () => {
    git('checkout', '-q', 'main');
    commit(MAIN_USER, 'ALTER TABLE "User" ADD COLUMN "d" TEXT;\n');
    git('checkout', '-q', 'feature');
    const expected = [`${FEATURE}: ${FEATURE} on this branch and ${MAIN_USER}, added on main since this branch left it, both change the table \`User\`: check that together they do what both meant (regenerate this branch's migration from the merged schema if not).`];
    assert.deepEqual(await conflicts('--base', 'main'), expected);
    assert.deepEqual(await conflicts(), [], 'without --base or a target, no conflict findings');
  });

  it("from a pull request's merge checkout (CI's), the branch side is the merged branch", async () => {
    git('checkout', '-q', '--detach', 'main');
    git('merge', '-q', '--no-ff', '--no-edit', 'feature');
    const found = await conflicts('--base', 'main');
    assert.equal(found.length, 1, found.join('\n'));
    assert.ok(found[0].startsWith(`${FEATURE}: ${FEATURE} on this branch and ${MAIN_USER}, added on main`), found[0]);
    git('checkout', '-q', 'feature');
  });

  it('with --url and no --base: the migrations the target has not applied, only', async () => {
    const target = ['--url', `file:${path.join(project.root, 'target.db')}`];
    assert.equal((await cli(project.root, 'apply', ...target)).code, 0);
    assert.deepEqual(await conflicts(...target), [], 'all applied, however often they changed User');
    project.addMigration('20260120000000_user_e', 'ALTER TABLE "User" ADD COLUMN "e" TEXT;\n');
    project.addMigration('20260121000000_user_f', 'ALTER TABLE "User" ADD COLUMN "f" TEXT;\n');
    const found = await conflicts(...target);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0], /^20260121000000_user_f: 20260120000000_user_e and 20260121000000_user_f both change the table `User` and are not applied yet/);
  });
});
