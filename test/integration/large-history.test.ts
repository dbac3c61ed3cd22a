import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { findingsOf } from '../../src/core/check/findings';
import { createDatabase, openPostgres } from '../../src/core/db/postgres';
import { openSqlite } from '../../src/core/db/sqlite';
import type { EngineDatabase } from '../../src/core/db/target';
import { MigrationEngine } from '../../src/core/engine/migrationEngine';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { readStatus } from '../../src/core/operations/status';
import { discoverProject } from '../../src/core/project/discover';
import type { PrismaProject } from '../../src/core/types';
import { MIGRATION_COUNT, MODEL_COUNT, writeLargeProject, type LargeProject, type LargeProvider } from '../helpers/largeHistory';

// The machine's PostgreSQL server (trust auth); the test works in its own pm_large_<random> database.
const SERVER = process.env.PG_TEST_URL ?? 'postgresql://postgres@127.0.0.1:5432';

/** The model the breaking change is made on: its `note String?` is dropped, a required `code String` added. */
const TARGET = 'Model013';
const ROWS = 3;

interface Fixture {
  open(root: string): Promise<{ database: EngineDatabase; drop(): Promise<void> }>;
}

const FIXTURES: Record<LargeProvider, Fixture> = {
  sqlite: {
    open: async (root) => ({ database: openSqlite(path.join(root, 'dev.db')), drop: async () => {} }),
  },
  postgresql: {
    async open() {
      const name = `pm_large_${randomBytes(6).toString('hex')}`;
      const url = `${SERVER}/${name}`;
      await createDatabase(url);
      const drop = async () => {
        const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
        await admin.connect();
        try {
          await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
        } finally {
          await admin.end();
        }
      };
      try {
        return { database: await openPostgres(url), drop };
      } catch (error) {
        await drop();
        throw error;
      }
    },
  },
};

/** 1-based line of the first line of `text` matching `pattern`. */
function lineOf(text: string, pattern: RegExp): number {
  const index = text.split('\n').findIndex((line) => pattern.test(line));
  assert.ok(index >= 0, `no line matches ${pattern}`);
  return index + 1;
}

