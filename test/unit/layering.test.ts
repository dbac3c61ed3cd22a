import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import * as subset from '../../src/core/engine/prismaInternalsSubset';

const core = path.resolve(__dirname, '../../src/core');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

it('src/core never imports vscode (the CLI and the language server run it outside VS Code)', () => {
  const files = sourceFiles(core);
  assert.ok(files.length > 20, `expected the core sources under ${core}`);
  const offenders = files.filter((file) => /from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(readFileSync(file, 'utf8')));
  assert.deepEqual(offenders, []);
});

it('the language server and what it shares with the client never import vscode or the extension', () => {
  const src = path.resolve(__dirname, '../../src');
  const files = [...sourceFiles(path.join(src, 'server')), ...sourceFiles(path.join(src, 'shared'))];
  assert.ok(files.length >= 3, 'expected the server and shared sources');
  const offenders = files.filter((file) => /from ['"](vscode|vscode-languageclient[^'"]*|\.\.\/features\/[^'"]*|\.\.\/extension)['"]/.test(readFileSync(file, 'utf8')));
  assert.deepEqual(offenders, []);
});

/** Relative modules `file` loads when it runs (type-only imports are erased), resolved to files. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  return specifiers.map((specifier) => {
    if (!specifier.startsWith('.')) return specifier;
    const base = path.resolve(path.dirname(file), specifier);
    return [`${base}.ts`, path.join(base, 'index.ts'), base].find((candidate) => existsSync(candidate)) ?? base;
  });
}

/** Every file reachable from `entry` through `next`. */
function reachable(entry: string, next: (file: string) => string[]): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...next(file));
  }
  return [...seen];
}

/** What `entry` loads when it runs: the files of src it reaches through static imports, and the packages. */
function startupGraph(entry: string): { files: string[]; packages: string[] } {
  const files = reachable(entry, (file) => runtimeImports(file).filter((target) => path.isAbsolute(target)));
  const packages = new Set(files.flatMap((file) => runtimeImports(file).filter((target) => !path.isAbsolute(target))));
  return { files, packages: [...packages] };
}

const src = path.resolve(__dirname, '../../src');
/** Packages that load drivers, engines, Prisma's helpers or the language client: never at start-up. */
const HEAVY_PACKAGES = /^(@prisma|@electric-sql|@libsql|pg$|mariadb|vscode-languageclient)/;

it("activation loads no database driver, engine, schema analysis or language client: they come with the lazily required bundles", () => {
  const { files, packages } = startupGraph(path.join(src, 'extension.ts'));
  // The lazy modules are required by loadCore.ts and languageClient.ts on first use, which this walk does not follow.
  const heavy = files.filter((file) => /[\\/]core[\\/](engine|db|schemaChanges|schema)[\\/]|[\\/]core[\\/]connect\.ts$|coreModule\.ts$|clientModule\.ts$/.test(file));
  assert.deepEqual(heavy.map((file) => path.relative(src, file)), []);
  // A package.json is data (the bundled engine's version), not code.
  assert.deepEqual(packages.filter((p) => HEAVY_PACKAGES.test(p) && !p.endsWith('/package.json')), []);
});

it('the CLI reaches its commands only through the lazily required commands module: --help and argument errors load no core', () => {
  const { files, packages } = startupGraph(path.join(src, 'cli', 'index.ts'));
  const allowed = new Set(['cli/index.ts', 'cli/main.ts', 'cli/arguments.ts', 'cli/help.ts', 'cli/output.ts', 'core/errors.ts', 'core/redact.ts', 'core/check/findingFormats.ts', 'core/migrationTests/testResultFormats.ts', 'core/rehearsal/rehearsalText.ts', 'core/text/byteSize.ts', 'core/text/plainText.ts']);
  assert.deepEqual(files.map((file) => path.relative(src, file)).filter((file) => !allowed.has(file)), []);
  assert.deepEqual(packages.filter((p) => !p.startsWith('node:')), []);
});

const migrateDist = path.dirname(require.resolve('@prisma/migrate/dist/SchemaEngineWasm.js'));

/** The files of @prisma/migrate's dist that `entry` loads, following its relative requires. */
const closure = (entry: string) =>
  reachable(entry, (file) => [...readFileSync(file, 'utf8').matchAll(/require\("(\.[^"]+)"\)/g)].map(([, relative]) => path.resolve(path.dirname(file), relative)));

it('the @prisma/internals subset the bundles get has every name the bundled @prisma/migrate files use', () => {
  // Declarations (src/types) load nothing.
  const code = sourceFiles(src).filter((file) => !file.endsWith('.d.ts'));
  const entries = [...new Set(code.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/'@prisma\/migrate\/dist\/([^']+\.js)'/g)].map((m) => m[1])))];
  assert.deepEqual(entries.sort(), ['SchemaEngineWasm.js', 'utils/promptForMigrationName.js']);
  const used = new Set(entries.flatMap((entry) => closure(path.join(migrateDist, entry))).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bimport_internals\.(\w+)/g)].map((m) => m[1])));
  assert.ok(used.has('wasmSchemaEngineLoader'), `expected the engine wrapper's names, got ${[...used].join(', ')}`);
  const missing = [...used].filter((name) => (subset as Record<string, unknown>)[name] === undefined);
  assert.deepEqual(missing, [], 'add them to src/core/engine/prismaInternalsSubset.ts');
});
