import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { cli } from './cliSuite';

const ENGINE_TRACE = /sql_schema_connector::|schema-engine\/|external connector error/;

/** A failed migration: apply, status and its JSON show the database's error, never the engine's trace. */
function failedMigrationSuite(provider: 'sqlite' | 'postgresql', open: () => Promise<{ args: string[]; drop(): Promise<void> }>, databaseError: RegExp): void {
  describe(`a failed migration on ${provider}`, () => {
    let project: TempProject;
    let args: string[];
    let drop: () => Promise<void>;
    const run = (...command: string[]) => cli(project.root, ...command, ...args);

    before(async () => {
      project = tempProject(provider, 'model A {\n  id Int @id\n}\n');
      project.addMigration('20250101000000_init', 'CREATE TABLE "A" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
      project.addMigration('20250102000000_bad', 'INSERT INTO "Nope" ("id") VALUES (1);\n');
      ({ args, drop } = await open());
    });
    after(async () => {
      await drop();
      project.remove();
    });

    it('apply fails with the database error and no engine trace', async () => {
      const apply = await run('apply');
      assert.equal(apply.code, 2);
      assert.match(apply.stderr, /Migration 20250102000000_bad failed/);
      assert.match(apply.stderr, databaseError);
      assert.doesNotMatch(apply.stdout + apply.stderr, ENGINE_TRACE);
    });

    it('status and status --json show the database error; --verbose the whole record, as Prisma writes it (P3018)', async () => {
      const status = await run('status');
      assert.equal(status.code, 1);
      assert.match(status.stdout, /✗ 20250102000000_bad\s+failed\n\s+.*Nope/);
      assert.match(status.stdout, databaseError);
      assert.doesNotMatch(status.stdout, ENGINE_TRACE);

      const json = JSON.parse((await run('status', '--json')).stdout) as { migrations: Array<{ name: string; logs: string | null }> };
      const logs = json.migrations.find((m) => m.name === '20250102000000_bad')!.logs!;
      assert.match(logs, databaseError);
      assert.doesNotMatch(logs, ENGINE_TRACE);

      assert.doesNotMatch(logs, /A migration failed to apply/, 'the database error alone, not the frame around it');

      const verbose = await run('status', '--verbose');
      assert.match(verbose.stdout, /A migration failed to apply\.[^\n]*\n\s*\n\s*Migration name: 20250102000000_bad\n\s*\n\s*Database error code: \w+\n\s*\n\s*Database error:\n/);
    });
  });
}

failedMigrationSuite('sqlite', async () => ({ args: [], drop: async () => {} }), /no such table: Nope/i);

failedMigrationSuite(
  'postgresql',
  async () => {
    const database = await newPostgresDatabase();
    return { args: ['--url', database.url], drop: database.drop };
  },
  /relation "Nope" does not exist/,
);
