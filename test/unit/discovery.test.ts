import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { isMigrateError, type MigrateError } from '../../src/core/errors';
import { findDatasource, urlPropertySpans } from '../../src/core/project/datasource';
import { blankSpans } from '../../src/core/schema/schemaBlocks';
import { discoverProject, findProjects, withSchemaFiles, type DiscoverOptions } from '../../src/core/project/discover';
import { validateSchema } from '../../src/core/project/validate';
import type { PrismaProject } from '../../src/core/types';

const FIXTURES = path.resolve(__dirname, '../fixtures/discovery');
const SECRET = 's3cret';

/** Every warning and error message the tests saw, checked for the fixtures' fake password at the end. */
const shown: string[] = [];
const temporary: string[] = [];

after(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/** A copy of a fixture under the OS temp folder: no node_modules in it or in any folder above it. */
function isolatedCopy(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `pm-discovery-${name}-`));
  temporary.push(dir);
  cpSync(fixture(name), dir, { recursive: true });
  return dir;
}

async function discover(options: DiscoverOptions): Promise<PrismaProject> {
  const project = await discoverProject(options);
  shown.push(...project.warnings, ...(project.urlWarnings ?? []));
  return project;
}

async function discoveryError(options: DiscoverOptions): Promise<MigrateError> {
  try {
    await discoverProject(options);
  } catch (error) {
    assert.ok(isMigrateError(error), `expected a MigrateError, got ${String(error)}`);
    shown.push(error.message);
    return error;
  }
  assert.fail('discovery succeeded');
}

function relative(project: PrismaProject, file: string): string {
  return path.relative(project.root, file);
}

function newlineOffsets(text: string): number[] {
  return [...text.matchAll(/\r|\n/g)].map((match) => match.index);
}

