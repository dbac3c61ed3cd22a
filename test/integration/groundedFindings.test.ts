// Findings exist only for steps the engine plans. Each case is a history shape found on a real open-source
// project where the schema is fully migrated (the engine's migrations → schema diff is empty) but the
// introspected copy of the history differs from the schema, or is not a valid schema at all.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSchema } from '../../src/core/check/schemaCheck';
import { scratchEngine } from '../../src/core/operations/historyStates';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { discoverProject } from '../../src/core/project/discover';
import { SchemaChangeAnalyser } from '../../src/core/schemaChanges/analyser';
import { tempProject } from '../helpers/tempProject';

interface Case {
  name: string;
  provider: 'postgresql' | 'sqlite';
  sql: string;
  models: string;
}

const MIGRATED: Case[] = [
  {
    name: 'a partial unique index on a foreign key (introspection renders an invalid one-to-one relation)',
    provider: 'postgresql',
    sql: `CREATE TABLE "A" ("id" SERIAL PRIMARY KEY);
CREATE TABLE "B" ("id" SERIAL PRIMARY KEY, "aId" INTEGER NOT NULL REFERENCES "A"("id"));
CREATE UNIQUE INDEX "B_aId_live" ON "B"("aId") WHERE "id" > 0;`,
    models: `model A {
  id Int @id @default(autoincrement())
  bs B[]
}

model B {
  id  Int @id @default(autoincrement())
  aId Int
  a   A   @relation(fields: [aId], references: [id], onDelete: NoAction, onUpdate: NoAction, map: "B_aId_fkey")
}`,
  },
  {
    name: 'two unique indexes on one column',
    provider: 'postgresql',
    sql: `CREATE TABLE "U" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL);
CREATE UNIQUE INDEX "U_email_key" ON "U"("email");
CREATE UNIQUE INDEX "U_email_unique" ON "U"("email");`,
    models: `model U {
  id    Int    @id @default(autoincrement())
  email String @unique
}`,
  },
  {
    name: 'a partial index',
    provider: 'postgresql',
    sql: `CREATE TABLE "J" ("id" SERIAL PRIMARY KEY, "done" BOOLEAN NOT NULL);
CREATE INDEX "J_open" ON "J"("id") WHERE NOT "done";`,
    models: `model J {
  id   Int     @id @default(autoincrement())
  done Boolean
}`,
  },
  {
    name: 'Int written as Int @db.Integer (the default type)',
    provider: 'postgresql',
    sql: `CREATE TABLE "T" ("id" SERIAL PRIMARY KEY, "n" INTEGER NOT NULL);`,
    models: `model T {
  id Int @id @default(autoincrement())
  n  Int @db.Integer
}`,
  },
  {
    name: 'an implicit many-to-many table and a unique index on both sides',
    provider: 'postgresql',
    sql: `CREATE TABLE "Tag" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL);
CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY);
CREATE TABLE "_PostToTag" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL, CONSTRAINT "_PostToTag_AB_pkey" PRIMARY KEY ("A","B"));
CREATE INDEX "_PostToTag_B_index" ON "_PostToTag"("B");
CREATE UNIQUE INDEX "Tag_name_key" ON "Tag"("name");
ALTER TABLE "_PostToTag" ADD CONSTRAINT "_PostToTag_A_fkey" FOREIGN KEY ("A") REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "_PostToTag" ADD CONSTRAINT "_PostToTag_B_fkey" FOREIGN KEY ("B") REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;`,
    models: `model Tag {
  id    Int    @id @default(autoincrement())
  name  String @unique
  posts Post[]
}

model Post {
  id   Int   @id @default(autoincrement())
  tags Tag[]
}`,
  },
];

async function analyse(c: Case) {
  const temp = tempProject(c.provider, c.models);
  temp.addMigration('20260101000000_init', `${c.sql}\n`);
  const project = await discoverProject({ cwd: temp.root, trusted: true });
  const folder = readMigrationsFolder(temp.migrationsDir);
  const engine = scratchEngine(project, folder, 'The test');
  try {
    const diff = await engine.diff({ kind: 'migrations', folder }, { kind: 'schema', files: project.engineSchemaFiles }, { script: true });
    const analysis = await checkSchema(project, folder, null);
    return { engineDiff: diff, analysis };
  } finally {
    await engine.dispose();
    temp.remove();
  }
}

