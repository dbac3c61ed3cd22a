// Bundles the CLI (and, as they land, the extension and the language server) into dist/, and copies
// the WebAssembly engines beside the bundles: each glue module loads its `.wasm` by path, and glue and
// binary must come from the same package version.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');

const entries = [
  { in: 'src/cli/index.ts', out: 'cli', banner: '#!/usr/bin/env node' },
  { in: 'src/extension.ts', out: 'extension' },
  { in: 'src/server/server.ts', out: 'server' },
].filter((entry) => existsSync(entry.in));

/** Native (N-API) modules and packages that load their own asset files stay in node_modules. */
const external = [
  'vscode',
  '@libsql/*',
  'libsql',
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  // pglite-socket, and PGlite's extensions published as packages of their own (each loads its tarball from beside itself).
  '@electric-sql/pglite-*',
  // prisma.config.ts runs through c12/jiti, which need their real files (and aliases to them) on disk.
  '@prisma/config',
  'c12',
  'jiti',
  'dotenv',
];

const wasmFiles = [
  path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm')), 'schema_engine_bg.wasm'),
  path.join(path.dirname(require.resolve('@prisma/prisma-schema-wasm')), 'prisma_schema_build_bg.wasm'),
];

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
for (const file of wasmFiles) copyFileSync(file, path.join('dist', path.basename(file)));

await Promise.all(
  entries.map((entry) =>
    build({
      entryPoints: [entry.in],
      outfile: `dist/${entry.out}.js`,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: true,
      minify: !watch,
      keepNames: true,
      external,
      banner: entry.banner ? { js: entry.banner } : undefined,
      logLevel: 'warning',
    }),
  ),
);
