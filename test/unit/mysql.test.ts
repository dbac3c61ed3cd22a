import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import util from 'node:util';
import * as mariadb from 'mariadb';
import { openMysqlBackend, parseMysqlUrl } from '../../src/core/db/mysql';
import { splitStatements, statementForDisplay } from '../../src/core/db/mysqlScript';
import type { HistoryBackend } from '../../src/core/engine/backend';
import { isMigrateError } from '../../src/core/errors';
import { lockfileContent, readMigrationsFolder } from '../../src/core/migrations/folder';
import { migrationStatuses } from '../../src/core/migrations/history';
import { expectMigrateError } from '../helpers/migrateError';

// Runs against the MariaDB server of the machine (root, empty password); every test uses its own database.
const HOST = process.env.MYSQL_TEST_HOST ?? '127.0.0.1';
const PORT = Number(process.env.MYSQL_TEST_PORT ?? 3306);

let admin: mariadb.Connection;
const cleanups: Array<() => Promise<void>> = [];

before(async () => {
  admin = await mariadb.createConnection({ host: HOST, port: PORT, user: 'root', multipleStatements: true });
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await admin.end();
});

function randomName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

async function newDatabase(): Promise<{ name: string; url: string }> {
  const name = randomName('pm_test');
  await admin.query(`CREATE DATABASE \`${name}\``);
  cleanups.push(() => admin.query(`DROP DATABASE IF EXISTS \`${name}\``));
  return { name, url: `mysql://root@${HOST}:${PORT}/${name}` };
}

/** A migrations folder in a temp dir: name → migration.sql content (null: folder without the file). */
function writeMigrations(migrations: Record<string, string | null>, lockProvider: string | null = 'mysql'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pm-mysql-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  for (const [name, script] of Object.entries(migrations)) {
    mkdirSync(path.join(dir, name), { recursive: true });
    if (script !== null) writeFileSync(path.join(dir, name, 'migration.sql'), script);
  }
  if (lockProvider !== null) writeFileSync(path.join(dir, 'migration_lock.toml'), lockfileContent(lockProvider));
  return dir;
}

function writeScript(dir: string, name: string, script: string): void {
  mkdirSync(path.join(dir, name), { recursive: true });
  writeFileSync(path.join(dir, name, 'migration.sql'), script);
}

async function withBackend<T>(url: string, run: (backend: HistoryBackend) => Promise<T>): Promise<T> {
  const backend = await openMysqlBackend(url);
  try {
    return await run(backend);
  } finally {
    await backend.dispose();
  }
}

interface RawRow {
  id: string;
  checksum: string;
  finished_at: string | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: string | null;
  started_at: string;
  applied_steps_count: number;
}

async function rawRows(db: string): Promise<RawRow[]> {
  return admin.query({ sql: `SELECT * FROM \`${db}\`._prisma_migrations ORDER BY started_at, migration_name`, dateStrings: true });
}

