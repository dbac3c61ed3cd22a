import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { commandSession, migrationRows, postgres, stateOf, workspaceRoot } from './helpers';

const APP = 'pg-app';
const PROD_URL = 'postgresql://admin:s3cret-pw@db.prod.example.invalid:5432/app';

describe('a PostgreSQL project: URL from .env, commands on the server, secrets and the dev-host guard', function () {
  this.timeout(300_000);
  const session = commandSession(APP);
  const { prompts, run } = session;
  let api: ExtensionApi;
  before(() => {
    api = session.api;
  });
  const prisma = () => path.join(workspaceRoot(), APP, 'prisma');
  const url = () => /DATABASE_URL="([^"]+)"/.exec(readFileSync(path.join(workspaceRoot(), APP, '.env'), 'utf8'))![1];
  after(async () => {
    await vscode.workspace.getConfiguration('prismaMigrations').update('allowedDevHosts', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('uses the URL from .env and says so', () => {
    const state = stateOf(api, APP);
    assert.equal(state.databaseSource, 'from the environment (DATABASE_URL)');
    assert.match(state.databaseLabel, /^postgresql:\/\/127\.0\.0\.1:5432\/pmv_ext_\w+$/);
    assert.deepEqual(migrationRows(api, APP), ['20260101000000_init: pending']);
  });

  it('applies the pending migration on the server', async () => {
    await run('prismaMigrations.applyPending');
    assert.deepEqual(migrationRows(api, APP), ['20260101000000_init: applied']);
    const rows = await postgres(url(), (db) => db.query(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL`));
    assert.deepEqual(rows.rows.map((r) => r.migration_name), ['20260101000000_init']);
    prompts.reset();
  });

  it('creates and applies a migration on the server', async () => {
    const schema = path.join(prisma(), 'schema.prisma');
    writeFileSync(schema, readFileSync(schema, 'utf8').replace('  title String\n', '  title String\n  isbn  String?\n'));
    prompts.answer('Create and Apply', 'add isbn');
    await run('prismaMigrations.createMigration');
    assert.deepEqual(prompts.errors(), []);
    assert.match(migrationRows(api, APP).at(-1) ?? '', /_add_isbn: applied$/);
    const columns = await postgres(url(), (db) => db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'Book' ORDER BY column_name`));
    assert.deepEqual(columns.rows.map((r) => r.column_name), ['id', 'isbn', 'title']);
    prompts.reset();
  });

  it('keeps a URL typed into the editor in secret storage, never in a file, and shows it without its password', async () => {
    prompts.answer('Enter a database URL', PROD_URL);
    await run('prismaMigrations.configureDevDatabase');
    const pick = prompts.calls.find((call) => call.kind === 'pick');
    assert.deepEqual(pick?.choices.map((c) => c.split(' ')[0]), ['Use', 'Use', 'Enter']);
    const state = stateOf(api, APP);
    assert.equal(state.databaseLabel, 'postgresql://db.prod.example.invalid:5432/app');
    assert.equal(state.databaseSource, 'entered in VS Code');
    assert.deepEqual(filesContaining(workspaceRoot(), 'db.prod.example.invalid'), []);
    const input = prompts.calls.find((call) => call.kind === 'input');
    assert.match(String(await input?.validate?.('mysql://x@y/z')), /A postgresql URL starts with postgresql:\/\/ or postgres:\/\//);
    // An empty URL would stand for no database at all (#14: an empty URL is never a fallback).
    for (const blank of ['', '   ']) assert.match(String(await input?.validate?.(blank)), /Enter the URL, or press Escape/);
    prompts.reset();
  });

  it('refuses to rewrite a database on a host that is not an allowed dev host, and says how to allow it', async () => {
    for (const command of ['prismaMigrations.applyPending', 'prismaMigrations.resetDatabase']) {
      await run(command);
      const error = prompts.find('error', /refused/);
      assert.ok(error, `${command}: ${JSON.stringify(prompts.calls)}`);
      assert.match(error.message, /db\.prod\.example\.invalid is not a development database host.*"prismaMigrations\.allowedDevHosts"/);
      assert.deepEqual(error.choices, ['Open Settings', 'Show Log']);
      assert.doesNotMatch(error.message, /s3cret/);
      assert.equal(prompts.calls.some((call) => call.kind === 'input'), false, 'the reset must be refused before it asks anything');
      prompts.reset();
    }
  });

  it('goes back to the configured database when asked', async () => {
    prompts.answer('Use the configured database');
    await run('prismaMigrations.configureDevDatabase');
    assert.equal(stateOf(api, APP).databaseSource, 'from the environment (DATABASE_URL)');
    assert.equal(stateOf(api, APP).error, undefined);
    prompts.reset();
  });

  it('honours the allowedDevHosts setting: an empty list allows no server, not even localhost', async () => {
    await vscode.workspace.getConfiguration('prismaMigrations').update('allowedDevHosts', [], vscode.ConfigurationTarget.Workspace);
    await run('prismaMigrations.resetDatabase');
    assert.match(prompts.find('error', /refused/)?.message ?? JSON.stringify(prompts.calls), /127\.0\.0\.1 is not a development database host/);
    prompts.reset();
    await vscode.workspace.getConfiguration('prismaMigrations').update('allowedDevHosts', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('writes every step to its log, with passwords redacted', async () => {
    const log = findFile(api.logUri.fsPath, (file) => file.endsWith('Prisma Migrate.log'));
    assert.ok(log, `no Prisma Migrate.log under ${api.logUri.fsPath}`);
    const text = readFileSync(log, 'utf8');
    assert.match(text, /Activated in/);
    assert.match(text, /Applying 20260101000000_init/);
    assert.doesNotMatch(text, /s3cret-pw/);
  });
});

/** Files under `dir` (not node_modules) whose content includes `text`. */
function filesContaining(dir: string, text: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => !file.includes('node_modules') && statSync(file).isFile() && statSync(file).size < 1_000_000 && readFileSync(file).includes(text));
}

function findFile(dir: string, accept: (file: string) => boolean): string | undefined {
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => path.join(dir, name)).find(accept);
}
