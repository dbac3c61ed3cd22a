// The schema-change analysis behind the editor's diagnostics and `check`: a real history replayed into a
// scratch SQLite / PGlite database, then edits of the schema text, each classified and placed on its line.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isMigrateError } from '../../src/core/errors';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { discoverProject, withSchemaFiles } from '../../src/core/project/discover';
import { SchemaChangeAnalyser, type SchemaFinding } from '../../src/core/schemaChanges/analyser';
import type { TextEdit } from '../../src/core/schemaChanges/edits';
import type { PrismaProject } from '../../src/core/types';
import { tempProject, type TempProject } from '../helpers/tempProject';

const MODELS = `model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String
  bio   String? // shown on the profile
  posts Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])
}
`;

/** Applies edits (1-based, end exclusive) from the last to the first, as an editor would. */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; column: number }) => lines.slice(0, p.line - 1).reduce((n, l) => n + l.length + 1, 0) + p.column - 1;
  return [...edits]
    .sort((a, b) => offset(b.start) - offset(a.start))
    .reduce((result, edit) => result.slice(0, offset(edit.start)) + edit.newText + result.slice(offset(edit.end)), text);
}

for (const provider of ['sqlite', 'postgresql'] as const) {
  describe(`schema changes against a migrated history (${provider === 'sqlite' ? 'SQLite' : 'PGlite'} scratch database)`, () => {
    let temp: TempProject;
    let project: PrismaProject;
    let analyser: SchemaChangeAnalyser;
    const withText = (models: string) => withSchemaFiles(project, [{ path: project.schemaPath, content: `datasource db {\n  provider = "${provider}"\n}\n\n${models}` }]);
    const analyse = (models: string) => analyser.analyse(withText(models));
    const lineOf = (models: string, needle: string) => `datasource db {\n  provider = "${provider}"\n}\n\n${models}`.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const only = (findings: SchemaFinding[], rule: string) => {
      const matching = findings.filter((f) => f.rule === rule);
      assert.equal(matching.length, 1, `one ${rule} finding expected, got ${JSON.stringify(findings.map((f) => [f.rule, f.message]))}`);
      return matching[0];
    };

    before(async () => {
      temp = tempProject(provider, MODELS);
      project = await discoverProject({ cwd: temp.root, trusted: true });
      const empty = await SchemaChangeAnalyser.replay(project, readMigrationsFolder(temp.migrationsDir));
      const initial = await empty.analyse(project);
      await empty.dispose();
      assert.match(initial.script, /CREATE TABLE/);
      temp.addMigration('20260101000000_init', `${initial.script}\n`);
      analyser = await SchemaChangeAnalyser.replay(project, readMigrationsFolder(temp.migrationsDir), 'asYouType');
    });

    after(async () => {
      await analyser?.dispose();
      temp?.remove();
    });

    it('finds nothing when the schema is what the history leaves', async () => {
      const analysis = await analyse(MODELS);
      assert.deepEqual(analysis.findings, []);
      assert.equal(analysis.script, '');
    });

    it('calls a removed field and a same-typed new one a probable rename, and its @map fix keeps the column', async () => {
      const edited = MODELS.replace('  name  String\n', '  fullName String\n');
      const finding = only((await analyse(edited)).findings, 'probable-rename');
      assert.equal(finding.severity, 'warning');
      assert.equal(finding.line, lineOf(edited, 'fullName'));
      assert.match(finding.message, /`fullName` looks like `name` renamed/);
      assert.deepEqual(finding.subject, { table: 'User', columns: ['name', 'fullName'] });
      assert.deepEqual(finding.fixes.map((f) => f.title), ['Keep the data: map `fullName` to the existing column `name` (@map)', 'Rename `fullName` back to `name`']);
      for (const [fix, expected] of [[finding.fixes[0], /fullName String @map\("name"\)\n/], [finding.fixes[1], /\n {2}name String\n/]] as const) {
        const fixed = applyEdits(withText(edited).schemaFiles[0].content, fix.edits);
        assert.match(fixed, expected);
        const after = await analyser.analyse(withSchemaFiles(project, [{ path: project.schemaPath, content: fixed }]));
        assert.deepEqual(after.findings, [], `"${fix.title}" leaves nothing to migrate`);
      }
    });

    it('puts a dropped column on its model, and its restore fix brings the field back', async () => {
      const edited = MODELS.replace('  bio   String? // shown on the profile\n', '');
      const finding = only((await analyse(edited)).findings, 'dropped-column');
      assert.equal(finding.line, lineOf(edited, 'model User'));
      assert.match(finding.message, /`User\.bio` was removed/);
      const fixed = applyEdits(withText(edited).schemaFiles[0].content, finding.fixes[0].edits);
      assert.match(fixed, /\n  bio String\?\n\}/);
      assert.deepEqual((await analyser.analyse(withSchemaFiles(project, [{ path: project.schemaPath, content: fixed }]))).findings, []);
    });

    it('warns about a required column without a default, and offers a default or optional', async () => {
      const edited = MODELS.replace('  title    String\n', '  title    String\n  slug     String\n');
      const finding = only((await analyse(edited)).findings, 'required-column-without-default');
      assert.equal(finding.line, lineOf(edited, 'slug'));
      assert.deepEqual(finding.fixes.map((f) => f.title), ['Add @default("") to `slug`', 'Make `slug` optional']);
      const withDefault = applyEdits(withText(edited).schemaFiles[0].content, finding.fixes[0].edits);
      assert.match(withDefault, /slug {5}String @default\(""\)\n/);
      const after = await analyser.analyse(withSchemaFiles(project, [{ path: project.schemaPath, content: withDefault }]));
      assert.deepEqual(after.findings.map((f) => [f.rule, f.line]), [['not-migrated', lineOf(edited, 'slug')]], JSON.stringify(after.findings));
      const optional = applyEdits(withText(edited).schemaFiles[0].content, finding.fixes[1].edits);
      assert.match(optional, /slug {5}String\?\n/);
    });

    it('names a Prisma-level default (uuid()) as no database default', async () => {
      const edited = MODELS.replace('  title    String\n', '  title    String\n  ref      String @default(uuid())\n');
      assert.match(only((await analyse(edited)).findings, 'required-column-prisma-default').message, /applied by Prisma Client, not the database/);
    });

    it('puts a dropped model on the datasource line', async () => {
      const edited = MODELS.replace(/model Post \{[^}]*\}\n/, '').replace('  posts Post[]\n', '');
      const finding = only((await analyse(edited)).findings, 'dropped-table');
      assert.equal(finding.line, 1);
      assert.match(finding.message, /table `Post` was removed/);
      assert.match(finding.sql, /DROP TABLE "Post"/);
    });

    it('calls a renamed model with the same columns a probable rename, fixed by @@map', async () => {
      const edited = MODELS.replace('model Post {', 'model Article {').replace('posts Post[]', 'posts Article[]');
      const finding = only((await analyse(edited)).findings, 'probable-rename');
      assert.equal(finding.line, lineOf(edited, 'model Article'));
      const fixed = applyEdits(withText(edited).schemaFiles[0].content, finding.fixes[0].edits);
      assert.match(fixed, /\n  @@map\("Post"\)\n\}/);
      assert.deepEqual((await analyser.analyse(withSchemaFiles(project, [{ path: project.schemaPath, content: fixed }]))).findings, []);
    });

    it('flags type changes, optional → required and new unique constraints on their fields', async () => {
      const edited = MODELS.replace('  title    String\n', '  title    Int\n').replace('  bio   String?', '  bio   String').replace('  name  String\n', '  name  String @unique\n');
      const findings = (await analyse(edited)).findings;
      assert.equal(only(findings, 'type-change').line, lineOf(edited, 'title    Int'));
      assert.equal(only(findings, 'optional-to-required-with-nulls').line, lineOf(edited, '  bio'));
      assert.equal(only(findings, 'added-unique-constraint').line, lineOf(edited, 'name  String @unique'));
    });

    it('says a new model is not migrated yet, with the SQL that would create it', async () => {
      const edited = `${MODELS}\nmodel Tag {\n  id Int @id\n}\n`;
      const finding = only((await analyse(edited)).findings, 'not-migrated');
      assert.equal(finding.severity, 'info');
      assert.equal(finding.line, lineOf(edited, 'model Tag'));
      assert.match(finding.sql, /CREATE TABLE "Tag"/);
    });

    it('rejects half-typed text with the parser\'s message, and keeps working afterwards', async () => {
      await assert.rejects(analyse(MODELS.replace('  name  String\n', '  name  Str')), (error) => isMigrateError(error) && error.kind === 'schema');
      assert.deepEqual((await analyse(MODELS)).findings, []);
    });
  });
}

