import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { databaseLabel, describeUrlSource, embeddedDatabaseExists, embeddedUrl } from '../../src/core/connect';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { statusWithoutDatabase } from '../../src/core/operations/status';
import { discoverProject, reloadSchema } from '../../src/core/project/discover';
import { tempProject } from '../helpers/tempProject';

describe('what the extension shows before and between database reads', () => {
  const project = tempProject('postgresql', 'model User {\n  id Int @id\n}\n');
  after(() => project.remove());

  test('reloadSchema reads the schema as saved now, Prisma 6 URL properties blanked in place', async () => {
    const discovered = await discoverProject({ cwd: project.root, trusted: true, env: { DATABASE_URL: 'postgresql://u:s3cret@localhost/app' } });
    const schema = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel User {\n  id   Int    @id\n  name String\n}\n';
    writeFileSync(project.schemaPath, schema);
    const reloaded = await reloadSchema(discovered);
    assert.equal(reloaded.schemaFiles[0].content, schema);
    assert.match(reloaded.engineSchemaFiles[0].content, /name String/);
    assert.doesNotMatch(reloaded.engineSchemaFiles[0].content, /url\s*=/);
    assert.equal(reloaded.engineSchemaFiles[0].content.length, schema.length, 'blanked in place: same length, same positions');
    assert.equal(reloaded.migrationsDir, discovered.migrationsDir);
    assert.equal(reloaded.datasourcePosition?.line, 1);
  });

  test('reloadSchema fails with a clear error when the saved schema lost its datasource', async () => {
    const discovered = await discoverProject({ cwd: project.root, trusted: true });
    writeFileSync(project.schemaPath, 'model User {\n  id Int @id\n}\n');
    await assert.rejects(reloadSchema(discovered), /has no datasource block/);
    project.writeSchema('model User {\n  id Int @id\n}\n');
  });

  test('a project whose embedded database does not exist yet has every migration pending', async () => {
    project.addMigration('20260101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    const discovered = await discoverProject({ cwd: project.root, trusted: true });
    assert.equal(embeddedDatabaseExists(discovered), false);
    const report = statusWithoutDatabase(readMigrationsFolder(discovered.migrationsDir));
    assert.deepEqual(report.migrations.map((m) => `${m.name}: ${m.status}`), ['20260101000000_init: pending']);
    assert.equal(report.hasMigrationsTable, false);
    assert.match(report.driftUnavailable ?? '', /no dev database yet/);
  });

  test('databases and their sources in the words the view uses, never a password', async () => {
    const discovered = await discoverProject({ cwd: project.root, trusted: true });
    const embedded = embeddedUrl(discovered)!;
    assert.match(databaseLabel(embedded), /^embedded PGlite \(.*\.pglite\)$/);
    assert.equal(describeUrlSource(embedded, discovered), 'embedded');
    const secret = { url: 'postgresql://admin:s3cret@db.internal:5432/app', source: 'secret' as const };
    assert.equal(databaseLabel(secret), 'postgresql://db.internal:5432/app');
    assert.equal(describeUrlSource(secret, discovered), 'entered in VS Code');
    assert.equal(describeUrlSource({ url: 'x', source: 'schema-env', envVar: 'DATABASE_URL' }, discovered), 'from the environment (DATABASE_URL)');
  });
});
