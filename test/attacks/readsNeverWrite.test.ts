// Class: a read that writes to the database it reads (#14, item 9). `check` created `_prisma_migrations`
// on an empty database, and the editor's as-you-type data-loss counts take the same path. Every read
// (check, check --ci --url, verify, status, diff, the editor's reads through openProjectDatabase with
// readOnly) must leave the target exactly as it was — SQLite byte for byte, PostgreSQL's and MariaDB's
// catalogs — work for a role that may only read, and be refused by the database itself if it tried to write.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as mariadb from 'mariadb';
import pg from 'pg';
import { openProjectDatabase, type ProjectDatabase } from '../../src/core/connect';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { discoverProject } from '../../src/core/project/discover';
import { evaluateOnDevDatabase } from '../../src/core/schemaChanges/devDatabase';
import { cli, type CliRun } from '../cli/cliSuite';
import { newPostgresDatabase, POSTGRES_SERVER } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';

const USER = 'model User {\n  id   Int     @id\n  name String?\n}\n';
const WITHOUT_NAME = 'model User {\n  id Int @id\n}\n';
const INIT = '20240101000000_init';
const INIT_SQL = { sqlite: 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT);\n', postgresql: 'CREATE TABLE "User" ("id" INTEGER NOT NULL, "name" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n' };

/** The reads of the CLI, each as a list of arguments (the target URL is added by the caller). */
const READS = [['check'], ['check', '--ci'], ['verify'], ['status'], ['diff', '--from', 'migrations', '--to', 'database'], ['diff', '--from', 'database', '--to', 'schema']];

/** A read ran: it may report findings or pending migrations (exit 1), never fail to run (exit 2). */
function assertRan(result: CliRun, command: readonly string[]): void {
  assert.notEqual(result.code, 2, `${command.join(' ')} failed to run:\n${result.stdout}${result.stderr}`);
  assert.doesNotMatch(result.stderr, /^Error:/m, command.join(' '));
}

/** Opens the project's database as the editor's reads do, and hands it to `fn`. */
async function withReadOnlyDatabase<T>(root: string, url: string | undefined, fn: (db: ProjectDatabase) => Promise<T>): Promise<T> {
  const project = await discoverProject({ cwd: root, trusted: true });
  const db = await openProjectDatabase(project, { url: url === undefined ? undefined : { url, source: 'flag' }, readOnly: true });
  try {
    return await fn(db);
  } finally {
    await db.backend.dispose();
  }
}

/** The editor's as-you-type counts on a database opened for reading (`evaluateOnDevDatabase`, as serverRequests.ts calls it). */
async function editorCounts(root: string, url?: string): Promise<string[]> {
  return withReadOnlyDatabase(root, url, async (db) => {
    const project = await discoverProject({ cwd: root, trusted: true });
    const loss = await evaluateOnDevDatabase(db.engine!, readMigrationsFolder(project.migrationsDir), []);
    return loss.warnings.map((w) => w.message);
  });
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('attack: reads on a SQLite file', () => {
  let project: TempProject;
  const file = () => path.join(project.root, 'prisma', 'dev.db');
  const files = () => readdirSync(path.dirname(file())).sort();
  const read = (command: readonly string[]) => cli(project.root, ...command);

  before(() => {
    project = tempProject('sqlite', USER);
    project.addMigration(INIT, INIT_SQL.sqlite);
  });
  after(() => project.remove());

  it('no file: no read creates it (nor anything beside it); status says it does not exist', async () => {
    const before = files();
    for (const command of READS.filter(([name]) => name !== 'verify')) {
      assertRan(await read(command), command);
      assert.deepEqual(files(), before, `${command.join(' ')} created a file`);
    }
    assert.match((await read(['status'])).stdout, /dev\.db \(does not exist\)/);
    assert.match((await read(['verify'])).stderr, /There is no database at/);
    assert.ok(!existsSync(file()));
  });

  it('an empty file (a database without tables): every read leaves it byte for byte, no _prisma_migrations', async () => {
    writeFileSync(file(), '');
    for (const command of READS) {
      assertRan(await read(command), command);
      assert.equal(readFileSync(file()).length, 0, `${command.join(' ')} wrote to the empty database`);
    }
    assert.deepEqual(await editorCounts(project.root), []);
    assert.equal(readFileSync(file()).length, 0, 'the editor counts wrote to the empty database');
  });

  it('a migrated database with rows: every read, the data-loss counts included, leaves it byte for byte', async () => {
    assert.equal((await cli(project.root, 'apply')).code, 0);
    writeFileSync(path.join(project.root, 'rows.sql'), `INSERT INTO "User" ("id", "name") VALUES (1, 'a'), (2, 'b');`);
    assert.equal((await cli(project.root, 'execute', '--file', 'rows.sql')).code, 0);
    project.writeSchema(WITHOUT_NAME);
    const digest = sha256(file());
    const before = files();
    for (const command of READS) {
      const result = await read(command);
      assertRan(result, command);
      if (command.join(' ') === 'check') assert.match(result.stdout, /2 non-null values/);
      assert.equal(sha256(file()), digest, `${command.join(' ')} changed the database`);
      assert.deepEqual(files(), before, `${command.join(' ')} left a file beside it`);
    }
    const counts = await editorCounts(project.root);
    assert.ok(counts.some((message) => /2 non-null values/.test(message)), counts.join('\n'));
    assert.equal(sha256(file()), digest, 'the editor counts changed the database');
    project.writeSchema(USER);
  });

  it('a write through a database opened for reading is refused by SQLite, and changes nothing', async () => {
    const digest = sha256(file());
    await withReadOnlyDatabase(project.root, undefined, async (db) => {
      await assert.rejects(db.engine!.execute('CREATE TABLE "Intruder" ("id" INTEGER);'), /readonly|read-only|query_only/i);
      await assert.rejects(db.engine!.execute(`DELETE FROM "User";`), /readonly|read-only|query_only/i);
      await assert.rejects(db.backend.applyPending(readMigrationsFolder(project.migrationsDir)));
    });
    assert.equal(sha256(file()), digest);
  });
});

/** Relations, schemas, types and extensions of a PostgreSQL database, outside the system schemas. */
async function catalog(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const system = `NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;
    const rows = await Promise.all([
      client.query(`SELECT n.nspname, c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname ${system} ORDER BY 1, 2`),
      client.query(`SELECT n.nspname FROM pg_namespace n WHERE n.nspname ${system} ORDER BY 1`),
      client.query(`SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname ${system} ORDER BY 1, 2`),
      client.query(`SELECT extname FROM pg_extension ORDER BY 1`),
      client.query(`SELECT count(*)::int AS users FROM "User"`).catch(() => ({ rows: [] })),
    ]);
    return JSON.stringify(rows.map((r) => r.rows));
  } finally {
    await client.end();
  }
}

async function postgres(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('attack: reads on PostgreSQL, as a role that may only read and as the owner', () => {
  let project: TempProject;
  let empty: Awaited<ReturnType<typeof newPostgresDatabase>>;
  let migrated: Awaited<ReturnType<typeof newPostgresDatabase>>;
  const role = `pm_attack_reader_${randomBytes(4).toString('hex')}`;
  const asReader = (database: { name: string }) => `${POSTGRES_SERVER.replace('//postgres@', `//${role}@`)}/${database.name}`;
  const read = (command: readonly string[], url: string) => cli(project.root, ...command, '--url', url);

  before(async () => {
    project = tempProject('postgresql', USER);
    project.addMigration(INIT, INIT_SQL.postgresql);
    empty = await newPostgresDatabase('pm_attack_reads_empty');
    migrated = await newPostgresDatabase('pm_attack_reads_migrated');
    assert.equal((await cli(project.root, 'apply', '--url', migrated.url)).code, 0);
    await postgres(migrated.url, `INSERT INTO "User" ("id", "name") VALUES (1, 'a'), (2, 'b')`);
    await postgres(empty.url, `CREATE ROLE ${role} LOGIN`);
    for (const database of [empty, migrated]) {
      await postgres(database.url, `GRANT CONNECT ON DATABASE "${database.name}" TO ${role}; GRANT USAGE ON SCHEMA public TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role};`);
    }
  });
  after(async () => {
    await empty.drop();
    await migrated.drop();
    await postgres(empty.url.replace(/\/[^/]+$/, '/postgres'), `DROP ROLE IF EXISTS ${role}`);
    project.remove();
  });

  it('the role really may only read: it cannot create a table', async () => {
    await assert.rejects(postgres(asReader(empty), 'CREATE TABLE "Intruder" ("id" INTEGER)'), /permission denied/);
  });

  for (const who of ['reader', 'owner'] as const) {
    it(`an empty database, as the ${who}: every read runs and the catalog is unchanged (no _prisma_migrations)`, async () => {
      const url = who === 'reader' ? asReader(empty) : empty.url;
      const before = await catalog(empty.url);
      for (const command of READS) {
        assertRan(await read(command, url), command);
        assert.equal(await catalog(empty.url), before, `${command.join(' ')} changed the catalog`);
      }
      assert.deepEqual(await editorCounts(project.root, url), []);
      assert.equal(await catalog(empty.url), before, 'the editor counts changed the catalog');
    });
  }

  it('a migrated database with rows, as the reader: every read succeeds, the counts are read, nothing changes', async () => {
    const url = asReader(migrated);
    const before = await catalog(migrated.url);
    for (const command of READS) {
      const result = await read(command, url);
      assert.equal(result.code, 0, `${command.join(' ')}:\n${result.stdout}${result.stderr}`);
    }
    project.writeSchema(WITHOUT_NAME);
    try {
      assert.match((await read(['check'], url)).stdout, /2 non-null values/);
      const counts = await editorCounts(project.root, url);
      assert.ok(counts.some((message) => /2 non-null values/.test(message)), counts.join('\n'));
    } finally {
      project.writeSchema(USER);
    }
    assert.equal(await catalog(migrated.url), before);
  });

  it('a write through a database opened for reading is refused by the server, even for the owner', async () => {
    const before = await catalog(migrated.url);
    await withReadOnlyDatabase(project.root, migrated.url, async (db) => {
      await assert.rejects(db.engine!.execute('CREATE TABLE "Intruder" ("id" INTEGER);'), /read-only transaction/);
      await assert.rejects(db.engine!.execute('DELETE FROM "User";'), /read-only transaction/);
    });
    assert.equal(await catalog(migrated.url), before);
  });
});

describe('attack: reads on the embedded PGlite database', () => {
  let project: TempProject;
  const folder = () => path.join(project.root, 'prisma', '.pglite');

  before(() => {
    project = tempProject('postgresql', USER);
    project.addMigration(INIT, INIT_SQL.postgresql);
  });
  after(() => project.remove());

  it('no folder: check and status do not create it', async () => {
    for (const command of [['check'], ['status']]) {
      assertRan(await cli(project.root, ...command), command);
      assert.ok(!existsSync(folder()), `${command.join(' ')} created ${folder()}`);
    }
  });

  it('a write through a database opened for reading is refused, and the rows stay', async () => {
    assert.equal((await cli(project.root, 'apply')).code, 0);
    await withReadOnlyDatabase(project.root, undefined, async (db) => {
      await assert.rejects(db.engine!.execute('CREATE TABLE "Intruder" ("id" INTEGER);'), /read-only transaction/);
      assert.equal(await db.engine!.queryNumber(`SELECT count(*) FROM pg_class WHERE relname = 'Intruder'`), 0);
      assert.equal(await db.engine!.queryNumber(`SELECT count(*) FROM _prisma_migrations`), 1);
    });
  });
});

describe('attack: reads on MariaDB', () => {
  const HOST = process.env.MYSQL_TEST_HOST ?? '127.0.0.1';
  const PORT = Number(process.env.MYSQL_TEST_PORT ?? 3306);
  let admin: mariadb.Connection;
  let project: TempProject;
  const name = `pm_attack_reads_${randomBytes(6).toString('hex')}`;
  const url = `mysql://root@${HOST}:${PORT}/${name}`;
  const tables = async () => JSON.stringify(await admin.query('SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1', [name]));

  before(async () => {
    admin = await mariadb.createConnection({ host: HOST, port: PORT, user: 'root' });
    await admin.query(`CREATE DATABASE \`${name}\``);
    project = tempProject('mysql', 'model User {\n  id Int @id\n}\n');
    project.addMigration(INIT, 'CREATE TABLE `User` (`id` INTEGER NOT NULL, PRIMARY KEY (`id`));\n');
  });
  after(async () => {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
    project.remove();
  });

  it('an empty database: status, verify and check --ci --url create nothing', async () => {
    for (const command of [['status'], ['verify'], ['check', '--ci']]) {
      assertRan(await cli(project.root, ...command, '--url', url), command);
      assert.equal(await tables(), '[]', `${command.join(' ')} created a table`);
    }
  });

  it('a database opened for reading refuses to apply: MariaDB rejects the write, nothing is created', async () => {
    await withReadOnlyDatabase(project.root, url, async (db) => {
      await assert.rejects(db.backend.applyPending(readMigrationsFolder(project.migrationsDir)), /READ ONLY transaction/);
    });
    assert.equal(await tables(), '[]');
  });
});
