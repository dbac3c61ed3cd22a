// The VS Code test harness's own failure paths and packaging logic (test/e2e, scripts/vscode-env.ts):
// fast, no code-server or browser needed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildToolsProblem, chromiumPath, vscodeEnvPaths } from '../../scripts/vscode-env';
import { createRunFolder, startCodeServer } from '../e2e/codeServer';
import { groupMembers, runCleanups, spawnGroup } from '../e2e/processes';
import { externalLoads, extractZip, neverLoaded, packageExtension, type PackagedExtension } from '../e2e/vsix';
import { launchChromium } from '../e2e/workbench';

const root = path.resolve(__dirname, '../..');

describe('the VS Code harness fails loudly', () => {
  after(() => runCleanups());

  it('names a Chromium path that does not exist (CHROMIUM_PATH)', async (t) => {
    t.after(() => delete process.env.CHROMIUM_PATH);
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    assert.throws(() => chromiumPath(), /Chromium cannot start: \/nonexistent\/chromium does not exist.*CHROMIUM_PATH/);
    await assert.rejects(launchChromium(path.join(tmpdir(), 'unused-profile')), /Chromium cannot start: \/nonexistent\/chromium/);
  });

  it('names the browser when it starts but is no Chromium', async (t) => {
    t.after(() => delete process.env.CHROMIUM_PATH);
    process.env.CHROMIUM_PATH = '/bin/false';
    const profile = mkdtempSync(path.join(tmpdir(), 'pmv-profile-'));
    t.after(() => rmSync(profile, { recursive: true, force: true }));
    await assert.rejects(launchChromium(profile), /Chromium cannot start \(\/bin\/false\)/);
  });

  it('exits non-zero from the whole harness, before installing anything, when Chromium is missing', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'test/e2e/run.ts')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' },
      timeout: 60_000,
    });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /VS Code tests could not run:.*Chromium cannot start: \/nonexistent\/chromium does not exist/);
  });

  it('names the build tools missing for code-server and the command that installs them', (t) => {
    const bin = mkdtempSync(path.join(tmpdir(), 'pmv-bin-'));
    t.after(() => rmSync(bin, { recursive: true, force: true }));
    for (const tool of ['g++', 'make']) writeFileSync(path.join(bin, tool), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(path.join(bin, 'python3'), '', { mode: 0o644 }); // not executable: not a python3
    assert.match(buildToolsProblem(`/nonexistent${path.delimiter}${bin}`) ?? '', /python3 is not on PATH\. Install it first: apt-get install -y python3$/);
    assert.match(buildToolsProblem('') ?? '', /g\+\+, make, python3 are not on PATH\. Install them first: apt-get install -y g\+\+ make python3$/);
    chmodSync(path.join(bin, 'python3'), 0o755);
    assert.equal(buildToolsProblem(bin), undefined);
  });

  it('names code-server when its entry script is missing', async () => {
    const env = { ...vscodeEnvPaths(), codeServer: '/nonexistent/code-server/out/node/entry.js' };
    const run = createRunFolder();
    await assert.rejects(startCodeServer(env, run), /code-server cannot start: \/nonexistent\/code-server\/out\/node\/entry\.js does not exist/);
  });

  it('names code-server when the Node that runs it is missing', async () => {
    const env = { ...vscodeEnvPaths(), node: '/nonexistent/node', codeServer: __filename };
    const run = createRunFolder();
    await assert.rejects(startCodeServer(env, run), /code-server cannot start: \/nonexistent\/node: no such file/);
  });

  it('shows code-server output when it exits before listening', async () => {
    const run = createRunFolder();
    const fake = path.join(run.root, 'fake-code-server.js');
    writeFileSync(fake, "console.error('error EADDRINUSE: address already in use 127.0.0.1:8080'); process.exit(3);\n");
    const env = { ...vscodeEnvPaths(), node: process.execPath, codeServer: fake };
    await assert.rejects(startCodeServer(env, run, { timeoutMs: 20_000 }), /code-server exited \(exit 3\) before listening:\nerror EADDRINUSE/);
  });
});

describe('process groups', () => {
  it('stop() ends the leader and what it started, leaving no member of the group', async () => {
    const group = await spawnGroup('sh', '/bin/sh', ['-c', 'sleep 60 & sleep 60 & wait']);
    assert.ok((await pollMembers(group.pid, (n) => n >= 3)) >= 3, 'the shell and its two sleeps');
    await group.stop();
    assert.deepEqual(groupMembers(group.pid), []);
  });

  it('SIGKILLs a group that ignores SIGTERM', async () => {
    const group = await spawnGroup('sh', '/bin/sh', ['-c', "trap '' TERM; sleep 60 & wait; sleep 60"]);
    await pollMembers(group.pid, (n) => n >= 2);
    await group.stop(200);
    assert.deepEqual(groupMembers(group.pid), []);
  });

  it('Ctrl-C says what it stops, which is only what was started, and stops it', () => {
    const script = `
      import { onCleanup, spawnGroup, stopEverythingOnSignals } from ${JSON.stringify(path.join(root, 'test/e2e/processes.ts'))};
      stopEverythingOnSignals();
      onCleanup('removing /tmp/pmv-fake', () => undefined);
      const group = await spawnGroup('a sleeper', '/bin/sleep', ['60']);
      console.log(group.pid);
      process.kill(process.pid, 'SIGINT');
    `;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 130, result.stdout + result.stderr);
    assert.equal(result.stderr.trim(), 'SIGINT: stopping a sleeper, removing /tmp/pmv-fake …');
    assert.deepEqual(groupMembers(Number(result.stdout)), []);
  });
});