// The two databases run side by side (SQLite mostly waits on fsync, PostgreSQL on the server); the
// steps within one database run in order.
describe('a real-size generated project', { concurrency: 2 }, () => {
for (const provider of ['sqlite', 'postgresql'] as const) {
  describe(`a ${MODEL_COUNT}-model, ${MIGRATION_COUNT}-migration history on ${provider}`, { concurrency: 1 }, () => {
    let root: string | undefined;
    let large: LargeProject;
    let project: PrismaProject;
    let database: EngineDatabase | undefined;
    let engine: MigrationEngine | undefined;
    let drop: (() => Promise<void>) | undefined;

    const folder = () => readMigrationsFolder(project.migrationsDir);
    const engineOn = (db: EngineDatabase, p: PrismaProject) => new MigrationEngine({ database: db, schemaFiles: p.engineSchemaFiles, configDir: p.root });

    before(async () => {
      root = mkdtempSync(path.join(tmpdir(), `pm-large-${provider}-`));
      large = await writeLargeProject(provider, root);
      project = await discoverProject({ cwd: root, trusted: true });
      const opened = await FIXTURES[provider].open(root);
      database = opened.database;
      drop = opened.drop;
      engine = engineOn(database, project);
    });

    after(async () => {
      await engine?.dispose().catch(() => undefined);
      await drop?.();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it('discovers the generated project', () => {
      assert.equal(project.provider, provider);
      assert.equal(project.migrationsDir, large.migrationsDir);
      assert.deepEqual(
        folder().migrations.map((m) => m.name),
        large.migrations,
      );
    });

    it(`applies all ${MIGRATION_COUNT} migrations in order`, async () => {
      const before = await readStatus(engine!, folder(), { drift: false });
      assert.equal(before.migrations.filter((m) => m.status === 'pending').length, MIGRATION_COUNT);
      const applied = await engine!.applyPending(folder());
      assert.deepEqual(applied, large.migrations);
    });

    it(`status: ${MIGRATION_COUNT} applied, no drift`, async () => {
      const report = await readStatus(engine!, folder(), { drift: true });
      assert.equal(report.migrations.length, MIGRATION_COUNT);
      assert.deepEqual(
        report.migrations.filter((m) => m.status !== 'applied').map((m) => `${m.name}: ${m.status}`),
        [],
      );
      assert.equal(report.drift, null, report.drift?.summary);
      assert.equal(report.lockfileProvider, provider);
    });

    it('diff migrations → schema is empty (the history reaches exactly the schema)', async () => {
      const diff = await engine!.diff({ kind: 'migrations', folder: folder() }, { kind: 'schema', files: project.engineSchemaFiles }, { script: false });
      assert.equal(diff.hasChanges, false, diff.output);
      const database = await engine!.diff({ kind: 'database' }, { kind: 'schema', files: project.engineSchemaFiles }, { script: false });
      assert.equal(database.hasChanges, false, database.output);
    });

    it('check has no findings', async () => {
      const plan = await engine!.planMigration(folder());
      assert.equal(plan.hasChanges, false, plan.script);
      assert.deepEqual(await findingsOf(project, plan), []);
    });

    it('a dropped column and a new required column on a table with rows: findings with counts and positions', async () => {
      const values = Array.from({ length: ROWS }, (_, i) => `('row ${i}', 'note ${i}')`).join(', ');
      await engine!.execute(`INSERT INTO "${TARGET}" ("title", "note") VALUES ${values}`);

      // Same database, new schema: drop `note`, add `code String` (required, no default) right after `title`.
      const changed = large.schemaText.replace(new RegExp(`(model ${TARGET} \\{[^}]*?)\\n  note[^\\n]*`), '$1').replace(
        new RegExp(`(model ${TARGET} \\{\\n[^\\n]*\\n  title[^\\n]*)`),
        '$1\n  code String',
      );
      assert.notEqual(changed, large.schemaText);
      writeFileSync(large.schemaPath, changed);
      await engine!.dispose();
      engine = undefined;
      project = await discoverProject({ cwd: root!, trusted: true });
      engine = engineOn(database!, project);

      const plan = await engine.planMigration(folder());
      assert.equal(plan.hasChanges, true);
      const findings = await findingsOf(project, plan);
      const byRule = new Map(findings.map((f) => [f.rule, f]));
      assert.deepEqual([...byRule.keys()].sort(), ['dropped-column', 'required-column-without-default'], JSON.stringify(findings, null, 2));

      const dropped = byRule.get('dropped-column')!;
      assert.equal(dropped.severity, 'warning');
      assert.match(dropped.message, new RegExp(`drop the column \`note\` on the \`${TARGET}\` table, which still contains ${ROWS} non-null values`));
      // A dropped field has no line left: the finding sits on its model.
      assert.deepEqual(
        { file: dropped.file, line: dropped.line, column: dropped.column },
        { file: large.schemaPath, line: lineOf(changed, new RegExp(`^model ${TARGET} \\{`)), column: 1 },
      );

      const required = byRule.get('required-column-without-default')!;
      assert.equal(required.severity, 'error');
      assert.match(required.message, new RegExp(`required column \`code\` to the \`${TARGET}\` table without a default value. There are ${ROWS} rows`));
      const modelLine = lineOf(changed, new RegExp(`^model ${TARGET} \\{`));
      const codeLine = modelLine + changed.split('\n').slice(modelLine).findIndex((line) => /^ {2}code String$/.test(line)) + 1;
      assert.deepEqual({ file: required.file, line: required.line, column: required.column }, { file: large.schemaPath, line: codeLine, column: 3 });
    });
  });
}
});
