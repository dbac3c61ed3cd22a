// Attack class: a database password with reserved characters (raw or percent-encoded, in the user info or
// in a `password=`-like parameter) must never be shown — not whole, not encoded, not in part — in labels,
// the log's redaction, errors of failed connections, or any CLI output format.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { databaseLabel } from '../../src/core/connect';
import { parseMysqlUrl } from '../../src/core/db/mysqlConnection';
import { postgresTarget } from '../../src/core/db/postgresServer';
import { errorMessage, MigrateError } from '../../src/core/errors';
import { describeUrl, redactSecrets } from '../../src/core/redact';
import { POSTGRES_SERVER } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';

const RESERVED = ['/', '?', '#', '@', ':', '[', ']', '!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '=', '%', ' ', 'é', '日本', '🔑'];
const CLI = path.resolve(__dirname, '../../dist/cli.js');

/**
 * A password made of three fragments no output would contain by chance, joined by `separator`: finding any
 * fragment in an output is a partial leak.
 */
function secret(separator: string): { password: string; fragments: string[] } {
  const fragments = [0, 1, 2].map(() => `Q${randomBytes(3).toString('hex')}`);
  return { password: fragments.join(separator), fragments };
}

function assertHidden(output: string, { password, fragments }: { password: string; fragments: string[] }, where: string): void {
  for (const form of [password, encodeURIComponent(password), encodeURI(password), ...fragments]) {
    assert.ok(!output.includes(form), `${where} shows ${JSON.stringify(form)} of the password ${JSON.stringify(password)}:\n${output}`);
  }
}

/** The ways a URL carries a password, raw and percent-encoded. */
function urlForms(password: string, base: string, user = 'pm_user'): Array<{ form: string; url: string }> {
  const encoded = encodeURIComponent(password);
  // A function, not a replacement string: the password's `$&` would be read as a pattern.
  const withUserinfo = (userinfo: string) => base.replace('://', () => `://${userinfo}@`);
  return [
    { form: 'raw user info', url: withUserinfo(`${user}:${password}`) },
    { form: 'encoded user info', url: withUserinfo(`${user}:${encoded}`) },
    { form: 'raw password parameter', url: `${withUserinfo(user)}?sslmode=disable&password=${password}` },
    { form: 'encoded password parameter', url: `${withUserinfo(user)}?password=${encoded}&sslmode=disable` },
    { form: 'encoded sslpassword parameter', url: `${withUserinfo(`${user}:${encoded}`)}?sslpassword=${encoded}` },
  ];
}

describe('attack: passwords with reserved characters, read as text (nothing remembered yet)', () => {
  for (const char of [...RESERVED, RESERVED.join('')]) {
    test(`separator ${JSON.stringify(char)}: labels and redacted text hide the password`, () => {
      const s = secret(char);
      for (const { form, url } of [...urlForms(s.password, 'postgresql://db.example.com:5432/app'), ...urlForms(s.password, 'mysql://127.0.0.1:3306/test')]) {
        const where = `${form} (${char})`;
        assertHidden(describeUrl(url), s, `describeUrl, ${where}`);
        assertHidden(databaseLabel({ url, source: 'flag' }), s, `databaseLabel, ${where}`);
        // What the log and error messages pass through: the URL inside a sentence, a stack, a JSON dump.
        assertHidden(redactSecrets(`Error: could not connect to ${url}\n    at connect (x.js:1:1)`), s, `log line, ${where}`);
        assertHidden(redactSecrets(`${url} is unreachable`), s, `log line starting with the URL, ${where}`);
        assertHidden(redactSecrets(JSON.stringify({ url })), s, `JSON dump, ${where}`);
      }
      // libpq keyword/value strings, quoted as libpq quotes (\' and \\ escaped).
      const quoted = `'${s.password.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
      assertHidden(redactSecrets(`host=db.example.com user=pm password=${quoted} dbname=app`), s, `libpq keyword string (${char})`);
      assertHidden(redactSecrets(`{ user: 'pm', password: ${quoted}, host: 'h' }`), s, `driver config dump (${char})`);
    });
  }
});

describe('attack: the same passwords through the drivers\' URL readers', () => {
  for (const char of [...RESERVED, RESERVED.join('')]) {
    test(`separator ${JSON.stringify(char)}: what postgresTarget and parseMysqlUrl show or throw hides the password`, () => {
      const s = secret(char);
      const forms = [
        ...urlForms(s.password, 'postgresql://127.0.0.1:1/app').map((f) => ({ ...f, read: () => postgresTarget(f.url).display })),
        ...urlForms(s.password, 'mysql://127.0.0.1:1/test').map((f) => ({ ...f, read: () => parseMysqlUrl(f.url).display })),
      ];
      for (const { form, url, read } of forms) {
        let shown: string;
        try {
          shown = read();
        } catch (error) {
          shown = errorMessage(error);
        }
        assertHidden(shown, s, `${form} (${char})`);
        // Once a URL was read, any later text that mentions its password is redacted, in whatever form.
        assertHidden(new MigrateError('engine', `failed with ${s.password} and ${encodeURIComponent(s.password)}`).message, s, `later message, ${form}`);
        assertHidden(redactSecrets(`log: ${url}`), s, `later log line, ${form}`);
      }
    });
  }

  test('a raw / ? or # in the password is refused, not read as another host', () => {
    for (const char of ['/', '?', '#']) {
      const url = `postgresql://u:S3cret${char}Pw@127.0.0.1:5432/db`;
      assert.throws(() => postgresTarget(url), (error: unknown) => error instanceof MigrateError && error.kind === 'config' && /percent-encode/i.test(error.message) && !error.message.includes('Pw'));
      assert.throws(() => parseMysqlUrl(url.replace('postgresql', 'mysql')), (error: unknown) => error instanceof MigrateError && /percent-encode/i.test(error.message));
    }
    assert.equal(describeUrl('postgresql://u:12/Pw@127.0.0.1:5432/db'), 'postgresql://127.0.0.1:5432/db');
  });
});

interface Run {
  args: string[];
  code: number;
  output: string;
}

function cli(cwd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ args, code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

/** Two at a time: the machine is shared. */
async function cliAll(cwd: string, runs: string[][]): Promise<Run[]> {
  const results: Run[] = [];
  for (let i = 0; i < runs.length; i += 2) results.push(...(await Promise.all(runs.slice(i, i + 2).map((args) => cli(cwd, args)))));
  return results;
}

describe('attack: the CLI on the PostgreSQL server, with a role whose password has every reserved character', () => {
  const s = secret(RESERVED.join(''));
  const role = `pm_leak_${randomBytes(4).toString('hex')}`;
  const database = role;
  let project: TempProject;
  let admin: pg.Client;
  const host = new URL(POSTGRES_SERVER).host;
  const goodUrl = `postgresql://${role}:${encodeURIComponent(s.password)}@${host}/${database}`;

  before(async () => {
    admin = new pg.Client({ connectionString: `${POSTGRES_SERVER}/postgres` });
    await admin.connect();
    await admin.query(`CREATE ROLE ${pg.escapeIdentifier(role)} LOGIN PASSWORD ${pg.escapeLiteral(s.password)}`);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)} OWNER ${pg.escapeIdentifier(role)}`);
    project = tempProject('postgresql', 'model User {\n  id   Int    @id\n  name String\n}\n');
    project.addMigration('20260101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL);\n');
    // A dropped column: check reports a finding in every format.
    project.writeSchema('model User {\n  id Int @id\n}\n');
  });

  after(async () => {
    project?.remove();
    await admin?.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
    await admin?.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`);
    await admin?.end();
  });

  const commands = (url: string) => [
    ['status', '--url', url],
    ['status', '--json', '--url', url],
    ['check', '--url', url],
    ['check', '--format', 'json', '--url', url],
    ['check', '--format', 'sarif', '--url', url],
    ['check', '--format', 'github', '--url', url],
    ['verify', '--url', url],
  ];

  test('success paths: apply, then every output format, connected with the encoded password', async () => {
    const applied = await cli(project.root, ['apply', '--url', goodUrl]);
    assert.equal(applied.code, 0, applied.output);
    assertHidden(applied.output, s, 'apply');
    const runs = await cliAll(project.root, commands(goodUrl));
    const status = runs.find((r) => r.args.includes('--json') && r.args[0] === 'status')!;
    assert.equal(status.code, 0, status.output);
    assert.match(status.output, /20260101000000_init/);
    assert.match(runs.find((r) => r.args.includes('sarif'))!.output, /"version": ?"2\.1\.0"/);
    for (const run of runs) assertHidden(run.output, s, `prisma-migrations ${run.args.slice(0, -2).join(' ')}`);
  });

  test('failure paths: wrong password, missing database, unreachable server, unencoded password', async () => {
    const wrong = secret(RESERVED.join(''));
    const urls = [
      // The server trusts local connections, so a wrong password is only another secret that must not show.
      ...urlForms(wrong.password, `postgresql://${host}/${database}`, role).map((f) => f.url),
      ...urlForms(s.password, `postgresql://${host}/${database}_missing`, role).map((f) => f.url),
      ...urlForms(s.password, 'postgresql://127.0.0.1:1/app', role).map((f) => f.url),
    ];
    const runs = await cliAll(
      project.root,
      urls.flatMap((url) => [
        ['status', '--json', '--url', url],
        ['check', '--format', 'sarif', '--url', url],
        ['check', '--format', 'github', '--url', url],
        ['apply', '--url', url],
      ]),
    );
    assert.ok(runs.some((r) => r.code !== 0 && /does not exist/.test(r.output)), 'a missing database was reported');
    assert.ok(runs.some((r) => r.code !== 0 && /Can't reach/.test(r.output)), 'an unreachable server was reported');
    assert.ok(runs.some((r) => r.code !== 0 && /percent-encode/i.test(r.output)), 'an unencoded password was refused');
    for (const run of runs) {
      assertHidden(run.output, s, `prisma-migrations ${run.args.slice(0, -2).join(' ')}`);
      assertHidden(run.output, wrong, `prisma-migrations ${run.args.slice(0, -2).join(' ')} (wrong password)`);
    }
  });
});