async function pollMembers(pgid: number, ok: (count: number) => boolean): Promise<number> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const count = groupMembers(pgid).length;
    if (ok(count) || Date.now() > deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the packaged .vsix', () => {
  const built = existsSync(path.join(root, 'dist', 'extension.js'));
  let packaged: PackagedExtension;
  let extensionDir: string;

  before(async () => {
    if (!built) return;
    packaged = await packageExtension({ outDir: path.join(root, '.cache', 'vsix') });
    const unpacked = mkdtempSync(path.join(tmpdir(), 'pmv-vsix-'));
    extractZip(packaged.vsix, unpacked);
    extensionDir = path.join(unpacked, 'extension');
  });
  after(() => extensionDir && rmSync(path.dirname(extensionDir), { recursive: true, force: true }));

  const skip = !built && 'run npm run build first';

  it('is one package for every platform, at most 15 MB, with no native binary and no libsql', { skip }, (t) => {
    t.diagnostic(`${packaged.vsix}: ${(packaged.bytes / 1e6).toFixed(2)} MB, ${packaged.files.length} files`);
    assert.ok(packaged.bytes <= 15_000_000, `${(packaged.bytes / 1e6).toFixed(2)} MB`);
    assert.doesNotMatch(readFileSync(path.join(path.dirname(extensionDir), 'extension.vsixmanifest'), 'utf8'), /TargetPlatform/);
    const unwanted = packaged.files.filter((file) => /\.node$|\.map$|\.[cm]?ts$|(?:^|\/)node_modules\/(?:libsql|@libsql)\//.test(file));
    assert.deepEqual(unwanted, []);
    assert.ok(!packaged.closure.dirs.some((dir) => /libsql/.test(dir)), packaged.closure.dirs.join(', '));
  });

  it("ships the bundles the extension loads and nothing else of dist/ (not the CLI's)", { skip }, () => {
    const dist = packaged.files.filter((file) => file.startsWith('dist/'));
    assert.deepEqual(dist, [
      'dist/core.js',
      'dist/extension.js',
      'dist/language-client.js',
      'dist/mariadb-driver.js',
      'dist/prisma-migrate.js',
      'dist/prisma_schema_build_bg.wasm',
      'dist/schema_engine_bg.wasm',
      'dist/server.js',
    ]);
    // Every bundle a shipped bundle requires is shipped, but libsql's: node:sqlite stands in for it in VS Code.
    const required = dist
      .filter((file) => file.endsWith('.js'))
      .flatMap((file) => [...readFileSync(path.join(extensionDir, file), 'utf8').matchAll(/require\("\.\/([\w.-]+\.js)"\)/g)].map((m) => `dist/${m[1]}`));
    assert.deepEqual([...new Set(required)].filter((file) => !dist.includes(file)), ['dist/sqlite-libsql.js']);
  });

  it('leaves out only code that each never-loaded rule still finds in its package', { skip }, () => {
    for (const [dir, never] of neverLoaded(root)) {
      const files = (readdirSync(path.join(root, dir), { recursive: true }) as string[]).map((file) => file.split(path.sep).join('/'));
      assert.ok(files.some(never), `the rule for ${dir} matches no file any more: drop it`);
      const shipped = packaged.files.filter((file) => file.startsWith(`${dir}/`)).map((file) => file.slice(dir.length + 1));
      assert.deepEqual(shipped.filter(never), [], dir);
    }
  });

  it("loads every package its bundles load from its own node_modules, reads a prisma.config.ts and runs PGlite with a contrib extension", { skip }, () => {
    const bundles = packaged.files.filter((file) => /^dist\/[^/]+\.js$/.test(file)).map((file) => path.join(extensionDir, file));
    const loads = externalLoads(bundles).filter((load) => !packaged.closure.skipped.includes(load.specifier));
    const project = mkdtempSync(path.join(tmpdir(), 'pmv-config-'));
    mkdirSync(path.join(project, 'db', 'history'), { recursive: true });
    writeFileSync(path.join(project, 'db', 'schema.prisma'), 'datasource db {\n  provider = "sqlite"\n}\n');
    writeFileSync(path.join(project, 'prisma.config.ts'), "import { defineConfig } from 'prisma/config';\nexport default defineConfig({ schema: 'db/schema.prisma', migrations: { path: 'db/history' } });\n");
    const check = path.join(extensionDir, 'load-check.mjs');
    writeFileSync(
      check,
      [
        "import { createRequire } from 'node:module';",
        'const require = createRequire(import.meta.url);',
        `for (const { specifier, how } of ${JSON.stringify(loads)}) how === 'require' ? require(specifier) : await import(specifier);`,
        "const core = require('./dist/core.js');",
        `const project = await core.discoverProject({ cwd: ${JSON.stringify(project)}, trusted: true });`,
        'console.log(project.migrationsDir);',
        "const { PGlite } = require('@electric-sql/pglite');",
        "const { pgcrypto } = await import('@electric-sql/pglite/contrib/pgcrypto');",
        'const db = await PGlite.create({ extensions: { pgcrypto } });',
        "await db.exec('CREATE EXTENSION pgcrypto');",
        "console.log((await db.query(\"SELECT encode(digest('x', 'sha1'), 'hex') AS h\")).rows[0].h);",
        'await db.close();',
      ].join('\n'),
    );
    try {
      const result = spawnSync(process.execPath, [check], { cwd: extensionDir, encoding: 'utf8', timeout: 60_000 });
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(result.stdout.trim().split('\n'), [path.join(project, 'db', 'history'), '11f6ad8ec52a2984abaafd7c3b516503785c2072']);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
