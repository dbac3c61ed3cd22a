// `npm test` after the build and type check: every test file under test/unit, test/server,
// test/integration, test/cli and test/attacks (against the real databases), each file in its own process; then the VS Code tests
// (test/e2e/run.ts: the packaged extension in code-server, extension-host and UI suites).
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
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const started = Date.now();
const node = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...args, ...files], {
  stdio: 'inherit',
});
console.log(`\n${files.length} test files in ${seconds(started)}`);

let vscode = { status: 0 };
if (!process.argv.includes('--no-vscode')) {
  const vscodeStarted = Date.now();
  console.log('\nVS Code tests (test/e2e/run.ts)');
  vscode = spawnSync(process.execPath, ['--import', 'tsx', 'test/e2e/run.ts'], { stdio: 'inherit' });
  console.log(`\nVS Code tests in ${seconds(vscodeStarted)}`);
}
process.exit(node.status !== 0 ? (node.status ?? 1) : (vscode.status ?? 1));
