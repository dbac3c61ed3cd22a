// A migration that cannot run in the scratch replay of `check --ci` and `squash`: the output says why
// (the database's or the embedded PGlite's own words), never the engine's unresolved "External error id#N".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { cli } from './cliSuite';

const USER = 'model User {\n  id   Int    @id\n  name String\n}\n';
const INIT = 'CREATE TABLE "User" ("id" INTEGER NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n';

describe('a migration failing in the scratch replay', () => {
  let project: TempProject;
  let server: Awaited<ReturnType<typeof newPostgresDatabase>>;
  const run = (...command: string[]) => cli(project.root, ...command);

  before(async () => {
    project = tempProject('postgresql', USER);
    project.addMigration('20250101000000_init', INIT);
    server = await newPostgresDatabase();
  });
  after(async () => {
    project.remove();
    await server.drop();
  });

  for (const target of ['embedded', 'server'] as const) {
    const url = () => (target === 'server' ? ['--url', server.url] : []);

    it(`names an extension PGlite lacks (check --ci, target ${target}; squash)`, async () => {
      project.addMigration('20250102000000_name', 'CREATE EXTENSION "does_not_exist";\nALTER TABLE "User" ADD COLUMN "name" TEXT NOT NULL;\n');
      const pglite = /^Error: The migrations create the PostgreSQL extension "does_not_exist", which the embedded PGlite database does not ship/m;
      const check = await run('check', '--ci', ...url());
      // Both replay on a scratch database on the target's server when there is one, else on a scratch PGlite.
      const squash = await run('squash', '--to', '20250102000000_name', '--name', 'sq', ...url());
      const expected = target === 'server' ? /extension "does_not_exist" is not available/ : pglite;
      for (const result of [check, squash]) {
        assert.equal(result.code, 2, result.stdout);
        assert.match(result.stderr, expected);
      }
    });

    it(`gives the database's message for a statement that fails (check --ci, target ${target}; squash)`, async () => {
      project.addMigration('20250102000000_name', 'ALTER TABLE "Nope" ADD COLUMN "x" INTEGER;\nALTER TABLE "User" ADD COLUMN "name" TEXT NOT NULL;\n');
      for (const result of [await run('check', '--ci', ...url()), await run('squash', '--to', '20250102000000_name', '--name', 'sq', ...url())]) {
        assert.equal(result.code, 2, result.stdout);
        assert.match(result.stderr, /20250102000000_name/);
        assert.match(result.stderr, /(No such table: Nope|relation "Nope" does not exist)/);
      }
    });
  }
});