describe('prisma.config.ts', () => {
  test('runs a config with no node_modules anywhere above it; .env is visible to env()', async () => {
    const dir = isolatedCopy('prisma7-config');
    for (let folder = dir; folder !== path.dirname(folder); folder = path.dirname(folder)) {
      assert.equal(existsSync(path.join(folder, 'node_modules')), false, `${folder} has node_modules`);
    }
    const project = await discover({ cwd: dir, trusted: true, env: {} });
    assert.equal(project.root, dir);
    assert.equal(project.configFile, path.join(dir, 'prisma.config.ts'));
    assert.equal(relative(project, project.schemaPath), 'prisma/schema.prisma');
    assert.equal(relative(project, project.migrationsDir), 'prisma/history');
    assert.equal(project.provider, 'postgresql');
    assert.deepEqual(project.url, { url: 'postgresql://user:s3cret@localhost:5432/db', source: 'config' });
    assert.equal(project.shadowDatabaseUrl, undefined);
    assert.deepEqual(project.warnings, []);
  });

  test('the process environment wins over .env', async () => {
    const project = await discover({
      cwd: fixture('prisma7-config'),
      trusted: true,
      env: { DATABASE_URL: 'postgresql://app@db.internal:5432/prod' },
    });
    assert.equal(project.url?.url, 'postgresql://app@db.internal:5432/prod');
  });

  test('process.env is exactly as before', async () => {
    const before = { ...process.env };
    await discover({ cwd: fixture('prisma7-config'), trusted: true });
    assert.deepEqual({ ...process.env }, before);
  });

  test('an explicit --config decides the project folder', async () => {
    const dir = isolatedCopy('prisma7-config');
    const project = await discover({ cwd: os.tmpdir(), config: path.join(dir, 'prisma.config.ts'), trusted: true, env: {} });
    assert.equal(project.root, dir);
    assert.equal(project.schemaPath, path.join(dir, 'prisma', 'schema.prisma'));
    const missing = await discoveryError({ cwd: dir, config: 'nope.config.ts', trusted: true });
    assert.equal(missing.kind, 'config');
    assert.match(missing.message, /nope\.config\.ts does not exist/);
  });

  test('untrusted: the config is never run, a warning says so', async () => {
    const project = await discover({ cwd: fixture('prisma7-config'), trusted: false, env: {} });
    assert.equal(project.configFile, path.join(fixture('prisma7-config'), 'prisma.config.ts'));
    assert.equal(project.url, undefined);
    assert.equal(relative(project, project.schemaPath), 'prisma/schema.prisma');
    assert.equal(relative(project, project.migrationsDir), 'prisma/migrations', 'the config’s migrations.path is unknown');
    assert.equal(project.warnings.length, 1);
    assert.match(project.warnings[0], /^prisma\.config\.ts was not run because the workspace is not trusted/);
    // Run, this config would throw: untrusted, the only error is the missing schema.
    const error = await discoveryError({ cwd: fixture('config-throws'), trusted: false });
    assert.equal(error.kind, 'schema');
  });

  test('env() on an unset variable: a warning, no URL, the rest of the config still applies', async () => {
    const project = await discover({ cwd: fixture('config-unset-env'), trusted: true, env: {} });
    assert.deepEqual(project.warnings, ['PM_DISCOVERY_UNSET_SHADOW_URL is not set (prisma.config.ts)']);
    // Said only where the config's URL is the one used: --url or a database chosen in the editor replaces it.
    assert.deepEqual(project.urlWarnings, ['PM_DISCOVERY_UNSET_URL is not set (prisma.config.ts)']);
    assert.equal(project.url, undefined);
    assert.equal(project.shadowDatabaseUrl, undefined);
    assert.equal(relative(project, project.schemaPath), 'db/schema.prisma');
    assert.equal(relative(project, project.migrationsDir), 'db/migrations');
    assert.equal(project.provider, 'sqlite');
  });

  test('a schema folder: every .prisma file below it, sorted; migrations inside the folder', async () => {
    const project = await discover({ cwd: fixture('config-multi-file'), trusted: true, env: {} });
    assert.equal(project.configFile, path.join(project.root, 'prisma.config.mts'));
    assert.equal(relative(project, project.schemaPath), 'prisma/schema');
    assert.deepEqual(
      project.schemaFiles.map((file) => path.relative(project.schemaPath, file.path)),
      ['base.prisma', 'models/post.prisma', 'models/user.prisma'],
    );
    assert.equal(relative(project, project.migrationsDir), 'prisma/schema/migrations');
    assert.equal(project.provider, 'cockroachdb');
    assert.deepEqual(project.datasourcePosition, { file: path.join(project.schemaPath, 'base.prisma'), line: 1, column: 1 });
    assert.deepEqual(project.shadowDatabaseUrl, { url: 'postgresql://user:s3cret@localhost:5432/app_shadow', source: 'config' });
    assert.equal(validateSchema(project), null);
  });

  test("the config's URLs win over the schema's, whose properties are still blanked", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pm-discovery-mixed-'));
    temporary.push(dir);
    writeFileSync(
      path.join(dir, 'prisma.config.ts'),
      "export default { datasource: { url: 'postgresql://cfg@localhost:5432/db', shadowDatabaseUrl: 'postgresql://cfg@localhost:5432/shadow' } };\n",
    );
    writeFileSync(
      path.join(dir, 'schema.prisma'),
      'datasource db {\n  provider = "postgresql"\n  url = env("PM_DISCOVERY_NEVER_SET")\n  shadowDatabaseUrl = "postgresql://schema@localhost/s"\n}\n',
    );
    const project = await discover({ cwd: dir, trusted: true, env: {} });
    assert.deepEqual(project.url, { url: 'postgresql://cfg@localhost:5432/db', source: 'config' });
    assert.deepEqual(project.shadowDatabaseUrl, { url: 'postgresql://cfg@localhost:5432/shadow', source: 'config' });
    assert.deepEqual(project.warnings, [], 'an env var the config makes irrelevant is not reported');
    assert.doesNotMatch(project.engineSchemaFiles[0].content, /url/i);
  });

  test('a config that does not load is one config error naming the file', async () => {
    const error = await discoveryError({ cwd: fixture('config-broken'), trusted: true });
    const file = path.join(fixture('config-broken'), 'prisma.config.js');
    assert.equal(error.kind, 'config');
    assert.equal(error.details?.file, file);
    assert.ok(error.message.startsWith(`Could not load ${file}: `), error.message);
  });

  test('a config error carrying a connection string comes out redacted', async () => {
    const error = await discoveryError({ cwd: fixture('config-throws'), trusted: true });
    assert.equal(error.kind, 'config');
    assert.match(error.message, /Cannot reach postgresql:\/\/user:\*\*\*\*@localhost:5432\/db/);
  });
});

