import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

const dist = path.resolve(__dirname, '../../dist');
const bundle = path.join(dist, 'cli.js');
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

  it('loads prisma.config.ts and shows four pending migrations on the embedded SQLite file', () => {
    const result = run('status');
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /prisma\/dev\.db/);
    assert.equal(result.stdout.match(/pending/g)?.length, 4);
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

  // The SQLite driver may be a bundle of its own (libsql's, under Node 20) with its own copy of the driver
  // adapter's error class: its errors must still be told apart as the migration's own.
  it('records a failing migration as Prisma does, whichever bundle the SQLite driver came from', () => {
    const broken = path.join(dir, 'prisma', 'migrations', '29990101000000_broken');
    mkdirSync(broken);
    writeFileSync(path.join(broken, 'migration.sql'), 'INSERT INTO "Nope" ("id") VALUES (1);\n');
    try {
      const apply = run('apply');
      assert.equal(apply.status, 2, apply.stderr);
      assert.match(apply.stderr, /^Error: Migration 29990101000000_broken failed: .*no such table: Nope/m);
      const status = run('status', '--verbose');
      assert.match(status.stdout, /Migration name: 29990101000000_broken\n\s*\n\s*Database error code: \w+/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});

/**
 * Starting loads only the start-up bundle: what a run needs later comes from bundles required on first use
 * (esbuild.mjs). A preload script reports, at exit, every file Node loaded as CommonJS.
 */
describe('what starting loads', () => {
  let dir: string;
  let recorder: string;
  let vscodeStub: string;

  before(() => {
    assert.ok(existsSync(bundle), `${bundle} is missing: run npm run build first`);
    dir = mkdtempSync(path.join(tmpdir(), 'pm-startup-'));
    recorder = path.join(dir, 'recorder.js');
    writeFileSync(recorder, `process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));`);
    // Every name @types/vscode declares, constructible and callable, whose properties are again such: enough
    // to load the extension's modules without VS Code.
    const declarations = readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
    const names = [...new Set([...declarations.matchAll(/^\s*export (?:declare )?(?:class|namespace|enum|const|function|let) (\w+)/gm)].map((m) => m[1]))];
    vscodeStub = path.join(dir, 'vscode.js');
    writeFileSync(
      vscodeStub,
      [
        "const stub = () => new Proxy(class {}, { get: (target, key) => (key === 'prototype' ? target.prototype : typeof key === 'symbol' ? undefined : stub()), apply: () => stub() });",
        `for (const name of ${JSON.stringify(names)}) exports[name] = stub();`,
      ].join('\n'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The files a node process loaded, relative to dist/ (outside it: absolute), besides the test's own. */
  function loaded(args: string[], exit = 0): string[] {
    const result = spawnSync(process.execPath, ['--require', recorder, ...args], { cwd: dir, encoding: 'utf8' });
    const line = result.stderr.split('\n').find((l) => l.startsWith('LOADED '));
    assert.ok(line && result.status === exit, `exit ${result.status}: ${result.stderr}`);
    const files = JSON.parse(line.slice('LOADED '.length)) as string[];
    return files.filter((file) => file !== recorder && file !== vscodeStub).map((file) => (file.startsWith(dist) ? path.relative(dist, file) : file));
  }

  /** `node -e` loading `file` with `vscode` resolved to the stub. */
  const withVscodeStub = (file: string) => [
    '-e',
    `const Module = require('module'); const resolve = Module._resolveFilename; Module._resolveFilename = function (request, ...rest) { return request === 'vscode' ? ${JSON.stringify(vscodeStub)} : resolve.call(this, request, ...rest); }; require(${JSON.stringify(file)});`,
  ];

  it('prisma-migrations --help loads dist/cli.js alone: no core, no driver, no Prisma package', () => {
    assert.deepEqual(loaded([bundle, '--help']), ['cli.js']);
  });

  it('an unknown option is answered without loading the commands', () => {
    assert.deepEqual(loaded([bundle, 'status', '--bogus'], 2), ['cli.js']);
  });

  it('loading the extension loads dist/extension.js alone: the core and the language client wait for first use', () => {
    assert.deepEqual(loaded(withVscodeStub(path.join(dist, 'extension.js'))), ['extension.js']);
    // A static import of the core or the language client would put it back into this bundle (7 MB before the split).
    const kb = Math.round(statSync(path.join(dist, 'extension.js')).size / 1024);
    assert.ok(kb < 150, `dist/extension.js is ${kb} KB: something heavy is imported at start-up instead of through loadCore() or the client module`);
  });

  it('the lazily required bundles load, each without the others', () => {
    assert.deepEqual(loaded(withVscodeStub(path.join(dist, 'core.js'))).filter((file) => !path.isAbsolute(file)), ['core.js']);
    assert.deepEqual(loaded(withVscodeStub(path.join(dist, 'language-client.js'))), ['language-client.js']);
    assert.deepEqual(loaded(['-e', `require(${JSON.stringify(path.join(dist, 'cli-commands.js'))})`]).filter((file) => !path.isAbsolute(file)), ['cli-commands.js']);
  });
});