describe('schema changes in a multi-file schema (prisma/schema/*.prisma)', () => {
  let temp: TempProject;
  let analyser: SchemaChangeAnalyser;
  let project: PrismaProject;
  const folder = () => path.join(temp.root, 'prisma', 'schema');
  const files = (user: string) => [
    { path: path.join(folder(), 'schema.prisma'), content: 'datasource db {\n  provider = "sqlite"\n}\n' },
    { path: path.join(folder(), 'user.prisma'), content: user },
    { path: path.join(folder(), 'post.prisma'), content: 'model Post {\n  id Int @id\n  title String\n}\n' },
  ];
  const USER = 'model User {\n  id   Int    @id\n  name String\n}\n';

  before(async () => {
    temp = tempProject('sqlite');
    rmSync(temp.schemaPath);
    mkdirSync(folder());
    for (const file of files(USER)) writeFileSync(file.path, file.content);
    project = await discoverProject({ cwd: temp.root, schema: 'prisma/schema', trusted: true });
    assert.equal(project.schemaFiles.length, 3);
    const empty = await SchemaChangeAnalyser.replay(project, readMigrationsFolder(project.migrationsDir));
    mkdirSync(path.join(project.migrationsDir, '20260101000000_init'), { recursive: true });
    writeFileSync(path.join(project.migrationsDir, '20260101000000_init', 'migration.sql'), (await empty.analyse(project)).script);
    await empty.dispose();
    analyser = await SchemaChangeAnalyser.replay(project, readMigrationsFolder(project.migrationsDir));
  });

  after(async () => {
    await analyser?.dispose();
    temp?.remove();
  });

  it('places a finding in the file that declares the field, and a dropped model on the datasource in another file', async () => {
    const renamed = (await analyser.analyse(withSchemaFiles(project, files(USER.replace('name String', 'title String'))))).findings;
    assert.deepEqual(renamed.map((f) => [f.rule, path.basename(f.file), f.line]), [['probable-rename', 'user.prisma', 3]]);
    const withoutPost = files(USER).filter((f) => !f.path.endsWith('post.prisma'));
    const dropped = (await analyser.analyse(withSchemaFiles(project, withoutPost))).findings;
    assert.deepEqual(dropped.map((f) => [f.rule, path.basename(f.file), f.line]), [['dropped-table', 'schema.prisma', 1]]);
  });
});