async function tableNames(db: string): Promise<string[]> {
  const rows: Array<{ name: string }> = await admin.query(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name',
    [db],
  );
  return rows.map((r) => r.name);
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const utc = (value: string) => new Date(`${value.replace(' ', 'T')}Z`);


const THREE = {
  '20240101000000_init': '-- CreateTable\nCREATE TABLE `User` (\n    `id` INTEGER NOT NULL AUTO_INCREMENT,\n    `email` VARCHAR(191) NOT NULL,\n\n    UNIQUE INDEX `User_email_key`(`email`),\n    PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n',
  '20240102000000_post': 'CREATE TABLE `Post` (`id` INTEGER NOT NULL AUTO_INCREMENT, `title` VARCHAR(191) NOT NULL, `authorId` INTEGER NOT NULL, PRIMARY KEY (`id`));\nALTER TABLE `Post` ADD CONSTRAINT `Post_authorId_fkey` FOREIGN KEY (`authorId`) REFERENCES `User`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;\n',
  '20240103000000_seed': "INSERT INTO `User` (`email`) VALUES ('a@example.com');\nINSERT INTO `Post` (`title`, `authorId`) VALUES ('hello', 1);\n",
};

describe('MySQL history backend (real MariaDB)', () => {
  test('apply writes _prisma_migrations exactly as Prisma: DDL, one row per migration', async () => {
    const { name: db, url } = await newDatabase();
    const dir = writeMigrations(THREE);
    const started: string[] = [];
    const t0 = Date.now();
    const applied = await withBackend(url, (backend) =>
      backend.applyPending(readMigrationsFolder(dir), {
        onMigrationStart: (name, index, total) => started.push(`${index + 1}/${total} ${name}`),
      }),
    );
    const afterApply = Date.now();
    assert.deepEqual(applied, Object.keys(THREE));
    assert.deepEqual(started, Object.keys(THREE).map((name, i) => `${i + 1}/3 ${name}`));

    // The table Prisma creates, column by column.
    const columns: Array<Record<string, unknown>> = await admin.query(
      `SELECT column_name AS name, column_type AS type, is_nullable AS nullable, column_default AS def, column_key AS k
       FROM information_schema.columns WHERE table_schema = ? AND table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      [db],
    );
    assert.deepEqual(
      columns.map((c) => [c.name, c.type, c.nullable, c.def, c.k]),
      [
        ['id', 'varchar(36)', 'NO', null, 'PRI'],
        ['checksum', 'varchar(64)', 'NO', null, ''],
        ['finished_at', 'datetime(3)', 'YES', 'NULL', ''],
        ['migration_name', 'varchar(255)', 'NO', null, ''],
        ['logs', 'text', 'YES', 'NULL', ''],
        ['rolled_back_at', 'datetime(3)', 'YES', 'NULL', ''],
        ['started_at', 'datetime(3)', 'NO', 'current_timestamp(3)', ''],
        ['applied_steps_count', 'int(10) unsigned', 'NO', '0', ''],
      ],
    );
    const [table]: Array<{ collation: string }> = await admin.query(
      `SELECT table_collation AS collation FROM information_schema.tables WHERE table_schema = ? AND table_name = '_prisma_migrations'`,
      [db],
    );
    assert.equal(table!.collation, 'utf8mb4_unicode_ci');

    const rows = await rawRows(db);
    assert.equal(rows.length, 3);
    for (const [i, [name, script]] of Object.entries(THREE).entries()) {
      const row = rows[i]!;
      assert.match(row.id, UUID_V4);
      assert.equal(row.migration_name, name);
      assert.equal(row.checksum, sha256(script));
      assert.equal(row.logs, null);
      assert.equal(row.rolled_back_at, null);
      assert.equal(row.applied_steps_count, 1);
      assert.ok(row.finished_at !== null);
      assert.match(row.started_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
      // Stored as UTC wall-clock time, whatever the time zones involved.
      assert.ok(utc(row.started_at).getTime() >= t0 - 1 && utc(row.finished_at).getTime() <= afterApply + 1, row.started_at);
      assert.ok(utc(row.finished_at) >= utc(row.started_at));
    }
    assert.deepEqual(await tableNames(db), ['Post', 'User', '_prisma_migrations']);
    const [post]: Array<{ title: string; email: string }> = await admin.query(
      `SELECT p.title, u.email FROM \`${db}\`.Post p JOIN \`${db}\`.User u ON u.id = p.authorId`,
    );
    assert.deepEqual({ ...post }, { title: 'hello', email: 'a@example.com' });

    // Read back through the backend: the same instants as JS Dates.
    const read = await withBackend(url, (backend) => backend.readMigrationRows());
    assert.ok(read);
    assert.deepEqual(
      read.map((r) => [r.id, r.migrationName, r.checksum, r.startedAt.getTime(), r.finishedAt?.getTime(), r.appliedStepsCount, r.logs]),
      rows.map((r) => [r.id, r.migration_name, r.checksum, utc(r.started_at).getTime(), utc(r.finished_at!).getTime(), 1, null]),
    );
    const statuses = migrationStatuses(readMigrationsFolder(dir).migrations, read);
    assert.deepEqual(
      statuses.map((s) => s.status),
      ['applied', 'applied', 'applied'],
    );
  });

  test('a second apply is a no-op', async () => {
    const { name: db, url } = await newDatabase();
    const dir = writeMigrations(THREE);
    await withBackend(url, async (backend) => {
      assert.equal((await backend.applyPending(readMigrationsFolder(dir))).length, 3);
      const rowsBefore = await rawRows(db);
      assert.deepEqual(await backend.applyPending(readMigrationsFolder(dir)), []);
      assert.deepEqual(await rawRows(db), rowsBefore);
    });
  });

  test('no rows before the first apply; an empty history still creates the table', async () => {
    const { name: db, url } = await newDatabase();
    await withBackend(url, async (backend) => {
      assert.equal(await backend.readMigrationRows(), null);
      assert.deepEqual(await backend.applyPending(readMigrationsFolder(writeMigrations({}))), []);
      assert.deepEqual(await backend.readMigrationRows(), []);
    });
    assert.deepEqual(await tableNames(db), ['_prisma_migrations']);
  });

  test('a migration failing halfway is recorded like Prisma; rolled back, fixed and re-applied it recovers', async () => {
    const { name: db, url } = await newDatabase();
    const broken = 'CREATE TABLE `B` (`id` INTEGER NOT NULL);\nINSERT INTO `Nope` VALUES (1);\nCREATE TABLE `C` (`id` INTEGER NOT NULL);\n';
    const dir = writeMigrations({
      '01_init': "CREATE TABLE `A` (`id` INTEGER NOT NULL, `s` VARCHAR(20));\nINSERT INTO `A` VALUES (1, 'kept');\n",
      '02_broken': broken,
      '03_after': 'CREATE TABLE `D` (`id` INTEGER NOT NULL);\n',
    });
    await withBackend(url, async (backend) => {
      const error = await expectMigrateError(backend.applyPending(readMigrationsFolder(dir)), 'migrationFailed');
      assert.equal(error.details?.migration, '02_broken');
      assert.match(error.message, /query number 2/);
      assert.match(error.message, /Table '.*\.Nope' doesn't exist/);
      assert.match(error.message, /MySQL error 1146/);
      assert.match(error.message, /Failing statement:\nINSERT INTO `Nope` VALUES \(1\)/);

      const rows = await rawRows(db);
      assert.deepEqual(
        rows.map((r) => [r.migration_name, r.applied_steps_count, r.finished_at === null, r.rolled_back_at]),
        [
          ['01_init', 1, false, null],
          ['02_broken', 0, true, null],
        ],
      );
      const failedRow = rows[1]!;
      assert.equal(failedRow.checksum, sha256(broken));
      const nopeMessage = `Table '${db}.Nope' doesn't exist`;
      assert.equal(
        failedRow.logs,
        'A migration failed to apply. New migrations cannot be applied before the error is recovered from. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n' +
          'Migration name: 02_broken\n\nDatabase error code: 1146\n\nDatabase error:\n' +
          `${nopeMessage}\n\nPlease check the query number 2 from the migration file.\n\n`,
      );
      // DDL is not transactional on MySQL: the statement before the failure stays, the one after never ran.
      assert.deepEqual(await tableNames(db), ['A', 'B', '_prisma_migrations']);
      const kept: Array<{ s: string }> = await admin.query(`SELECT s FROM \`${db}\`.A`);
      assert.deepEqual(kept.map((r) => r.s), ['kept']);

      const statuses = migrationStatuses(readMigrationsFolder(dir).migrations, (await backend.readMigrationRows())!);
      assert.deepEqual(
        statuses.map((s) => [s.name, s.status]),
        [
          ['01_init', 'applied'],
          ['02_broken', 'failed'],
          ['03_after', 'pending'],
        ],
      );
      assert.equal(statuses[1]!.rawLogs, failedRow.logs);
      // What status shows: the database's error from it, with the statement's number.
      assert.equal(statuses[1]!.logs, `${nopeMessage}\n\nPlease check the query number 2 from the migration file.`);

      // Deploy refuses while a failed migration is unresolved (P3009).
      const refused = await expectMigrateError(backend.applyPending(readMigrationsFolder(dir)), 'state');
      assert.match(
        refused.message,
        /^migrate found failed migrations in the target database, new migrations will not be applied\. Read more about how to resolve migration issues in a production database: https:\/\/pris\.ly\/d\/migrate-resolve\nThe `02_broken` migration started at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{3})? UTC failed\n$/,
      );
      assert.equal(refused.details?.migration, '02_broken');

      await backend.markRolledBack('02_broken');
      const rolledBack = (await rawRows(db))[1]!;
      assert.ok(rolledBack.rolled_back_at !== null);
      assert.equal(rolledBack.finished_at, null);

      // Fix the file (the first statement already ran) and deploy again.
      writeScript(dir, '02_broken', 'CREATE TABLE IF NOT EXISTS `B` (`id` INTEGER NOT NULL);\nCREATE TABLE `C` (`id` INTEGER NOT NULL);\n');
      assert.deepEqual(await backend.applyPending(readMigrationsFolder(dir)), ['02_broken', '03_after']);
      const final = migrationStatuses(readMigrationsFolder(dir).migrations, (await backend.readMigrationRows())!);
      assert.deepEqual(
        final.map((s) => [s.name, s.status]),
        [
          ['01_init', 'applied'],
          ['02_broken', 'applied'],
          ['03_after', 'applied'],
        ],
      );
      assert.equal((await rawRows(db)).length, 4);
      assert.deepEqual(await tableNames(db), ['A', 'B', 'C', 'D', '_prisma_migrations']);
    });
  });

  test('markApplied records without running; failed attempts are rolled back first; errors like Prisma', async () => {
    const { name: db, url } = await newDatabase();
    const dir = writeMigrations({
      '01_a': 'CREATE TABLE `A` (`id` INTEGER NOT NULL);\n',
      '02_b': 'CREATE TABLE `B` (`id` INTEGER NOT NULL);\nSELECT * FROM `Missing`;\n',
      '03_c': 'CREATE TABLE `C` (`id` INTEGER NOT NULL);\n',
    });
    await withBackend(url, async (backend) => {
      // Baselining on a database without the table creates it.
      await backend.markApplied(readMigrationsFolder(dir), '01_a');
      let rows = await rawRows(db);
      assert.equal(rows.length, 1);
      const row = rows[0]!;
      assert.match(row.id, UUID_V4);
      assert.equal(row.checksum, sha256('CREATE TABLE `A` (`id` INTEGER NOT NULL);\n'));
      assert.equal(row.logs, '');
      assert.equal(row.started_at, row.finished_at);
      assert.equal(row.applied_steps_count, 0);
      assert.equal(row.rolled_back_at, null);
      assert.deepEqual(await tableNames(db), ['_prisma_migrations']);

      await expectMigrateError(backend.markApplied(readMigrationsFolder(dir), '01_a'), 'state').then((e) =>
        assert.equal(e.message, 'The migration `01_a` is already recorded as applied in the database.'),
      );
      await expectMigrateError(backend.markApplied(readMigrationsFolder(dir), '99_nope'), 'migrationsFolder').then((e) =>
        assert.match(e.message, /^The migration 99_nope could not be found\./),
      );

      await expectMigrateError(backend.applyPending(readMigrationsFolder(dir)), 'migrationFailed');
      await backend.markApplied(readMigrationsFolder(dir), '02_b');
      rows = await rawRows(db);
      const b = rows.filter((r) => r.migration_name === '02_b');
      assert.equal(b.length, 2);
      assert.ok(b[0]!.rolled_back_at !== null && b[0]!.finished_at === null, 'the failed attempt is marked rolled back');
      assert.ok(b[1]!.finished_at !== null && b[1]!.logs === '', 'then a new applied row');

      assert.deepEqual(await backend.applyPending(readMigrationsFolder(dir)), ['03_c']);
      assert.deepEqual(
        migrationStatuses(readMigrationsFolder(dir).migrations, (await backend.readMigrationRows())!).map((s) => s.status),
        ['applied', 'applied', 'applied'],
      );
    });
  });

  test('markRolledBack only accepts failed migrations', async () => {
    const { url } = await newDatabase();
    const dir = writeMigrations({ '01_a': 'CREATE TABLE `A` (`id` INTEGER NOT NULL);\n' });
    await withBackend(url, async (backend) => {
      await backend.applyPending(readMigrationsFolder(dir));
      const unknown = await expectMigrateError(backend.markRolledBack('02_never'), 'state');
      assert.match(unknown.message, /^Migration `02_never` cannot be rolled back because it was never applied to the database\./);
      const applied = await expectMigrateError(backend.markRolledBack('01_a'), 'state');
      assert.equal(applied.message, 'Migration `01_a` cannot be rolled back because it is not in a failed state.');
    });
  });

  test('an edited migration shows as edited; a CRLF-only change does not', async () => {
    const { url } = await newDatabase();
    const script = 'CREATE TABLE `A` (`id` INTEGER NOT NULL);\nCREATE TABLE `B` (`id` INTEGER NOT NULL);\n';
    const dir = writeMigrations({ '01_a': script });
    await withBackend(url, async (backend) => {
      await backend.applyPending(readMigrationsFolder(dir));
      const rows = (await backend.readMigrationRows())!;

      writeScript(dir, '01_a', script.replace(/\n/g, '\r\n'));
      assert.equal(migrationStatuses(readMigrationsFolder(dir).migrations, rows)[0]!.status, 'applied');

      writeScript(dir, '01_a', `${script}CREATE TABLE \`C\` (\`id\` INTEGER NOT NULL);\n`);
      assert.equal(migrationStatuses(readMigrationsFolder(dir).migrations, rows)[0]!.status, 'edited');
      // Deploy, like Prisma's, does not re-run or refuse an edited migration.
      assert.deepEqual(await backend.applyPending(readMigrationsFolder(dir)), []);
    });
  });

  test('reset empties the database (drop and recreate, as Prisma does on MySQL)', async () => {
    const { name: db, url } = await newDatabase();
    const dir = writeMigrations(THREE);
    await admin.query(`CREATE VIEW \`${db}\`.v AS SELECT 1 AS one`);
    await withBackend(url, async (backend) => {
      await backend.applyPending(readMigrationsFolder(dir));
      assert.ok((await tableNames(db)).length > 3);
      await backend.reset();
      assert.deepEqual(await tableNames(db), []);
      assert.equal(await backend.readMigrationRows(), null);
      // The same backend keeps working on the recreated database.
      assert.equal((await backend.applyPending(readMigrationsFolder(dir))).length, 3);
    });
  });

  test('without the right to drop the database, reset drops views, foreign keys and tables instead', async () => {
    const { name: db, url } = await newDatabase();
    await withBackend(url, (backend) => backend.applyPending(readMigrationsFolder(writeMigrations(THREE))));
    await admin.query(`CREATE VIEW \`${db}\`.v AS SELECT 1 AS one`);
    const user = randomName('pm_user');
    const password = randomBytes(8).toString('hex');
    await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    cleanups.push(async () => {
      await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
    });
    // Everything on the database but DROP, which is granted per table only: DROP DATABASE is refused.
    await admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, REFERENCES, CREATE VIEW, SHOW VIEW ON \`${db}\`.* TO '${user}'@'%'`);
    for (const table of ['User', 'Post', '_prisma_migrations', 'v']) await admin.query(`GRANT DROP ON \`${db}\`.\`${table}\` TO '${user}'@'%'`);
    await withBackend(url.replace('root@', `${user}:${password}@`), (backend) => backend.reset());
    assert.deepEqual(await tableNames(db), []);
  });

  test("waits for Prisma's advisory lock held by another session", async () => {
    const { name: db, url } = await newDatabase();
    const [held]: Array<{ l: unknown }> = await admin.query("SELECT GET_LOCK('prisma_migrate', 0) AS l");
    assert.equal(Number(held!.l), 1);
    const started = Date.now();
    await withBackend(url, async (backend) => {
      const applying = backend.applyPending(readMigrationsFolder(writeMigrations(THREE)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(await tableNames(db), [], 'nothing happens while the lock is held');
      await admin.query("SELECT RELEASE_LOCK('prisma_migrate')");
      assert.equal((await applying).length, 3);
      assert.ok(Date.now() - started >= 300);
      // Released afterwards, so another session can take it at once.
      const [again]: Array<{ l: unknown }> = await admin.query("SELECT GET_LOCK('prisma_migrate', 0) AS l");
      assert.equal(Number(again!.l), 1);
      await admin.query("SELECT RELEASE_LOCK('prisma_migrate')");
    });
  });

  test('concurrent calls on one backend are serialised', async () => {
    const { url } = await newDatabase();
    const dir = writeMigrations(THREE);
    await withBackend(url, async (backend) => {
      const [applied, rows, again] = await Promise.all([
        backend.applyPending(readMigrationsFolder(dir)),
        backend.readMigrationRows(),
        backend.applyPending(readMigrationsFolder(dir)),
      ]);
      assert.equal(applied.length, 3);
      assert.equal(rows?.length, 3);
      assert.deepEqual(again, []);
    });
  });

  test('scripts run whole: `;` in string literals, comments, several statements, a trigger body', async () => {
    const { name: db, url } = await newDatabase();
    const script = [
      '-- a comment; with a semicolon',
      'CREATE TABLE `T` (`id` INTEGER NOT NULL, `s` VARCHAR(100) NOT NULL);',
      "INSERT INTO `T` VALUES (1, 'a;b'), (2, 'it''s; fine'), (3, \"dq; \\\" ok\"), (4, 'q?');",
      '/* block; comment */ INSERT INTO `T` VALUES (5, `s`);'.replace('`s`', "'x'"),
      'CREATE TRIGGER `T_bi` BEFORE INSERT ON `T` FOR EACH ROW BEGIN',
      "  SET NEW.s = CONCAT(NEW.s, ';t');",
      '  SET NEW.id = NEW.id + 100;',
      'END;',
      "INSERT INTO `T` VALUES (6, 'trig');",
      '',
    ].join('\n');
    const dir = writeMigrations({ '01_strings': script });
    await withBackend(url, (backend) => backend.applyPending(readMigrationsFolder(dir)));
    const rows: Array<{ id: number; s: string }> = await admin.query(`SELECT id, s FROM \`${db}\`.T ORDER BY id`);
    assert.deepEqual(
      rows.map((r) => [r.id, r.s]),
      [
        [1, 'a;b'],
        [2, "it's; fine"],
        [3, 'dq; " ok'],
        [4, 'q?'],
        [5, 'x'],
        [106, 'trig;t'],
      ],
    );
    assert.equal((await rawRows(db))[0]!.applied_steps_count, 1);
  });

  test('DELIMITER fails on the server as under Prisma, with a hint', async () => {
    const { name: db, url } = await newDatabase();
    const script = 'CREATE TABLE `T` (`id` INTEGER NOT NULL);\nDELIMITER $$\nCREATE TRIGGER t BEFORE INSERT ON `T` FOR EACH ROW BEGIN SET NEW.id = 1; END$$\nDELIMITER ;\n';
    const dir = writeMigrations({ '01_delim': script });
    await withBackend(url, async (backend) => {
      const error = await expectMigrateError(backend.applyPending(readMigrationsFolder(dir)), 'migrationFailed');
      assert.match(error.message, /query number 2/);
      assert.match(error.message, /MySQL error 1064/);
      assert.match(error.message, /DELIMITER, a command of the mysql command-line client/);
    });
    const [row] = await rawRows(db);
    assert.equal(row!.finished_at, null);
    assert.match(row!.logs!, /Database error code: 1064\n/);
    assert.match(row!.logs!, /Please check the query number 2 from the migration file\.\n\n$/);
    assert.deepEqual(await tableNames(db), ['T', '_prisma_migrations']);
  });

  test('deploy refuses a non-empty database without _prisma_migrations (P3005)', async () => {
    const { name: db, url } = await newDatabase();
    await admin.query(`CREATE TABLE \`${db}\`.existing (id INT)`);
    const dir = writeMigrations(THREE);
    const error = await withBackend(url, (backend) => expectMigrateError(backend.applyPending(readMigrationsFolder(dir)), 'state'));
    assert.match(error.message, /^The database schema is not empty\./);
    assert.deepEqual(await tableNames(db), ['existing']);
  });

  test('a migration_lock.toml for another provider is refused (P3019)', async () => {
    const { name: db, url } = await newDatabase();
    const dir = writeMigrations(THREE, 'postgresql');
    const error = await withBackend(url, (backend) =>
      expectMigrateError(backend.applyPending(readMigrationsFolder(dir)), 'migrationsFolder'),
    );
    assert.match(error.message, /does not match the one specified in the migration_lock\.toml, `postgresql`/);
    assert.deepEqual(await tableNames(db), []);
  });

  test('a folder without migration.sql stops the deploy when reached', async () => {
    const { name: db, url } = await newDatabase();
    const dir = writeMigrations({ '01_a': 'CREATE TABLE `A` (`id` INTEGER NOT NULL);\n', '02_empty': null, '03_c': 'SELECT 1;' });
    const error = await withBackend(url, (backend) =>
      expectMigrateError(backend.applyPending(readMigrationsFolder(dir)), 'migrationsFolder'),
    );
    assert.equal(error.details?.migration, '02_empty');
    assert.deepEqual(
      (await rawRows(db)).map((r) => r.migration_name),
      ['01_a'],
    );
  });

  test('cancelling stops between migrations', async () => {
    const { name: db, url } = await newDatabase();
    const dir = writeMigrations(THREE);
    const controller = new AbortController();
    await withBackend(url, async (backend) => {
      const error = await expectMigrateError(
        backend.applyPending(readMigrationsFolder(dir), {
          signal: controller.signal,
          onMigrationStart: () => controller.abort(),
        }),
        'cancelled',
      );
      assert.match(error.message, /after applying 1 of 3/);
    });
    const rows = await rawRows(db);
    assert.deepEqual(
      rows.map((r) => [r.migration_name, r.finished_at !== null]),
      [['20240101000000_init', true]],
    );
  });

  test("timestamps are UTC whatever Node's time zone", async () => {
    const { name: db, url } = await newDatabase();
    const dir = writeMigrations({ '01_a': 'SELECT 1;' });
    const previous = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata';
    try {
      assert.equal(new Date(Date.UTC(2024, 0, 1)).getHours(), 5, 'TZ change took effect');
      const t0 = Date.now();
      const read = await withBackend(url, async (backend) => {
        await backend.applyPending(readMigrationsFolder(dir));
        return (await backend.readMigrationRows())!;
      });
      const [raw] = await rawRows(db);
      assert.equal(read[0]!.startedAt.toISOString(), `${raw!.started_at.replace(' ', 'T')}Z`);
      assert.ok(Math.abs(read[0]!.startedAt.getTime() - t0) < 60_000);
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });
});

describe('MySQL connection errors', () => {
  test('a closed port is unreachable, fast', async () => {
    const started = Date.now();
    const error = await expectMigrateError(openMysqlBackend('mysql://root:hunter2pw@127.0.0.1:1/whatever'), 'unreachable');
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    assert.ok(!error.message.includes('hunter2pw'));
    assert.match(error.message, /127\.0\.0\.1:1/);
  });

  test('a wrong password is an auth error that never shows the password', async () => {
    const user = randomName('pm_user');
    const password = `Right-${randomBytes(8).toString('hex')}`;
    const wrong = `Wrong-${randomBytes(8).toString('hex')}`;
    await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    await admin.query(`CREATE USER '${user}'@'localhost' IDENTIFIED BY '${password}'`);
    cleanups.push(async () => {
      await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
      await admin.query(`DROP USER IF EXISTS '${user}'@'localhost'`);
    });
    const { url } = await newDatabase();
    const wrongUrl = url.replace('root@', `${user}:${encodeURIComponent(wrong)}@`);
    const started = Date.now();
    const error = await expectMigrateError(openMysqlBackend(wrongUrl), 'auth');
    assert.ok(Date.now() - started < 3000);
    for (const text of [error.message, util.inspect(error, { depth: 10 }), JSON.stringify(error), String(error.stack)]) {
      assert.ok(!text.includes(wrong), 'the wrong password leaked');
      assert.ok(!text.includes(password), 'the right password leaked');
    }
    assert.match(error.message, new RegExp(user));
  });

  test('an unknown database is missingDatabase with its name', async () => {
    const name = randomName('pm_missing');
    const error = await expectMigrateError(openMysqlBackend(`mysql://root@${HOST}:${PORT}/${name}`), 'missingDatabase');
    assert.equal(error.details?.databaseName, name);
    assert.match(error.message, new RegExp(`Database \`${name}\` does not exist`));
  });

  test('system databases and URLs without a database are refused before connecting', async () => {
    await expectMigrateError(openMysqlBackend(`mysql://root@${HOST}:${PORT}/mysql`), 'config');
    await expectMigrateError(openMysqlBackend(`mysql://root@${HOST}:${PORT}`), 'config');
    await expectMigrateError(openMysqlBackend(`mysql://root:secretpw@${HOST}:${PORT}/`), 'config').then((e) =>
      assert.ok(!e.message.includes('secretpw')),
    );
    await expectMigrateError(openMysqlBackend('not a url :secretpw@'), 'config').then((e) => assert.ok(!e.message.includes('secretpw')));
  });
});

describe('MySQL URL and script helpers', () => {
  test('URLs are read like Prisma reads them', () => {
    const plain = parseMysqlUrl('mysql://jo%40x:p%3Ass@db.example.com/app');
    assert.deepEqual(
      [plain.config.user, plain.config.password, plain.config.host, plain.config.port, plain.database, plain.config.connectTimeout],
      ['jo@x', 'p:ss', 'db.example.com', 3306, 'app', 5000],
    );
    assert.equal(plain.config.ssl, undefined);
    assert.equal(plain.display, 'mysql://db.example.com/app');

    const socket = parseMysqlUrl('mysql://root@localhost/app?socket=(/run/mysqld/mysqld.sock)&connect_timeout=0&pool_timeout=3');
    assert.equal(socket.config.socketPath, '/run/mysqld/mysqld.sock');
    assert.equal(socket.config.host, undefined);
    assert.equal(socket.config.connectTimeout, 0);
    assert.equal(socket.poolTimeoutMs, 3000);

    assert.deepEqual(parseMysqlUrl('mysql://root@h/app?sslaccept=strict').config.ssl, { rejectUnauthorized: true });
    assert.deepEqual(parseMysqlUrl('mysql://root@h/app?sslaccept=accept_invalid_certs').config.ssl, { rejectUnauthorized: false });
    assert.equal(parseMysqlUrl('mysql://root@[::1]:3307/app').config.host, '::1');
    assert.equal(parseMysqlUrl('mysql://root@x.psdb.cloud/app').isPlanetScale, true);
    assert.throws(() => parseMysqlUrl('mysql://root@h/app?connect_timeout=soon'), (e: unknown) => isMigrateError(e) && e.kind === 'config');
    assert.throws(() => parseMysqlUrl('postgresql://root@h/app'), (e: unknown) => isMigrateError(e) && e.kind === 'config');
  });

  test('statement display follows the server count and gives up on compound statements', () => {
    const script = "-- c;\nCREATE TABLE a (s TEXT DEFAULT 'x;y');\n# x;\nINSERT INTO a VALUES (\"q\\\";\");\n/* ; */ SELECT 1;;SELECT 2";
    const { statements } = splitStatements(script);
    assert.equal(statements.length, 5);
    assert.equal(statementForDisplay(script, 1), "-- c;\nCREATE TABLE a (s TEXT DEFAULT 'x;y')");
    assert.equal(statementForDisplay(script, 2), '# x;\nINSERT INTO a VALUES ("q\\";")');
    assert.equal(statementForDisplay(script, 4), undefined, 'the empty query between ;; has no text');
    assert.equal(statementForDisplay(script, 5), 'SELECT 2');
    assert.equal(statementForDisplay('CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.s = 1; END;', 1), undefined);
  });
});
