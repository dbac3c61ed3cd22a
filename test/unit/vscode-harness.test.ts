// The VS Code test harness's own failure paths and packaging logic (test/e2e, scripts/vscode-env.ts):
// fast, no code-server or browser needed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildToolsProblem, chromiumPath, vscodeEnvPaths } from '../../scripts/vscode-env';
import { createRunFolder, startCodeServer } from '../e2e/codeServer';
import { groupMembers, runCleanups, spawnGroup } from '../e2e/processes';
import { runtimeClosure, zipEntries } from '../e2e/vsix';
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

describe('the .vsix runtime closure', () => {
  const bundle = path.join(root, 'dist', 'extension.js');
  // The extension's start-up bundle requires the core's on first use (esbuild.mjs): the externals are the core's.
  const bundles = [bundle, path.join(root, 'dist', 'core.js')];

  it("holds the bundles' external packages and libsql's prebuilt binary for this platform", { skip: !existsSync(bundle) && 'run npm run build first' }, () => {
    const closure = runtimeClosure(root, bundles);
    for (const name of ['@libsql/client', '@prisma/config', '@electric-sql/pglite']) assert.ok(closure.roots.includes(name), `${name} in ${closure.roots.join(', ')}`);
    for (const dir of ['node_modules/libsql', 'node_modules/@libsql/linux-x64-gnu', 'node_modules/jiti', 'node_modules/c12']) {
      assert.ok(closure.dirs.includes(dir), `${dir} in the closure`);
    }
    // Bundled packages stay out.
    for (const dir of ['node_modules/@prisma/internals', 'node_modules/@prisma/migrate', 'node_modules/typescript']) assert.ok(!closure.dirs.includes(dir), dir);
  });

  it('reads the entries of a zip file', () => {
    const vsix = path.join(root, '.cache', 'vsix', 'prisma-migrations-0.1.0-linux-x64.vsix');
    if (!existsSync(vsix)) return;
    const entries = zipEntries(vsix);
    assert.ok(entries.includes('extension/package.json'));
    assert.ok(entries.includes('extension/node_modules/@libsql/linux-x64-gnu/index.node'));
  });
});
