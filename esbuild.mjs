// Bundles the CLI, the extension and the language server into dist/, and copies the WebAssembly engines
// beside the bundles: each glue module loads its `.wasm` by path, and glue and binary must come from the
// same package version. Each process starts from a small bundle; what it needs later is a bundle of its
// own that the small one requires on first use (CommonJS has no shared chunks), so starting up parses
// only the start-up code.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');

const entries = [
  { in: 'src/cli/index.ts', out: 'cli', banner: '#!/usr/bin/env node' },
  { in: 'src/cli/commands.ts', out: 'cli-commands', lazy: true },
  { in: 'src/extension.ts', out: 'extension' },
  { in: 'src/features/projects/coreModule.ts', out: 'core', lazy: true },
  { in: 'src/features/languageClient/clientModule.ts', out: 'language-client', lazy: true },
  { in: 'src/server/server.ts', out: 'server' },
  // Shared by the CLI, the core and the server, each requiring it on first use.
  { in: 'src/core/engine/prismaMigrate.ts', out: 'prisma-migrate', lazy: true },
  { in: 'src/core/db/mariadbDriver.ts', out: 'mariadb-driver', lazy: true },
  // libsql (native) for SQLite where Node has no node:sqlite: the CLI on Node 20. The extension never loads it.
  { in: 'src/core/db/libsqlDriver.ts', out: 'sqlite-libsql', lazy: true },
];

/** The entries other bundles require lazily, by source file without extension: each stays a bundle of its own. */
const lazyEntries = new Map(
  entries.filter((entry) => entry.lazy).map((entry) => [path.resolve(entry.in).replace(/\.ts$/, ''), entry.out]),
);

/** A relative import of a lazy entry, from any other bundle, becomes a require of that entry's bundle. */
function lazyBundles(self) {
  return {
    name: 'lazy-bundles',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const out = lazyEntries.get(path.resolve(args.resolveDir, args.path).replace(/\.(js|ts)$/, ''));
        return out && out !== self ? { path: `./${out}.js`, external: true } : undefined;
      });
    },
  };
}

/** The index of @prisma/internals loads TypeScript and Prisma's CLI helpers: the bundled files of @prisma/migrate get the subset they use. */
const internalsSubset = {
  name: 'prisma-internals-subset',
  setup(b) {
    b.onResolve({ filter: /^@prisma\/internals$/ }, () => ({ path: path.resolve('src/core/engine/prismaInternalsSubset.ts') }));
  },
};

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

/**
 * The build's identity for cached results (src/core/codeVersion.ts), hashed by that module's own code.
 * A `--watch` build has none: its bundles hash the source tree as it is when they run.
 */
async function buildId() {
  const { outputFiles } = await build({ entryPoints: ['src/core/codeVersion.ts'], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'warning' });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', '__dirname', outputFiles[0].text)(module, module.exports, require, path.resolve('src/core'));
  return module.exports.hashTree(process.cwd());
}
const define = watch ? {} : { PRISMA_MIGRATIONS_BUILD: JSON.stringify(await buildId()) };

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
      define,
      external,
      plugins: [lazyBundles(entry.out), internalsSubset],
      banner: entry.banner ? { js: entry.banner } : undefined,
      logLevel: 'warning',
    }),
  ),
);
