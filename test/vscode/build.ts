// Compiles the extension-host suites for the extension host: each suite's index and test files to
// CommonJS under .cache/out/vscode/<suite>/, `vscode` and mocha left external (mocha resolves from the
// repository's node_modules, up the folder tree).
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(__dirname, '../..');
export const suitesOut = path.join(root, '.cache', 'out', 'vscode');

export const suites = {
  /** Workspace: a copy of example/. */
  example: path.join(suitesOut, 'example', 'index.js'),
  /** Workspace: test/fixtures/no-prisma. */
  noPrisma: path.join(suitesOut, 'noPrisma', 'index.js'),
  /** Workspace: a copy of test/fixtures/commands-workspace (a SQLite and a PostgreSQL project). */
  commands: path.join(suitesOut, 'commands', 'index.js'),
  /** Workspace: a copy of example/; no tests, one activation-time sample. */
  activation: path.join(suitesOut, 'activation', 'index.js'),
} as const;

export async function buildSuites(): Promise<void> {
  const entryPoints = Object.keys(suites).flatMap((suite) =>
    readdirSync(path.join(__dirname, suite))
      .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
      .map((name) => path.join(__dirname, suite, name)),
  );
  rmSync(suitesOut, { recursive: true, force: true });
  await build({
    entryPoints,
    outbase: __dirname,
    outdir: suitesOut,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    // pg's optional native binding is never used.
    external: ['vscode', 'mocha', 'pg-native'],
    logLevel: 'warning',
  });
}

if (require.main === module) {
  buildSuites().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
