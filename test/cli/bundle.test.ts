import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

const bundle = path.resolve(__dirname, '../../dist/cli.js');
const example = path.resolve(__dirname, '../../example');

/** The shipped bin (dist/cli.js, built by `npm test`) on a copy of the example project. */
describe('the bundled prisma-migrations bin on the example project', () => {
  let dir: string;
  const run = (...args: string[]) => spawnSync(process.execPath, [bundle, ...args], { cwd: dir, encoding: 'utf8' });

  before(() => {
    assert.ok(existsSync(bundle), `${bundle} is missing: run npm run build first`);
    dir = mkdtempSync(path.join(tmpdir(), 'pm-example-'));
    cpSync(example, dir, { recursive: true, filter: (source) => !/dev\.db|\.pglite/.test(source) });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads prisma.config.ts and shows three pending migrations on the embedded SQLite file', () => {
    const result = run('status');
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /prisma\/dev\.db/);
    assert.equal(result.stdout.match(/pending/g)?.length, 3);
  });

  it('applies them, seeds, and check reports the unmigrated rename with the row count', () => {
    assert.equal(run('apply').status, 0);
    assert.equal(run('execute', '--file', 'prisma/seed.sql').status, 0);
    const check = run('check');
    assert.equal(check.status, 1, check.stderr);
    // One finding on `fullName`: the rename the next migration would turn into a drop, with both counts.
    assert.match(check.stdout, /^prisma\/schema\.prisma:17:3 error \[probable-rename\] `fullName` looks like `name` renamed/m);
    assert.match(check.stdout, /There are 2 rows in this table.*still contains 2 non-null values/);
    assert.equal(check.stdout.trim().split('\n').length, 1, check.stdout);
  });

  it('prints one error line, no stack trace, for an unknown option', () => {
    const result = run('status', '--bogus');
    assert.equal(result.status, 2);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });
});