describe('schema location', () => {
  test('"prisma.schema" in package.json comes before the default locations', async () => {
    const project = await discover({ cwd: fixture('package-json'), trusted: true, env: {} });
    assert.equal(project.root, fixture('package-json'));
    assert.equal(relative(project, project.schemaPath), 'db/main.prisma');
    assert.equal(relative(project, project.migrationsDir), 'db/migrations');
    assert.equal(project.provider, 'sqlite');
    assert.deepEqual(project.url, { url: 'file:./dev.db', source: 'schema-literal' });
  });

  test('--schema comes first', async () => {
    const project = await discover({ cwd: fixture('package-json'), schema: 'prisma/schema.prisma', trusted: true, env: {} });
    assert.equal(relative(project, project.schemaPath), 'prisma/schema.prisma');
    assert.equal(project.provider, 'mysql');
  });

  test('the default prisma/schema.prisma', async () => {
    const project = await discover({ cwd: fixture('prisma6-env'), trusted: true, env: {} });
    assert.equal(project.root, fixture('prisma6-env'));
    assert.equal(relative(project, project.schemaPath), 'prisma/schema.prisma');
    assert.equal(relative(project, project.migrationsDir), 'prisma/migrations');
    assert.equal(project.configFile, undefined);
  });

  test('schema.prisma in the working folder', async () => {
    const project = await discover({ cwd: fixture('unset-env'), trusted: true, env: {} });
    assert.equal(relative(project, project.schemaPath), 'schema.prisma');
    assert.equal(relative(project, project.migrationsDir), 'migrations');
  });

  test('no schema: a schema error naming the folder', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pm-discovery-empty-'));
    temporary.push(dir);
    const error = await discoveryError({ cwd: dir, trusted: true });
    assert.equal(error.kind, 'schema');
    assert.ok(error.message.startsWith(`No Prisma schema found in ${dir}: `), error.message);
  });
});

describe('Prisma 6 datasource URLs', () => {
  test('env() from .env, directUrl over url, ${VAR} expansion, "postgres" normalised', async () => {
    const project = await discover({ cwd: fixture('prisma6-env'), trusted: true, env: {} });
    assert.equal(project.provider, 'postgresql');
    assert.deepEqual(project.url, { url: 'postgresql://user:s3cret@localhost:5432/db', source: 'schema-env', envVar: 'DIRECT_URL' });
    assert.deepEqual(project.shadowDatabaseUrl, {
      url: 'postgresql://user:s3cret@localhost:5432/db_shadow',
      source: 'schema-env',
      envVar: 'SHADOW_DATABASE_URL',
    });
    assert.deepEqual(project.datasourcePosition, { file: project.schemaPath, line: 6, column: 1 });
    assert.deepEqual(project.warnings, []);
  });

  test('the process environment wins over .env, also inside ${VAR}', async () => {
    const project = await discover({ cwd: fixture('prisma6-env'), trusted: true, env: { DIRECT_URL: 'postgresql://me@elsewhere:5432/x' } });
    assert.deepEqual(project.url, { url: 'postgresql://me@elsewhere:5432/x', source: 'schema-env', envVar: 'DIRECT_URL' });
    assert.equal(project.shadowDatabaseUrl?.url, 'postgresql://me@elsewhere:5432/x_shadow');
  });

  test('an unset variable: a warning with file and line, no URL', async () => {
    const project = await discover({ cwd: fixture('unset-env'), trusted: true, env: {} });
    assert.deepEqual(project.warnings, []);
    assert.deepEqual(project.urlWarnings, ['PM_DISCOVERY_MISSING_URL is not set (schema.prisma:3)']);
    assert.equal(project.url, undefined);
  });

  test('an unknown provider is a schema error', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pm-discovery-provider-'));
    temporary.push(dir);
    writeFileSync(path.join(dir, 'schema.prisma'), 'datasource db {\n  provider = "oracle"\n}\n');
    const error = await discoveryError({ cwd: dir, trusted: true });
    assert.equal(error.kind, 'schema');
    assert.equal(error.message, 'Unknown datasource provider "oracle" (schema.prisma:2).');
  });
});

