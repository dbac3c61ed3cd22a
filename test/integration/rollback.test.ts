// Down scripts and rolling back the last migration, on SQLite and on the PostgreSQL server: the script is
// the engine's diff between two replayed states, verified on a scratch database, and a rollback leaves the
// migration pending with the history and the database in step.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MigrationEngine } from '../../src/core/engine/migrationEngine';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { migrationStatuses } from '../../src/core/migrations/history';
import { downScript, verifyDownScript } from '../../src/core/operations/down';
import { describeLosses, executeRollback, planRollback } from '../../src/core/operations/rollback';
import { discoverProject } from '../../src/core/project/discover';
import type { PrismaProject } from '../../src/core/types';
import { expectMigrateError } from '../helpers/migrateError';
import { newDevDatabase } from '../helpers/devDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';

const SCHEMA = `model User {
  id    Int     @id
  email String  @unique
  bio   String?
  posts Post[]
}

model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}
`;

const INIT = {
  sqlite: 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "email" TEXT NOT NULL);\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n',
  postgresql:
    'CREATE TABLE "User" ("id" INTEGER NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n',
};
const POSTS = {
  sqlite:
    'ALTER TABLE "User" ADD COLUMN "bio" TEXT;\nCREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE);\n',
  postgresql:
    'ALTER TABLE "User" ADD COLUMN "bio" TEXT;\nCREATE TABLE "Post" ("id" INTEGER NOT NULL, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));\nALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;\n',
};

for (const provider of ['sqlite', 'postgresql'] as const) {
  describe(`down scripts and rollback (${provider === 'sqlite' ? 'SQLite' : 'the PostgreSQL server'})`, () => {
    let temp: TempProject;
    let project: PrismaProject;
    let engine: MigrationEngine;
    let drop: () => Promise<void>;
    const folder = () => readMigrationsFolder(temp.migrationsDir);
    const statuses = async () => migrationStatuses(folder().migrations, (await engine.readMigrationRows()) ?? []).map((s) => `${s.name}: ${s.status}`);

    before(async () => {
      temp = tempProject(provider, SCHEMA);
      temp.addMigration('20260101000000_init', INIT[provider]);
      temp.addMigration('20260102000000_posts', POSTS[provider]);
      project = await discoverProject({ cwd: temp.root, trusted: true });
      const dev = await newDevDatabase(provider);
      const database = dev.database;
      drop = dev.drop;
      engine = new MigrationEngine({ database, schemaFiles: project.engineSchemaFiles, configDir: project.root });
      await engine.applyPending(folder());
      await engine.execute(`INSERT INTO "User" ("id", "email", "bio") VALUES (1, 'a@x', 'hi'), (2, 'b@x', NULL);\nINSERT INTO "Post" ("id", "authorId") VALUES (1, 1), (2, 1), (3, 2);`);
    });

    after(async () => {
      await engine?.dispose();
      await drop?.();
      temp?.remove();
    });

    it('writes the down script of a migration: the diff back to the state before it, with what it drops', async () => {
      const down = await downScript(project, folder(), '20260102000000_posts');
      assert.match(down.script, /DROP TABLE (?:"public"\.)?"Post"/);
      assert.deepEqual(down.losses.map((l) => l.description).sort(), ['drops the column `User.bio` and its values', 'drops the table `Post` and its rows']);
      assert.deepEqual(await verifyDownScript(project, folder(), down), { roundTrips: true });
    });

    it('says when a down script does not take the history back', async () => {
      const down = await downScript(project, folder(), '20260102000000_posts');
      const wrong = { ...down, script: down.script.replace(/DROP TABLE (?:"public"\.)?"Post";/, '') };
      const verification = await verifyDownScript(project, folder(), wrong);
      assert.equal(verification.roundTrips, false);
      assert.match(verification.roundTrips ? '' : verification.differences, /Post/);
    });

    it('plans the rollback of the last applied migration with this database\'s counts, then runs it', async () => {
      const plan = await planRollback(engine, project, folder());
      assert.equal(plan.migration, '20260102000000_posts');
      assert.deepEqual(describeLosses(plan).sort(), ['drops the column `User.bio` and its values (1 non-null value)', 'drops the table `Post` and its rows (3 rows)']);
      await executeRollback(engine, plan);
      assert.deepEqual(await statuses(), ['20260101000000_init: applied', '20260102000000_posts: rolledBack']);
      // The database is back where the history before it leaves it, and the migration applies again.
      const diff = await engine.diff({ kind: 'migrations', folder: { ...folder(), migrations: folder().migrations.slice(0, 1) } }, { kind: 'database' }, { script: false });
      assert.equal(diff.hasChanges && diff.output.split('\n').some((l) => l.trim() && !/_prisma_migrations/.test(l)), false, diff.output);
      assert.deepEqual(await engine.applyPending(folder()), ['20260102000000_posts']);
      assert.deepEqual(await statuses(), ['20260101000000_init: applied', '20260102000000_posts: applied']);
    });

    it('refuses when the last applied migration was edited after it was applied', async () => {
      const file = path.join(temp.migrationsDir, '20260102000000_posts', 'migration.sql');
      writeFileSync(file, `${POSTS[provider]}-- edited\n`);
      try {
        await expectMigrateError(planRollback(engine, project, folder()), 'state', /edited after it was applied/);
      } finally {
        writeFileSync(file, POSTS[provider]);
      }
    });

    it('refuses when nothing is applied', async () => {
      for (let i = 0; i < 2; i += 1) await executeRollback(engine, await planRollback(engine, project, folder()));
      assert.deepEqual(await statuses(), ['20260101000000_init: rolledBack', '20260102000000_posts: rolledBack']);
      await expectMigrateError(planRollback(engine, project, folder()), 'state', /nothing to roll back/);
    });

    it('refuses a down script that would add a required column back to a table with rows', async () => {
      temp.addMigration('20260103000000_drop_email', provider === 'sqlite' ? 'DROP INDEX "User_email_key";\nALTER TABLE "User" DROP COLUMN "email";\n' : 'ALTER TABLE "User" DROP COLUMN "email";\n');
      await engine.applyPending(folder());
      await engine.execute(`INSERT INTO "User" ("id") VALUES (1), (2);`);
      await expectMigrateError(planRollback(engine, project, folder()), 'state', /cannot run on this database: it adds `User.email` back as a required column.*holds 2 rows/);
    });
  });
}
