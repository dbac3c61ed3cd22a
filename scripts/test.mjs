// `npm test` after the build and type check: every test file under test/ (unit and integration against
// the real databases), each file in its own process.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const suites = ['test/unit', 'test/integration', 'test/cli'];

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

const files = suites.flatMap(testFiles).sort();
const started = Date.now();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...process.argv.slice(2), ...files], {
  stdio: 'inherit',
});
console.log(`\n${files.length} test files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(result.status ?? 1);
