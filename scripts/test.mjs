// `npm test` after the build and type check: every test file under test/unit, test/server,
// test/integration, test/cli and test/attacks (against the real databases), each file in its own process; then the VS Code tests
// (test/e2e/run.ts: the packaged extension in code-server, extension-host and UI suites).
// Files named `*.node24.test.ts` need node:sqlite: they run under the Node 24 the VS Code tests use,
// installed into .cache/vscode first when missing (scripts/vscode-env.ts).
// `--no-vscode` skips the VS Code step; other arguments go to `node --test`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const suites = ['test/unit', 'test/server', 'test/integration', 'test/cli', 'test/attacks'];

function testFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const args = process.argv.slice(2).filter((arg) => arg !== '--no-vscode');
const files = suites.flatMap(testFiles).sort();
const node24Files = files.filter((file) => file.endsWith('.node24.test.ts'));
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const started = Date.now();
const runTests = (node, testFiles) =>
  spawnSync(node, ['--import', 'tsx', '--test', '--test-concurrency=2', ...args, ...testFiles], { stdio: 'inherit' }).status ?? 1;
let status = runTests(
  process.execPath,
  files.filter((file) => !node24Files.includes(file)),
);
if (node24Files.length > 0) {
  const install = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/vscode-env.ts', '--node'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const node24 = install.stdout.trim().split('\n').at(-1);
  let node24Status = 1;
  if (install.status === 0 && node24) {
    console.log(`\nUnder ${node24}: ${node24Files.join(', ')}`);
    node24Status = runTests(node24, node24Files);
  } else {
    console.error(`\nNode 24 could not be installed: ${node24Files.join(', ')} did not run.`);
  }
  if (status === 0) status = node24Status;
}
console.log(`\n${files.length} test files in ${seconds(started)}`);

let vscode = { status: 0 };
if (!process.argv.includes('--no-vscode')) {
  const vscodeStarted = Date.now();
  console.log('\nVS Code tests (test/e2e/run.ts)');
  vscode = spawnSync(process.execPath, ['--import', 'tsx', 'test/e2e/run.ts'], { stdio: 'inherit' });
  console.log(`\nVS Code tests in ${seconds(vscodeStarted)}`);
}
process.exit(status !== 0 ? status : (vscode.status ?? 1));
