// Prisma 6 projects as they are, through the shipped bin (real stdout and stderr): removed preview
// features, the 6.5 schema-folder layout, a config that prints while it loads, and URL warnings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

const BUNDLE = path.resolve(__dirname, '../../dist/cli.js');
const FIXTURES = path.resolve(__dirname, '../fixtures');

/** The fixtures' .env files say DATABASE_URL; the machine's own must not override them. */
const { DATABASE_URL: _machine, ...ENV } = process.env;

/** A copy of a fixture project in the temp folder, and the bin run in it. */
function project(name: string) {
  const root = mkdtempSync(path.join(tmpdir(), `pm-${name}-`));
  cpSync(path.join(FIXTURES, name), root, { recursive: true });
  return {
    root,
    run: (...args: string[]) => {
      const result = spawnSync(process.execPath, [BUNDLE, ...args], { cwd: root, encoding: 'utf8', env: ENV });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

before(() => assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build first`));

describe('a Prisma 6 schema naming preview features Prisma 7 removed', () => {
  const p = project('prisma6-removed-preview-features');
  const schemaFile = path.join(p.root, 'prisma', 'schema.prisma');
  const original = readFileSync(schemaFile, 'utf8');
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;
  after(() => p.remove());

  it('applies, diffs and checks, saying once which features the engine reads the schema without', () => {
    assert.equal(p.run('apply').code, 0);
    const diff = p.run('diff', '--from', 'migrations', '--to', 'schema');
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /No difference detected/);
    const check = p.run('check');
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /nothing to check/);
    const notes = check.stderr.split('\n').filter((line) => line.includes('previewFeatures'));
    assert.deepEqual(notes, [`warning: previewFeatures "metrics" (prisma/schema.prisma:${lineOf(original, 'previewFeatures =')}) is not known to Prisma 7's schema engine (removed since Prisma 6, or misspelled): the schema is migrated and checked without it.`]);
  });

  it("reports a schema error at its own line and column in the user's file", () => {
    try {
      writeFileSync(schemaFile, original.replace('email String @unique', 'email Strin @unique'));
      const typo = p.run('check');
      assert.equal(typo.code, 2);
      assert.match(typo.stderr, new RegExp(`^Error: prisma/schema\\.prisma:${lineOf(original, 'email String')}:9: Type "Strin" is neither`, 'm'));
      // An error in the generator: the replay's introspected text once put it lines away from the real one.
      const edited = original.replace('  previewFeatures', '  engineType      = 5\n  previewFeatures');
      writeFileSync(schemaFile, edited);
      const generator = p.run('check', '--ci');
      assert.equal(generator.code, 2);
      assert.match(generator.stderr, new RegExp(`^Error: prisma/schema\\.prisma:${lineOf(edited, 'engineType')}:21: Expected a String value`, 'm'));
    } finally {
      writeFileSync(schemaFile, original);
    }
  });
});

describe("Prisma 6.5's schema folder (prisma/schema/*.prisma, migrations in prisma/migrations)", () => {
  const p = project('prisma65-schema-folder');
  after(() => p.remove());

  it('is found by default, with its migrations, and apply applies them', () => {
    const status = p.run('status', '--json');
    assert.equal(status.code, 1, status.stderr);
    assert.deepEqual((JSON.parse(status.stdout) as { migrations: Array<{ name: string; status: string }> }).migrations.map((m) => [m.name, m.status]), [['20250101000000_init', 'pending']]);
    const apply = p.run('apply');
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(apply.stdout, /Applied 1 migration:\n {2}20250101000000_init/);
  });

  it('is the same project with --schema prisma/schema', () => {
    const status = p.run('status', '--schema', 'prisma/schema');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /20250101000000_init {2}applied/);
  });

  it('apply refuses an empty migrations.path while the folder beside the schema holds migrations, saying where it looked', () => {
    writeFileSync(path.join(p.root, 'prisma.config.ts'), "export default { schema: 'prisma/schema', migrations: { path: 'db/migrations' } };\n");
    try {
      const apply = p.run('apply');
      assert.equal(apply.code, 2);
      assert.match(apply.stderr, /No migrations in \S+db\/migrations, where they were looked for; \S+prisma\/migrations \(the Prisma ≤ 6\.5 default\) has some\. Nothing was applied/);
    } finally {
      rmSync(path.join(p.root, 'prisma.config.ts'));
    }
  });
});

describe('a prisma.config.ts that prints while it loads', () => {
  const p = project('noisy-config');
  after(() => p.remove());

  it('leaves stdout to the machine formats; its lines go to stderr', () => {
    assert.equal(p.run('apply').code, 0);
    p.run('execute', '--file', writeSql(p.root, "INSERT INTO \"User\" VALUES (1, 'a@x');"));
    writeFileSync(path.join(p.root, 'prisma', 'schema.prisma'), readFileSync(path.join(p.root, 'prisma', 'schema.prisma'), 'utf8').replace('  email String @unique\n', ''));
    for (const args of [['status', '--json'], ['check', '--json'], ['check', '--format', 'sarif'], ['check', '--ci', '--format', 'json'], ['verify', '--format', 'json']]) {
      const result = p.run(...args);
      assert.doesNotThrow(() => JSON.parse(result.stdout), `${args.join(' ')} printed: ${result.stdout}`);
      for (const line of ['noisy-config: info', 'noisy-config: log { loaded: true }', 'noisy-config: warn', 'noisy-config: stdout.write']) {
        assert.ok(result.stderr.includes(line), `${args.join(' ')}: ${line} missing from stderr: ${result.stderr}`);
      }
    }
  });
});

describe('an unset variable behind the datasource URL', () => {
  const p = project('prisma6-removed-preview-features');
  after(() => p.remove());

  it('is a warning without --url, and none with it', () => {
    rmSync(path.join(p.root, '.env'));
    assert.match(p.run('status').stderr, /warning: DATABASE_URL is not set \(prisma\/schema\.prisma:10\)/);
    const flagged = p.run('status', '--url', `file:${path.join(p.root, 'given.db')}`);
    assert.equal(flagged.code, 1, flagged.stderr);
    assert.doesNotMatch(flagged.stderr, /is not set/);
  });
});

function writeSql(root: string, sql: string): string {
  const file = path.join(root, 'seed.sql');
  writeFileSync(file, sql);
  return file;
}