describe('engine schema text', () => {
  test('URL properties are blanked without moving a line or column', async () => {
    const project = await discover({ cwd: fixture('prisma6-env'), trusted: true, env: {} });
    const original = project.schemaFiles[0].content;
    const engine = project.engineSchemaFiles[0].content;
    assert.equal(engine.length, original.length);
    assert.deepEqual(newlineOffsets(engine), newlineOffsets(original));
    for (let i = 0; i < original.length; i += 1) {
      if (engine[i] !== original[i]) assert.equal(engine[i], ' ', `offset ${i} changed to something other than a space`);
    }
    const datasource = engine.slice(engine.indexOf('datasource db {'), engine.indexOf('}', engine.indexOf('datasource db {')));
    assert.doesNotMatch(datasource, /\b(url|directUrl|shadowDatabaseUrl)\s*=/);
    assert.match(datasource, /^ +\/\/ the pooler$/m, 'the comment after a blanked value stays');
    assert.match(datasource, /relationMode {6}= "prisma"/);
    const modelLines = (text: string) => text.slice(text.indexOf('model Link'));
    assert.equal(modelLines(engine), modelLines(original), 'the model, its `url` field and doc comment are untouched');
  });

  test('the engine text is valid for Prisma 7 where the original is not', async () => {
    const project = await discover({ cwd: fixture('prisma6-env'), trusted: true, env: {} });
    assert.equal(validateSchema(project), null);
    const asOnDisk = validateSchema({ ...project, engineSchemaFiles: project.schemaFiles });
    assert.match(asOnDisk?.message ?? '', /The datasource property `url` is no longer supported/);
  });

  test('multi-line values, CRLF, and strings holding // and braces', () => {
    const content = [
      'datasource db { // "not a string',
      '  provider = "postgresql"',
      '  url = env(',
      '    "DATABASE_URL"',
      '  )',
      '  shadowDatabaseUrl = "postgresql://u@h/db?options={x}" // a comment',
      '}',
      'model A {',
      '  url String',
      '}',
      '',
    ].join('\r\n');
    const block = findDatasource([{ path: '/virtual/schema.prisma', content }]);
    assert.ok(block);
    assert.deepEqual(
      block.properties.map((p) => [p.name, p.value, p.position.line]),
      [
        ['provider', { kind: 'literal', value: 'postgresql' }, 2],
        ['url', { kind: 'env', name: 'DATABASE_URL' }, 3],
        ['shadowDatabaseUrl', { kind: 'literal', value: 'postgresql://u@h/db?options={x}' }, 6],
      ],
    );
    const blanked = blankSpans(content, urlPropertySpans(block));
    assert.equal(blanked.length, content.length);
    assert.deepEqual(newlineOffsets(blanked), newlineOffsets(content));
    const lines = blanked.split('\r\n');
    assert.deepEqual(lines.slice(0, 2), content.split('\r\n').slice(0, 2));
    assert.deepEqual(lines.slice(2, 5).map((line) => line.trim()), ['', '', '']);
    assert.equal(lines[5].trim(), '// a comment');
    assert.equal(lines[5].indexOf('//'), content.split('\r\n')[5].indexOf(' // a comment') + 1);
    assert.deepEqual(lines.slice(6), ['}', 'model A {', '  url String', '}', '']);
  });
});