describe('schema changes to enums, lists and keys (PGlite scratch database)', () => {
  let temp: TempProject;
  let project: PrismaProject;
  let analyser: SchemaChangeAnalyser;
  const MEMBER = `enum Role {
  ADMIN
  USER
}

model Member {
  id   Int    @id
  code String @unique
  role Role
  tag  String
}
`;
  const withText = (models: string) => withSchemaFiles(project, [{ path: project.schemaPath, content: `datasource db {\n  provider = "postgresql"\n}\n\n${models}` }]);
  const lineOf = (models: string, needle: string) => `datasource db {\n  provider = "postgresql"\n}\n\n${models}`.split('\n').findIndex((l) => l.includes(needle)) + 1;

  before(async () => {
    temp = tempProject('postgresql', MEMBER);
    project = await discoverProject({ cwd: temp.root, trusted: true });
    const empty = await SchemaChangeAnalyser.replay(project, readMigrationsFolder(temp.migrationsDir));
    temp.addMigration('20260101000000_init', (await empty.analyse(project)).script);
    await empty.dispose();
    analyser = await SchemaChangeAnalyser.replay(project, readMigrationsFolder(temp.migrationsDir));
  });

  after(async () => {
    await analyser?.dispose();
    temp?.remove();
  });

  it('a removed enum value: a warning on the enum, naming the value', async () => {
    const edited = MEMBER.replace('  USER\n', '');
    const finding = (await analyser.analyse(withText(edited))).findings.find((f) => f.rule === 'dropped-enum-value');
    assert.equal(finding?.severity, 'warning');
    assert.equal(finding?.line, lineOf(edited, 'enum Role'));
    assert.match(finding?.message ?? '', /Removes `USER` from the enum `Role`/);
  });

  it('a new value is the enum\'s own change; a new column of the enum\'s type is not', async () => {
    const added = MEMBER.replace('  USER\n', '  USER\n  GUEST\n');
    assert.deepEqual((await analyser.analyse(withText(added))).findings.map((f) => [f.rule, f.line]), [['not-migrated', lineOf(added, 'enum Role')]]);
    const column = MEMBER.replace('  role Role\n', '  role Role\n  previousRole Role?\n');
    assert.deepEqual((await analyser.analyse(withText(column))).findings.map((f) => [f.rule, f.line]), [['not-migrated', lineOf(column, 'previousRole')]]);
  });

  it('a scalar made a list: an error on the field', async () => {
    const edited = MEMBER.replace('  tag  String\n', '  tag  String[]\n');
    const finding = (await analyser.analyse(withText(edited))).findings.find((f) => f.rule === 'scalar-to-list');
    assert.equal(finding?.severity, 'error');
    assert.equal(finding?.line, lineOf(edited, 'tag  String[]'));
  });

  it('a new primary key: a warning on the model', async () => {
    const edited = MEMBER.replace('  id   Int    @id\n', '  id   Int\n').replace('  code String @unique\n', '  code String @id\n');
    const finding = (await analyser.analyse(withText(edited))).findings.find((f) => f.rule === 'primary-key-change');
    assert.equal(finding?.line, lineOf(edited, 'model Member'));
    assert.match(finding?.message ?? '', /\(id → code\)/);
  });
});
