// Class: an empty URL (a CI secret that is not defined) taken for "no URL" (#14, item 8): `apply --url ""`
// applied to the embedded database and said "Applied 1 migration"; verify said "Verified"; check --ci
// said "Ready to deploy".
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { effectiveUrl } from '../../src/core/connect';
import { discoverProject } from '../../src/core/project/discover';
import { cli } from '../cli/cliSuite';
import { expectMigrateError } from '../helpers/migrateError';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';

const MODELS = 'model User {\n  id Int @id\n}\n';
const MIGRATION = '20240101000000_init';
const VARIABLE = 'PM_ATTACK_EMPTY_URL';

/** Runs `fn` with the variable set to `value` (unset for undefined), as a CI job's environment would. */
async function withVariable<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (value === undefined) delete process.env[VARIABLE];
  else process.env[VARIABLE] = value;
  try {
    return await fn();
  } finally {
    delete process.env[VARIABLE];
  }
}

for (const provider of ['sqlite', 'postgresql'] as const) {
  describe(`attack: an empty --url on a ${provider} project with an embedded fallback`, () => {
    let project: TempProject;
    const embedded = () => path.join(project.root, 'prisma', provider === 'sqlite' ? 'dev.db' : '.pglite');

    before(() => {
      project = tempProject(provider, MODELS);
      project.addMigration(MIGRATION, 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
      writeFileSync(path.join(project.root, 'seed.sql'), 'SELECT 1;\n');
    });
    after(() => project.remove());

    const commands = [
      ['apply'],
      ['verify'],
      ['check', '--ci'],
      ['check'],
      ['status'],
      ['reset', '--force'],
      ['create', '--name', 'next'],
      ['resolve', '--applied', MIGRATION],
      ['execute', '--file', 'seed.sql'],
      ['rollback', '--force'],
      ['down', MIGRATION],
      ['pull'],
      ['init'],
    ];
    for (const value of ['', ' ', '\t\n']) {
      it(`every command refuses --url ${JSON.stringify(value)}: exit 2, no database created, nothing claimed`, async () => {
        for (const command of commands) {
          const result = await cli(project.root, ...command, '--url', value);
          assert.equal(result.code, 2, `${command.join(' ')}: ${result.stdout}${result.stderr}`);
          assert.match(result.stderr, /--url is empty/, command.join(' '));
          assert.equal(result.stdout, '', `${command.join(' ')} printed a result`);
          assert.ok(!existsSync(embedded()), `${command.join(' ')} created the embedded database`);
        }
      });
    }
  });
}

describe('attack: an empty variable behind the URL', () => {
  let project: TempProject;
  const devDb = () => path.join(project.root, 'prisma', 'dev.db');
  const apply = () => cli(project.root, 'apply');

  before(() => {
    project = tempProject('sqlite', MODELS);
    project.addMigration(MIGRATION, 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
  });
  after(() => project.remove());

  it('Prisma 6: url = env("…") set to "" or blanks is an error naming the variable, not the embedded database', async () => {
    writeFileSync(project.schemaPath, `datasource db {\n  provider = "sqlite"\n  url      = env("${VARIABLE}")\n}\n\n${MODELS}`);
    for (const value of ['', '   ']) {
      const result = await withVariable(value, apply);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, new RegExp(`The database URL from the environment \\(${VARIABLE}\\) is empty: nothing was run`));
      assert.equal(result.stdout, '');
      assert.ok(!existsSync(devDb()));
    }
  });

  it('prisma.config.ts: env("…") set to "" is an error (a warning names the variable); the same for url: process.env.X ?? ""', async () => {
    project.writeSchema(MODELS);
    const config = path.join(project.root, 'prisma.config.ts');
    writeFileSync(config, `import { defineConfig, env } from 'prisma/config';\nexport default defineConfig({ schema: 'prisma/schema.prisma', datasource: { url: env('${VARIABLE}') } });\n`);
    const fromEnv = await withVariable('', apply);
    assert.equal(fromEnv.code, 2, fromEnv.stdout + fromEnv.stderr);
    assert.match(fromEnv.stderr, new RegExp(`warning: ${VARIABLE} is set but empty \\(prisma\\.config\\.ts\\)`));
    assert.match(fromEnv.stderr, /The database URL from prisma\.config\.ts is empty/);
    writeFileSync(config, `import { defineConfig } from 'prisma/config';\nexport default defineConfig({ schema: 'prisma/schema.prisma', datasource: { url: process.env.${VARIABLE} ?? '' } });\n`);
    const fallback = await withVariable(undefined, apply);
    assert.equal(fallback.code, 2, fallback.stdout + fallback.stderr);
    assert.match(fallback.stderr, /The database URL from prisma\.config\.ts is empty/);
    assert.ok(!existsSync(devDb()));
  });

  it('an unset variable still means "no URL configured": a warning, then the embedded database', async () => {
    const config = path.join(project.root, 'prisma.config.ts');
    writeFileSync(config, `import { defineConfig, env } from 'prisma/config';\nexport default defineConfig({ schema: 'prisma/schema.prisma', datasource: { url: env('${VARIABLE}') } });\n`);
    const result = await withVariable(undefined, apply);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`warning: ${VARIABLE} is not set`));
    assert.ok(existsSync(devDb()));
  });

  it('an empty shadowDatabaseUrl is an error too, not a silently chosen shadow database', async () => {
    const database = await newPostgresDatabase('pm_attack_empty');
    const pgProject = tempProject('postgresql', MODELS);
    try {
      writeFileSync(pgProject.schemaPath, `datasource db {\n  provider = "postgresql"\n  url = "${database.url}"\n  shadowDatabaseUrl = env("${VARIABLE}")\n}\n\n${MODELS}`);
      const result = await withVariable('', () => cli(pgProject.root, 'status'));
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, new RegExp(`The shadow database URL from the environment \\(${VARIABLE}\\) is empty`));
    } finally {
      pgProject.remove();
      await database.drop();
    }
  });

  it("the extension's entered URL (secret storage) goes through the same rule", async () => {
    const discovered = await discoverProject({ cwd: project.root, trusted: true, env: {} });
    await expectMigrateError(Promise.resolve().then(() => effectiveUrl(discovered, { url: ' ', source: 'secret' })), 'config', /The database URL entered in VS Code is empty/);
  });
});