describe('preview features the engine does not know', () => {
  const schema = (generators: string) => `${generators}\ndatasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id\n}\n`;
  const withText = (content: string) => withSchemaFiles(blankProject, [{ path: '/virtual/schema.prisma', content }]);
  const blankProject = { root: '/virtual', schemaPath: '/virtual/schema.prisma', schemaFiles: [], engineSchemaFiles: [], migrationsDir: '/virtual/migrations', provider: 'postgresql', warnings: [] } satisfies PrismaProject;

  test('are blanked with the commas around them; known and deprecated ones stay; nothing moves', () => {
    const content = schema(
      'generator client {\n  provider        = "prisma-client-js"\n  previewFeatures = ["metrics", "views", "tracing", "metricz"]\n}\n\n' +
        'generator other {\n  provider        = "x"\n  previewFeatures = "metrics"\n}\n',
    );
    const project = withText(content);
    const engine = project.engineSchemaFiles[0].content;
    assert.equal(engine.length, content.length);
    assert.deepEqual(newlineOffsets(engine), newlineOffsets(content));
    const lines = engine.split('\n');
    assert.equal(lines[2].replace(/ +/g, ' '), ' previewFeatures = [ "views", "tracing" ]');
    assert.equal(lines[7].trim(), '', 'a lone unknown feature takes its property with it');
    assert.deepEqual(
      project.ignoredPreviewFeatures?.map((f) => [f.feature, f.line, f.column, f.end.column]),
      [['metrics', 3, 22, 31], ['metricz', 3, 53, 62], ['metrics', 8, 21, 30]],
    );
    assert.equal(validateSchema(project), null);
    assert.match(validateSchema({ ...project, engineSchemaFiles: project.schemaFiles })?.message ?? '', /The preview feature "metrics" is not known/);
  });

  test('a schema that names none is handed over as it is', () => {
    const content = schema('generator client {\n  provider        = "prisma-client-js"\n  previewFeatures = ["views", "fullTextIndex"]\n}\n');
    const project = withText(content);
    assert.equal(project.engineSchemaFiles[0].content, content);
    assert.equal(project.ignoredPreviewFeatures, undefined);
  });
});

describe('Prisma 6 schema folders', () => {
  const folderProject = (layout: Record<string, string>) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pm-discovery-folder-'));
    temporary.push(dir);
    for (const [file, content] of Object.entries(layout)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    }
    return dir;
  };
  const DATASOURCE = 'datasource db {\n  provider = "sqlite"\n}\n';
  const MIGRATION = 'CREATE TABLE "A" ("id" INTEGER NOT NULL PRIMARY KEY);\n';

  test('prisma/schema/ is found by default (Prisma 6.5), its migrations beside it, also before there are any', async () => {
    const dir = folderProject({ 'prisma/schema/db.prisma': DATASOURCE, 'prisma/schema/a.prisma': 'model A {\n  id Int @id\n}\n' });
    const fresh = await discover({ cwd: dir, trusted: true, env: {} });
    assert.equal(relative(fresh, fresh.schemaPath), 'prisma/schema');
    assert.equal(relative(fresh, fresh.migrationsDir), 'prisma/migrations');
    writeFileSync(path.join(dir, 'package.json'), '{}');
    const folders = await findProjects(dir, { trusted: true, env: {} });
    assert.deepEqual(folders.map((p) => relative(p, p.schemaPath)), ['prisma/schema']);
  });

  test("a folder's migrations are where its history is: beside the datasource's file (Prisma 6.6 to 6.19)", async () => {
    const dir = folderProject({ 'db/schema/core/db.prisma': DATASOURCE, 'db/schema/core/migrations/1_init/migration.sql': MIGRATION });
    const project = await discover({ cwd: dir, schema: path.join(dir, 'db/schema'), trusted: true, env: {} });
    assert.equal(path.relative(dir, project.migrationsDir), 'db/schema/core/migrations');
  });

  test('a named folder without migrations yet gets them inside it, as Prisma 7 does', async () => {
    const dir = folderProject({ 'db/schema/db.prisma': DATASOURCE });
    const project = await discover({ cwd: dir, schema: path.join(dir, 'db/schema'), trusted: true, env: {} });
    assert.equal(path.relative(dir, project.migrationsDir), 'db/schema/migrations');
  });

  test('ambiguous layouts are errors naming both places', async () => {
    const both = folderProject({ 'prisma/schema.prisma': DATASOURCE, 'prisma/schema/db.prisma': DATASOURCE });
    const twoSchemas = await discoveryError({ cwd: both, trusted: true, env: {} });
    assert.equal(twoSchemas.kind, 'schema');
    assert.match(twoSchemas.message, /both \S+prisma\/schema\.prisma and the folder \S+prisma\/schema: remove one/);
    const histories = folderProject({
      'prisma/schema/db.prisma': DATASOURCE,
      'prisma/schema/migrations/1_init/migration.sql': MIGRATION,
      'prisma/migrations/1_init/migration.sql': MIGRATION,
    });
    const twoHistories = await discoveryError({ cwd: histories, trusted: true, env: {} });
    assert.equal(twoHistories.kind, 'migrationsFolder');
    assert.match(twoHistories.message, /prisma\/schema\/migrations \(the Prisma 7 default\) and \S+prisma\/migrations \(the Prisma ≤ 6\.5 default\)/);
  });
});

