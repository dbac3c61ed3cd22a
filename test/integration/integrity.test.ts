// History integrity as merges leave it, with real git branches in a temp repository and a SQLite dev
// database: a migration older than one already applied, edited and CRLF-converted applied migrations, one
// missing locally, two unapplied ones changing the same table, a lockfile for another provider.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { unappliedConflicts } from '../../src/core/check/conflicts';
import { historyIntegrity } from '../../src/core/check/integrity';
import { openSqlite } from '../../src/core/db/sqlite';
import { MigrationEngine } from '../../src/core/engine/migrationEngine';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { migrationStatuses } from '../../src/core/migrations/history';
import { retimestampMigration } from '../../src/core/operations/retimestamp';
import { tempProject, type TempProject } from '../helpers/tempProject';

const INIT = '20260101000000_init';
const ADD_A = '20260110000000_add_a';
const ADD_B = '20260105000000_add_b';

describe('history integrity after merging two branches (git, SQLite)', () => {
  let temp: TempProject;
  let engine: MigrationEngine;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.test', ...args], { cwd: temp.root, encoding: 'utf8' });
  const folder = () => readMigrationsFolder(temp.migrationsDir);
  const findings = async () => {
    const statuses = migrationStatuses(folder().migrations, (await engine.readMigrationRows()) ?? []);
    // As `check` reads it on the dev database: conflicts among the migrations it has not applied.
    return [...historyIntegrity(folder(), statuses, 'sqlite'), ...unappliedConflicts(folder(), statuses)].map((f) => `${f.rule} ${path.basename(path.dirname(f.file))} ${f.severity}`);
  };

  before(async () => {
    temp = tempProject('sqlite');
    temp.addMigration(INIT, 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    writeFileSync(path.join(temp.root, '.gitignore'), 'dev.db*\n');
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-qm', 'init');
    engine = new MigrationEngine({ database: openSqlite(path.join(temp.root, 'dev.db')), schemaFiles: [{ path: temp.schemaPath, content: temp.schemaText() }], configDir: temp.root });
    await engine.applyPending(folder());
  });

  after(async () => {
    await engine?.dispose();
    temp?.remove();
  });

  it('finds nothing in a clean history', async () => {
    assert.deepEqual(await findings(), []);
  });

  it('a migration from the other branch, older than one already applied, is out of order; re-timestamping it fixes that', async () => {
    git('checkout', '-qb', 'feature-b');
    temp.addMigration(ADD_B, 'ALTER TABLE "User" ADD COLUMN "b" TEXT;\n');
    git('add', '.');
    git('commit', '-qm', 'b');
    git('checkout', '-q', 'main');
    git('checkout', '-qb', 'feature-a');
    temp.addMigration(ADD_A, 'ALTER TABLE "User" ADD COLUMN "a" TEXT;\n');
    git('add', '.');
    git('commit', '-qm', 'a');
    await engine.applyPending(folder());
    git('merge', '-q', '--no-edit', 'feature-b');

    assert.deepEqual(await findings(), [`migration-out-of-order ${ADD_B} error`]);
    const renamed = await retimestampMigration(folder(), ADD_B, new Date(Date.UTC(2026, 0, 5)));
    assert.ok(renamed > ADD_A && renamed.endsWith('_add_b'), renamed);
    assert.deepEqual(await findings(), []);
    assert.deepEqual(await engine.applyPending(folder()), [renamed]);
  });

  it('two unapplied migrations that change the same table are flagged as a possible conflict; applied ones that did are not', async () => {
    temp.addMigration('20260201000000_c', 'ALTER TABLE "User" ADD COLUMN "c" TEXT;\n');
    temp.addMigration('20260202000000_d', 'ALTER TABLE "User" DROP COLUMN "a";\n');
    assert.deepEqual(await findings(), ['conflicting-migrations 20260202000000_d warning']);
    const statuses = migrationStatuses(folder().migrations, (await engine.readMigrationRows()) ?? []);
    assert.match(unappliedConflicts(folder(), statuses)[0].message, /^20260201000000_c and 20260202000000_d both change the table `User`/);
    rmSync(path.join(temp.migrationsDir, '20260201000000_c'), { recursive: true });
    rmSync(path.join(temp.migrationsDir, '20260202000000_d'), { recursive: true });
  });

  it('line endings converted by git are harmless; an edit is not', async () => {
    const file = path.join(temp.migrationsDir, INIT, 'migration.sql');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace(/\n/g, '\r\n'));
    assert.deepEqual(await findings(), [`migration-line-endings ${INIT} info`]);
    writeFileSync(file, `${original}-- tweaked\n`);
    assert.deepEqual(await findings(), [`migration-edited ${INIT} error`]);
    writeFileSync(file, original);
  });

  it('an applied migration without its folder, and a lockfile for another provider', async () => {
    const dir = path.join(temp.migrationsDir, ADD_A);
    const sql = readFileSync(path.join(dir, 'migration.sql'), 'utf8');
    rmSync(dir, { recursive: true });
    writeFileSync(path.join(temp.migrationsDir, 'migration_lock.toml'), 'provider = "postgresql"\n');
    assert.deepEqual((await findings()).sort(), ['lockfile-provider-mismatch migrations error', 'migration-missing-locally migrations error']);
    temp.addMigration(ADD_A, sql);
    writeFileSync(path.join(temp.migrationsDir, 'migration_lock.toml'), 'provider = "sqlite"\n');
    assert.deepEqual(await findings(), []);
  });
});
