import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { RehearsalReport } from '../../src/core/rehearsal/rehearse';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { cli } from './cliSuite';
import { SPLIT_NAME, USER_WITH_FULL_NAME } from '../helpers/splitName';

const MODELS = `model User {\n  id        Int     @id\n  firstName String\n  lastName  String?\n}\n`;
const SEED = `INSERT INTO "User" ("id", "fullName") VALUES (1, 'Ada Lovelace'), (2, 'Plato'), (3, 'Grace Hopper');\n`;

/** Fails on its second statement: the first row's id is taken. */
const FAILING = `UPDATE "User" SET "firstName" = upper("firstName");\nINSERT INTO "User" ("id", "firstName") VALUES (1, 'Again');\n`;

interface Target {
  label: string;
  provider: 'sqlite' | 'postgresql';
  /** Arguments naming the database, and what it holds now, as a fingerprint. */
  open(project: TempProject): Promise<{ args: string[]; state(): Promise<string>; drop(): Promise<void> }>;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Every file of a folder, by name and content. */
function folderState(dir: string): string {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  return sha256(files.map((file) => `${path.relative(dir, file)}:${sha256(readFileSync(file))}`).join('\n'));
}

const TARGETS: Target[] = [
  {
    label: 'SQLite',
    provider: 'sqlite',
    open: async (project) => ({ args: [], state: async () => sha256(readFileSync(path.join(project.root, 'prisma', 'dev.db'))), drop: async () => {} }),
  },
  {
    label: 'PGlite',
    provider: 'postgresql',
    open: async (project) => ({ args: [], state: async () => folderState(path.join(project.root, 'prisma', '.pglite')), drop: async () => {} }),
  },
  {
    label: 'the PostgreSQL server',
    provider: 'postgresql',
    async open() {
      const database = await newPostgresDatabase('pm_rehearse');
      return {
        args: ['--url', database.url],
        // Everything the migrations could change: the columns, the rows and the history.
        async state() {
          const client = new pg.Client({ connectionString: database.url });
          await client.connect();
          try {
            const columns = await client.query(`SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`);
            const users = await client.query('SELECT row_to_json(u)::text AS row FROM "User" u ORDER BY "id"');
            const history = await client.query('SELECT row_to_json(m)::text AS row FROM _prisma_migrations m ORDER BY started_at');
            return sha256(JSON.stringify([columns.rows, users.rows, history.rows]));
          } finally {
            await client.end();
          }
        },
        drop: database.drop,
      };
    },
  },
];

for (const target of TARGETS) {
  describe(`rehearse on ${target.label}`, () => {
    let project: TempProject;
    let database: Awaited<ReturnType<Target['open']>>;
    const run = (...args: string[]) => cli(project.root, ...args, ...database.args);
    const rehearsal = async (...args: string[]) => {
      const result = await run('rehearse', '--format', 'json', ...args);
      return { ...result, report: JSON.parse(result.stdout) as RehearsalReport };
    };

    before(async () => {
      project = tempProject(target.provider, MODELS);
      database = await target.open(project);
      project.addMigration('20250101000000_init', USER_WITH_FULL_NAME);
      const applied = await run('apply');
      assert.equal(applied.code, 0, applied.stderr);
      const seed = path.join(project.root, 'seed.sql');
      writeFileSync(seed, SEED);
      const seeded = await run('execute', '--file', seed);
      assert.equal(seeded.code, 0, seeded.stderr);
      project.addMigration('20250102000000_split_name', SPLIT_NAME[target.provider]);
    });
    after(async () => {
      await database.drop();
      project.remove();
    });

    it('reports each statement with its time, its locks and the rows, and leaves the original as it was', async () => {
      const original = await database.state();
      const { code, stderr, report } = await rehearsal();
      assert.equal(code, 0, stderr);
      assert.equal(report.outcome, 'applied');
      assert.ok(report.copy.ms > 0 && report.copy.bytes > 0, JSON.stringify(report.copy));
      const [split] = report.migrations;
      assert.equal(split?.name, '20250102000000_split_name');
      assert.equal(split.status, 'applied');
      assert.equal(split.statements.length, 4);
      assert.ok(split.statements.every((s) => s.ms > 0 && !s.failed));
      assert.deepEqual(split.rows, [{ table: 'User', before: 3, after: 3 }]);
      const update = split.statements.find((s) => s.sql.startsWith('UPDATE'));
      if (target.provider === 'sqlite') {
        assert.deepEqual(update?.locks, [{ table: 'User', mode: 'SQLite write lock', rows: 3, seen: 'statement' }]);
      } else {
        // Read from pg_locks inside the migration's transaction: the first ALTER takes it, the rest hold it.
        assert.deepEqual(split.statements[0]?.locks, [{ table: 'User', mode: 'ACCESS EXCLUSIVE', rows: 3, seen: 'pg_locks' }]);
        assert.deepEqual(update?.locks, [{ table: 'User', mode: 'ACCESS EXCLUSIVE', rows: 3, seen: 'already held' }]);
        assert.equal(split.held[0]?.table, 'User');
      }
      assert.equal(await database.state(), original, 'the original database was written');
      const status = await run('status', '--no-drift');
      assert.match(status.stdout, /20250102000000_split_name/);
      assert.equal(status.code, 1, 'the migration is still pending on the original');
    });

    it('prints a text report that says the copy is dropped', async () => {
      const { code, stdout } = await run('rehearse');
      assert.equal(code, 0);
      assert.match(stdout, /^Rehearsed 1 pending migration in .+ on a copy of .+; the copy is dropped and .+ was not written\./);
      assert.match(stdout, /line \d +[\d.]+ m?s  UPDATE "User"/);
    });

    it('a failing migration: the database error at its statement, exit 1, the original untouched', async () => {
      const dir = project.addMigration('20250103000000_collide', FAILING);
      const original = await database.state();
      try {
        const { code, report } = await rehearsal();
        assert.equal(code, 1);
        assert.equal(report.outcome, 'failed');
        const failed = report.migrations.find((m) => m.status === 'failed');
        assert.equal(failed?.name, '20250103000000_collide');
        assert.equal(failed.error?.line, 2);
        assert.match(failed.error?.message ?? '', /unique|duplicate/i);
        assert.deepEqual(
          failed.statements.map((s) => s.failed),
          [false, true],
        );
        assert.equal(report.migrations[0]?.status, 'applied', 'the migration before it ran');
        assert.equal(await database.state(), original);
      } finally {
        renameSync(dir, `${dir}.off`);
      }
    });

    it('refuses a copy larger than --max-size, copying nothing', async () => {
      const { code, stderr } = await run('rehearse', '--max-size', '1kB');
      assert.equal(code, 1);
      assert.match(stderr, /more than the 1\.0 kB a rehearsal copies unless told: nothing was copied\. Raise the limit with --max-size/);
    });
  });
}

describe('rehearse: what it refuses', () => {
  it('a server database with an open session: copied through the driver, the session left alone, the original unchanged', async () => {
    const project = tempProject('postgresql', MODELS);
    const database = await newPostgresDatabase('pm_rehearse_busy');
    const client = new pg.Client({ connectionString: database.url });
    try {
      project.addMigration('20250101000000_init', USER_WITH_FULL_NAME);
      assert.equal((await cli(project.root, 'apply', '--url', database.url)).code, 0);
      await client.connect();
      await client.query(SEED);
      project.addMigration('20250102000000_split_name', SPLIT_NAME.postgresql);
      const before = await client.query('SELECT row_to_json(u)::text AS row FROM "User" u ORDER BY "id"');
      const { code, stdout, stderr } = await cli(project.root, 'rehearse', '--format', 'json', '--url', database.url);
      assert.equal(code, 0, stderr);
      const report = JSON.parse(stdout) as RehearsalReport;
      assert.equal(report.copy.method, 'PostgreSQL copy through the driver');
      assert.deepEqual(report.migrations[0]?.rows, [{ table: 'User', before: 3, after: 3 }], 'the rows were copied');
      assert.equal((await client.query('SELECT 1 AS one')).rows[0]?.one, 1, 'the session was left alone');
      assert.deepEqual((await client.query('SELECT row_to_json(u)::text AS row FROM "User" u ORDER BY "id"')).rows, before.rows);
      assert.equal((await client.query("SELECT count(*)::int AS n FROM _prisma_migrations WHERE migration_name = '20250102000000_split_name'")).rows[0]?.n, 0);

      // A change made by hand is not in the history the copy is rebuilt from: refused, naming it.
      await client.query('CREATE TABLE "Sneaky" ("id" INTEGER PRIMARY KEY)');
      const drifted = await cli(project.root, 'rehearse', '--url', database.url);
      assert.equal(drifted.code, 2);
      assert.match(drifted.stderr, /differs from the history it applied \(drift\).*only in the original: column public\.Sneaky\.id/);
    } finally {
      await client.end();
      await database.drop();
      project.remove();
    }
  });

  it('an embedded database that was never created', async () => {
    const project = tempProject('sqlite', MODELS);
    try {
      const { code, stderr } = await cli(project.root, 'rehearse');
      assert.equal(code, 2);
      assert.match(stderr, /There is no database at .*dev\.db to copy/);
    } finally {
      project.remove();
    }
  });

  it('a MySQL project: said before anything is copied', async () => {
    const project = tempProject('mysql', MODELS);
    try {
      project.addMigration('20250101000000_init', USER_WITH_FULL_NAME);
      const { code, stderr } = await cli(project.root, 'rehearse', '--url', 'mysql://root@127.0.0.1:3306/test');
      assert.equal(code, 2);
      assert.match(stderr, /Rehearsal copies SQLite and PostgreSQL databases; this build cannot copy a mysql database/);
    } finally {
      project.remove();
    }
  });

  it('a --max-size that is not a size', async () => {
    const project = tempProject('sqlite', MODELS);
    try {
      const { code, stderr } = await cli(project.root, 'rehearse', '--max-size', 'lots');
      assert.equal(code, 2);
      assert.match(stderr, /--max-size takes a size such as 500MB/);
    } finally {
      project.remove();
    }
  });
});
