import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { cli } from './cliSuite';

const SCHEMA = (extensions: string) => `generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["postgresqlExtensions"]
}

datasource db {
  provider   = "postgresql"
  extensions = [${extensions}]
}

model User {
  id    Int    @id @default(autoincrement())
  email String @db.Citext
}
`;

// What `prisma migrate dev` writes for SCHEMA('citext').
const INIT = `-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "citext";

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" CITEXT NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
`;

interface Target {
  /** `--url …` for the server, nothing for the embedded PGlite. */
  args(project: TempProject): string[];
  /** The URL `check --ci --url` and `verify --url` name. */
  url(project: TempProject): string;
  /** Runs SQL by hand, outside the migrations (a server only: PGlite has only the extensions migrations load). */
  byHand?(sql: string): Promise<void>;
  drop(): Promise<void>;
}

/** The postgresqlExtensions preview feature: no false drift, real drift still reported. */
function extensionSuite(label: string, open: () => Promise<Target>, options: { byHand: boolean }): void {
  describe(`postgresqlExtensions on ${label}`, () => {
    let project: TempProject;
    let target: Target;
    const run = (...command: string[]) => cli(project.root, ...command, ...target.args(project));

    before(async () => {
      project = tempProject('postgresql');
      writeFileSync(project.schemaPath, SCHEMA('citext'));
      project.addMigration('20250101000000_init', INIT);
      target = await open();
    });
    after(async () => {
      await target.drop();
      project.remove();
    });

    it('after apply: status, diff, verify, check --ci --url and create all see no difference', async () => {
      assert.equal((await run('apply')).code, 0);

      const status = await run('status', '--json');
      assert.equal(status.code, 0, status.stdout);
      assert.equal((JSON.parse(status.stdout) as { drift: unknown }).drift, null);

      const diff = await run('diff', '--from', 'migrations', '--to', 'database', '--exit-code');
      assert.deepEqual([diff.code, diff.stdout.trim()], [0, 'No difference detected.']);
      const toSchema = await run('diff', '--from', 'migrations', '--to', 'schema', '--script', '--exit-code');
      assert.deepEqual([toSchema.code, toSchema.stdout.trim()], [0, '-- This is an empty migration.']);

      const verify = await cli(project.root, 'verify', '--url', target.url(project));
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      const gate = await cli(project.root, 'check', '--ci', '--url', target.url(project));
      assert.equal(gate.code, 0, gate.stdout + gate.stderr);
      assert.doesNotMatch(gate.stdout, /extension|drift|schema-not-migrated/i);

      const create = await run('create', '--name', 'again');
      assert.match(create.stdout, /Already in sync/);
    });

    it('an extension the schema adds is still a change: check fails, the next migration creates only it', async () => {
      writeFileSync(project.schemaPath, SCHEMA('citext, pg_trgm'));
      try {
        const gate = await cli(project.root, 'check', '--ci', '--url', target.url(project));
        assert.equal(gate.code, 1);
        assert.match(gate.stdout, /schema-not-migrated/);

        assert.equal((await run('create', '--name', 'trgm', '--draft')).code, 0);
        const name = readdirSync(project.migrationsDir).find((entry) => entry.endsWith('_trgm'))!;
        const sql = readFileSync(path.join(project.migrationsDir, name, 'migration.sql'), 'utf8');
        assert.match(sql, /CREATE EXTENSION IF NOT EXISTS "pg_trgm"/);
        assert.doesNotMatch(sql, /citext|plpgsql/);
      } finally {
        writeFileSync(project.schemaPath, SCHEMA('citext'));
      }
    });

    if (!options.byHand) return;
    it('an extension created by hand is drift, named alone', async () => {
      await target.byHand!('CREATE EXTENSION pg_trgm');
      const status = await run('status');
      assert.equal(status.code, 1);
      assert.match(status.stdout, /Added extensions\n\s+- pg_trgm/);
      assert.doesNotMatch(status.stdout, /citext|plpgsql/);
      const verify = await cli(project.root, 'verify', '--url', target.url(project));
      assert.equal(verify.code, 1);
      assert.match(verify.stdout, /target-drift.*pg_trgm/);
    });
  });
}

extensionSuite('the PostgreSQL server', async () => {
  const database = await newPostgresDatabase();
  return {
    args: () => ['--url', database.url],
    url: () => database.url,
    async byHand(sql) {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
    drop: database.drop,
  };
}, { byHand: true });

extensionSuite('embedded PGlite', async () => ({
  args: () => [],
  url: (project) => `pglite:${path.join(project.root, 'prisma', '.pglite')}`,
  drop: async () => {},
}), { byHand: false });

describe('pgvector on embedded PGlite', () => {
  let project: TempProject;
  before(() => {
    project = tempProject('postgresql', 'model Item {\n  id        Int                       @id @default(autoincrement())\n  embedding Unsupported("vector(3)")?\n}\n');
    project.addMigration(
      '20250101000000_init',
      'CREATE EXTENSION IF NOT EXISTS vector;\n\nCREATE TABLE "Item" (\n    "id" SERIAL NOT NULL,\n    "embedding" vector(3),\n\n    CONSTRAINT "Item_pkey" PRIMARY KEY ("id")\n);\n',
    );
  });
  after(() => project.remove());

  it('a migration creating `vector` and a vector(3) column applies; status, drift and check are clean', async () => {
    const apply = await cli(project.root, 'apply');
    assert.equal(apply.code, 0, apply.stderr);
    const status = await cli(project.root, 'status');
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /Drift: none\./);
    const check = await cli(project.root, 'check');
    assert.equal(check.code, 0, check.stdout + check.stderr);
  });
});
