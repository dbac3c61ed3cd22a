// `npm run test:electron`: the same extension-host suites in desktop VS Code through @vscode/test-electron,
// for machines that can download VS Code (this one cannot: only npm and Debian are reachable, so the
// VS Code tests of `npm test` run in code-server instead, see test/e2e/run.ts). The extension is loaded
// from the repository (dist/ and node_modules/), not from a .vsix.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { exampleFilter, resetExampleDatabase } from '../e2e/example';
import { buildSuites, suites } from './build';

const root = path.resolve(__dirname, '../..');

async function main(): Promise<void> {
  await buildSuites();
  const work = mkdtempSync(path.join(tmpdir(), 'pmv-electron-'));
  try {
    const example = path.join(work, 'example');
    cpSync(path.join(root, 'example'), example, { recursive: true, filter: exampleFilter });
    resetExampleDatabase(example);
    const runs: Array<[folder: string, testsPath: string]> = [
      [example, suites.example],
      [path.join(root, 'test', 'fixtures', 'no-prisma'), suites.noPrisma],
    ];
    for (const [folder, extensionTestsPath] of runs) {
      await runTests({
        version: process.env.VSCODE_VERSION ?? 'stable',
        extensionDevelopmentPath: root,
        extensionTestsPath,
        extensionTestsEnv: { PRISMA_MIGRATIONS_TEST_OUTPUT: 'plain' },
        launchArgs: [
          folder,
          '--disable-extensions',
          '--disable-workspace-trust',
          '--skip-welcome',
          '--skip-release-notes',
          '--user-data-dir',
          path.join(work, 'user-data'),
          '--extensions-dir',
          path.join(work, 'extensions'),
        ],
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