describe('no finding where the engine plans no step', () => {
  for (const c of MIGRATED) {
    it(c.name, async () => {
      const { engineDiff, analysis } = await analyse(c);
      assert.equal(engineDiff.hasChanges, false, `the engine's own diff is empty: ${engineDiff.output}`);
      assert.deepEqual(analysis.findings, []);
      assert.equal(analysis.script, '');
    });
  }
});

describe('steps no datamodel difference explains are still findings', () => {
  it('a hand-written GIN index the schema lacks: dropped-index, a warning with its definition', async () => {
    const { engineDiff, analysis } = await analyse({
      name: 'gin',
      provider: 'postgresql',
      sql: `CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE "P" ("id" SERIAL PRIMARY KEY, "title" TEXT NOT NULL);
CREATE INDEX "P_title_trgm" ON "P" USING gin ("title" gin_trgm_ops);`,
      models: 'model P {\n  id    Int    @id @default(autoincrement())\n  title String\n}',
    });
    assert.equal(engineDiff.hasChanges, true);
    assert.deepEqual(analysis.findings.map((f) => [f.rule, f.severity, f.line]), [['dropped-index', 'warning', 5]]);
    assert.match(analysis.findings[0].message, /drops the index `P_title_trgm` on `P`.*USING gin/);
    assert.match(analysis.findings[0].sql, /DROP INDEX "P_title_trgm"/);
  });

  it('an implicit many-to-many table from before Prisma 5 (a unique index, no key): its new key is information, no dropped table', async () => {
    const m2m = MIGRATED[4];
    const { engineDiff, analysis } = await analyse({
      ...m2m,
      sql: m2m.sql.replace(', CONSTRAINT "_PostToTag_AB_pkey" PRIMARY KEY ("A","B")', '').replace('CREATE INDEX "_PostToTag_B_index"', 'CREATE UNIQUE INDEX "_PostToTag_AB_unique" ON "_PostToTag"("A", "B");\nCREATE INDEX "_PostToTag_B_index"'),
    });
    assert.match(engineDiff.output, /PRIMARY KEY/);
    assert.deepEqual(analysis.findings.map((f) => [f.rule, f.severity]), [['not-migrated', 'info']]);
    assert.match(analysis.findings[0].message, /`_PostToTag`/);
  });

  it('an index dropped with a SQLite table redefinition is reported too', async () => {
    const { analysis } = await analyse({
      name: 'sqlite redefinition',
      provider: 'sqlite',
      sql: `CREATE TABLE "P" ("id" INTEGER NOT NULL PRIMARY KEY, "title" TEXT NOT NULL, "body" TEXT);
CREATE INDEX "by_title" ON "P"("title");`,
      models: 'model P {\n  id    Int    @id\n  title String\n}',
    });
    assert.deepEqual(analysis.findings.map((f) => f.rule).sort(), ['dropped-column', 'dropped-index']);
  });

  it('with a history whose introspected copy is not a valid schema, a dropped column is still found, from the engine\'s step', async () => {
    const partial = MIGRATED[0];
    const { analysis } = await analyse({ ...partial, sql: `${partial.sql}\nALTER TABLE "B" ADD COLUMN "note" TEXT;` });
    const temp = tempProject('postgresql', partial.models);
    temp.addMigration('20260101000000_init', `${partial.sql}\n`);
    const analyser = await SchemaChangeAnalyser.replay(await discoverProject({ cwd: temp.root, trusted: true }), readMigrationsFolder(temp.migrationsDir));
    try {
      assert.equal(await analyser.historyModel(), null, 'introspection renders this history as an invalid schema');
    } finally {
      await analyser.dispose();
      temp.remove();
    }
    assert.deepEqual(analysis.findings.map((f) => [f.rule, f.severity, f.subject]), [['dropped-column', 'warning', { table: 'B', columns: ['note'] }]]);
    assert.match(analysis.findings[0].message, /drops the column `B\.note`/);
  });
});