describe('validateSchema', () => {
  test('a malformed schema is discovered; validation names the file and line', async () => {
    const project = await discover({ cwd: fixture('malformed'), trusted: true, env: {} });
    const error = validateSchema(project);
    assert.ok(error);
    assert.equal(error.kind, 'schema');
    assert.equal(error.details?.file, path.join(fixture('malformed'), 'schema.prisma'));
    assert.equal(error.details?.line, 8);
    assert.match(error.message, /^schema\.prisma:8:1: .*does not start with any known Prisma schema keyword/);
  });
});

describe('findProjects', () => {
  test('finds each project of a monorepo once, skipping node_modules, dist and hidden folders', async () => {
    const root = isolatedCopy('monorepo');
    for (const decoy of ['node_modules/@acme/db/prisma', 'dist/prisma', '.turbo/prisma']) {
      mkdirSync(path.join(root, decoy), { recursive: true });
      writeFileSync(path.join(root, decoy, 'schema.prisma'), 'datasource db {\n  provider = "sqlite"\n}\n');
    }
    mkdirSync(path.join(root, 'tools', 'broken'), { recursive: true });
    writeFileSync(path.join(root, 'tools', 'broken', 'prisma.config.ts'), 'export default {');
    const failures: string[] = [];
    const projects = await findProjects(root, {
      trusted: true,
      env: {},
      onError: (folder, error) => {
        shown.push(error.message);
        failures.push(path.relative(root, folder));
      },
    });
    assert.deepEqual(
      projects.map((p) => [path.relative(root, p.root), path.relative(root, p.schemaPath)]),
      [
        ['packages/api', 'packages/api/prisma/schema.prisma'],
        ['services/billing', 'services/billing/db/schema.prisma'],
      ],
    );
    assert.equal(projects[1].provider, 'postgresql');
    assert.deepEqual(failures, ['tools/broken']);
  });

  test("does not walk a project's migrations folder (hundreds of folders, never a project)", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'pm-walk-'));
    temporary.push(root);
    mkdirSync(path.join(root, 'prisma', 'migrations', '20260101000000_init', 'nested'), { recursive: true });
    writeFileSync(path.join(root, 'prisma', 'schema.prisma'), 'datasource db {\n  provider = "sqlite"\n}\n');
    // A stray schema inside the migrations folder would otherwise be reported as a second project.
    writeFileSync(path.join(root, 'prisma', 'migrations', '20260101000000_init', 'nested', 'schema.prisma'), 'datasource db {\n  provider = "sqlite"\n}\n');
    const projects = await findProjects(root, { trusted: true, env: {} });
    assert.deepEqual(projects.map((p) => path.relative(root, p.schemaPath)), [path.join('prisma', 'schema.prisma')]);
  });
});

test('no warning or error shows the password', () => {
  assert.ok(shown.length > 5);
  for (const text of shown) assert.ok(!text.includes(SECRET), text);
});
