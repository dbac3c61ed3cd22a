// Packages the built extension as one .vsix for every platform (no native binary: SQLite is Node's own
// node:sqlite in the extension host) with the bundles the extension loads and exactly the node_modules they
// need at run time: the packages esbuild leaves external (packages that load their own files such as
// PGlite and its extensions, @prisma/config with c12/jiti) and everything they depend on. The bundles
// themselves say which packages those are: every `require("…")` / `import("…")` of a package that
// survived bundling. `vsce package --no-dependencies` would ship none of them; `vsce package` with the
// plain allow-list would ship every production dependency, bundled ones included.
//
//   npm run package    writes prisma-migrations.vsix at the repository root and prints its path and size
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';

export const repoRoot = path.resolve(__dirname, '../..');

interface Manifest {
  name: string;
  publisher: string;
  version: string;
  main?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export interface ExternalLoad {
  specifier: string;
  /** `require` loads a package's CommonJS build, `import` its ES module build. */
  how: 'require' | 'import';
}

/** What the bundles still load from packages at run time (node built-ins, `vscode` and the bundles' own files left out). */
export function externalLoads(bundles: string[]): ExternalLoad[] {
  const loads = new Map<string, ExternalLoad>();
  for (const file of bundles) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\b(require|import)\(\s*["']((?:@[\w.-]+\/)?[\w.-]+(?:\/[^"']*)?)["']\s*\)/g)) {
      const [, how, specifier] = match as unknown as [string, ExternalLoad['how'], string];
      if (specifier === 'vscode' || specifier.startsWith('.') || isBuiltin(specifier)) continue;
      loads.set(`${how} ${specifier}`, { specifier, how });
    }
  }
  return [...loads.values()].sort((a, b) => a.specifier.localeCompare(b.specifier) || a.how.localeCompare(b.how));
}

/** Package names the bundles still load at run time. */
export function externalPackages(bundles: string[]): string[] {
  return [...new Set(externalLoads(bundles).map((load) => packageName(load.specifier)))].sort();
}

/**
 * Code of the runtime closure the extension never loads, by package folder: per package, whether a file
 * (its path inside the package, `/`-separated) is such code. Found by tracing the files the extension's
 * bundles open (strace) while loading a prisma.config.ts, reading SQLite, and running an embedded PGlite
 * with contrib and packaged extensions:
 * - effect's ES module build, and fast-check's and pure-rand's under it: @prisma/config (CommonJS)
 *   requires effect — also when jiti runs the project's config — and effect's CommonJS build requires them;
 * - PGlite's code but its CommonJS main (required) and the contrib modules (`import()`ed) with the chunks
 *   they import: its ES module main, file systems, workers, live queries, node-postgres.
 * The vsix test checks that each rule still matches files, and loads every external from the package.
 */
export function neverLoaded(root: string): Map<string, (file: string) => boolean> {
  const pglite = path.join(root, 'node_modules', '@electric-sql', 'pglite', 'dist');
  const contrib = readdirSync(path.join(pglite, 'contrib')).filter((name) => name.endsWith('.js')).map((name) => `contrib/${name}`);
  const imported = new Set<string>();
  for (const queue = [...contrib]; queue.length > 0; ) {
    const file = queue.pop()!;
    for (const [, relative] of readFileSync(path.join(pglite, file), 'utf8').matchAll(/\bfrom\s*"(\.\.?\/[^"]+)"/g)) {
      const target = path.posix.join(path.posix.dirname(file), relative);
      if (!imported.has(target)) queue.push(target);
      imported.add(target);
    }
  }
  const pgliteLoads = new Set(['dist/index.cjs', ...[...contrib, ...imported].map((file) => `dist/${file}`)]);
  return new Map([
    ['node_modules/effect', (file) => file.startsWith('dist/esm/')],
    ['node_modules/fast-check', (file) => file.startsWith('lib/esm/')],
    ['node_modules/pure-rand', (file) => file.startsWith('lib/esm/')],
    ['node_modules/@electric-sql/pglite', (file) => /\.c?js$/.test(file) && !pgliteLoads.has(file)],
  ]);
}

/** Whether a file of the closure ships: never TypeScript, declarations, source maps, documentation, or code never loaded. */
function ships(never: Map<string, (file: string) => boolean>, dir: string, relative: string): boolean {
  const file = relative.split(path.sep).join('/');
  if (/\.(?:[cm]?ts|map)$/.test(file)) return false;
  if (/\.md$/i.test(file) && !/^licen[cs]e/i.test(path.posix.basename(file))) return false;
  return !never.get(dir)?.(file);
}

/** Node's lookup: `from/node_modules/name`, then each parent folder's, up to `root`. */
function resolvePackageDir(name: string, from: string, root: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === path.dirname(dir)) return undefined;
  }
}

export interface RuntimeClosure {
  /** Package names the bundles load. */
  roots: string[];
  /** Folders (relative to the root, `node_modules/…`) to ship. */
  dirs: string[];
  /** Loaded by a bundle but neither installed nor declared: optional requires such as `pg-native`. */
  skipped: string[];
}

/**
 * The installed folders of `roots` and of all their dependencies (optional and peer ones when installed).
 * Throws when a declared dependency is not installed.
 */
export function runtimeClosure(root: string, bundles: string[]): RuntimeClosure {
  const declared = readManifest(root).dependencies ?? {};
  const roots = externalPackages(bundles);
  const dirs = new Set<string>();
  const skipped: string[] = [];
  const visit = (name: string, from: string, required: boolean, parent: string) => {
    const dir = resolvePackageDir(name, from, root);
    if (!dir) {
      if (required) throw new Error(`${name} (needed by ${parent}) is not installed: run npm ci.`);
      return;
    }
    const relative = path.relative(root, dir);
    if (dirs.has(relative)) return;
    dirs.add(relative);
    const manifest = readManifest(dir);
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir, !(dep in (manifest.optionalDependencies ?? {})), name);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dep, dir, false, name);
    for (const dep of Object.keys(manifest.peerDependencies ?? {})) {
      if (!manifest.peerDependenciesMeta?.[dep]?.optional) visit(dep, dir, false, name);
    }
  };
  for (const name of roots) {
    if (resolvePackageDir(name, root, root)) visit(name, root, true, 'the bundle');
    else if (name in declared) throw new Error(`${name} is a dependency the bundle loads, but it is not installed: run npm ci.`);
    else skipped.push(name);
  }
  return { roots, dirs: [...dirs].sort(), skipped };
}

export interface PackagedExtension {
  vsix: string;
  /** `publisher.name`, as VS Code spells the id. */
  id: string;
  version: string;
  closure: RuntimeClosure;
  /** Entries in the .vsix (paths below `extension/`). */
  files: string[];
  bytes: number;
  /** The .vsix from an earlier run with the same inputs. */
  reused: boolean;
  ms: number;
}

/** The bundles the extension loads: the `!dist/….js` lines of .vscodeignore, which ships exactly those. */
export function extensionBundles(root: string): string[] {
  const bundles = readFileSync(path.join(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .flatMap((line) => /^!(dist\/[\w.-]+\.js)$/.exec(line.trim())?.[1] ?? []);
  if (bundles.length === 0) throw new Error('.vscodeignore names no bundle (`!dist/<name>.js`) to ship.');
  return bundles.map((bundle) => path.join(root, bundle));
}

/**
 * `vsce package` of the built extension (no `--target`: one .vsix for every platform), run in a staging
 * folder holding what the project's .vscodeignore allow-list names plus only the runtime closure under
 * node_modules (vsce's own dependency walk over the whole production tree took 70 s; this takes a few).
 * The staged package.json lists the closure's roots as its dependencies, so `npm list` (which vsce runs)
 * finds exactly those.
 */
export async function packageExtension(options: {
  outDir: string;
  root?: string;
  /** vsce's secret scan of dist/ and the top-level files (node_modules is never scanned). */
  scanSecrets?: boolean;
}): Promise<PackagedExtension> {
  const started = performance.now();
  const root = options.root ?? repoRoot;
  const manifest = readManifest(root);
  const bundles = extensionBundles(root);
  for (const bundle of bundles) if (!existsSync(bundle)) throw new Error(`${path.relative(root, bundle)} is missing: run npm run build first.`);
  const closure = runtimeClosure(root, bundles);

  const vsix = path.join(options.outDir, `${manifest.name}.vsix`);
  const id = `${manifest.publisher}.${manifest.name}`;
  // The same inputs (bundles, manifest, allow-listed files, lockfile) make the same .vsix: reuse it.
  const key = inputsKey(root, closure) + (options.scanSecrets ? ':scanned' : '');
  const keyFile = `${vsix}.inputs`;
  if (existsSync(vsix) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key) {
    const files = vsixFiles(vsix);
    return { vsix, id, version: manifest.version, closure, files, bytes: statSync(vsix).size, reused: true, ms: performance.now() - started };
  }
  const stage = path.join(options.outDir, `stage-${process.pid}`);
  const partial = `${vsix}.${process.pid}.partial`;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  try {
    const files = stageAndPackage({ root, manifest, closure, stage, partial, scanSecrets: options.scanSecrets ?? false });
    renameSync(partial, vsix);
    writeFileSync(keyFile, key);
    return { vsix, id, version: manifest.version, closure, files, bytes: statSync(vsix).size, reused: false, ms: performance.now() - started };
  } finally {
    rmSync(stage, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
}

interface StageOptions {
  root: string;
  manifest: Manifest;
  closure: RuntimeClosure;
  stage: string;
  partial: string;
  scanSecrets: boolean;
}

/** Existing top-level names the allow-list can put back (`!dist/**` → dist); node_modules comes from the closure. */
function shippedTopLevel(root: string): string[] {
  const names = new Set(['package.json', '.vscodeignore']);
  for (const line of readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n')) {
    const match = /^!\/?([^/*!]+)/.exec(line.trim());
    if (match && match[1] !== 'node_modules') names.add(match[1]);
  }
  return [...names].filter((name) => existsSync(path.join(root, name))).sort();
}

/** Copies the shipped files into `stage`, runs `vsce package` there into `partial`; returns its files. */
function stageAndPackage({ root, manifest, closure, stage, partial, scanSecrets }: StageOptions): string[] {
  for (const name of shippedTopLevel(root)) {
    cpSync(path.join(root, name), path.join(stage, name), { recursive: true, filter: (file) => !file.endsWith('.map') });
  }
  const never = neverLoaded(root);
  for (const dir of closure.dirs) {
    const from = path.join(root, dir);
    cpSync(from, path.join(stage, dir), {
      recursive: true,
      // A package's nested node_modules holds its private versions: those in the closure are entries of their
      // own. TypeScript sources, declarations and source maps alone were 2,800 of 4,800 files, 36 MB.
      filter: (file) => {
        const relative = path.relative(from, file);
        return !relative.split(path.sep).includes('node_modules') && (statSync(file).isDirectory() || ships(never, dir, relative));
      },
    });
  }
  const staged: Record<string, unknown> = { ...manifest };
  staged.dependencies = Object.fromEntries(closure.roots.filter((name) => !closure.skipped.includes(name)).map((name) => [name, readManifest(path.join(root, 'node_modules', name)).version]));
  delete staged.devDependencies;
  // Built already; a prepublish hook would run in the staging folder without the sources.
  if (typeof staged.scripts === 'object' && staged.scripts) staged.scripts = { ...(staged.scripts as Record<string, string>), 'vscode:prepublish': undefined };
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(staged, null, 2)}\n`);

  // vsce's CLI in a child process: its secret scanner calls process.exit on internal errors.
  const args = [
    packageFile('@vscode/vsce/vsce'),
    'package',
    '--out',
    partial,
    '--dependencies',
    '--allow-missing-repository',
    '--skip-license',
    // README image links stay relative (there is no repository URL to rewrite them against).
    '--no-rewrite-relative-links',
  ];
  if (!scanSecrets) args.push('--allow-package-all-secrets', '--allow-package-env-file');
  const result = spawnSync(process.execPath, args, { cwd: stage, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`vsce package failed (exit ${result.status ?? result.signal}):\n${[result.stdout, result.stderr].join('\n').trim()}`);
  }
  const files = vsixFiles(partial);
  for (const required of [manifest.main ?? 'dist/extension.js', ...closure.dirs.map((dir) => `${dir}/package.json`)]) {
    const normalized = path.posix.normalize(required.replace(/^\.\//, ''));
    if (!files.includes(normalized)) throw new Error(`The .vsix is missing ${normalized}.`);
  }
  return files;
}

/** A hash of what goes into the package: top-level allow-listed files, dist/, the lockfile, the closure and how it is copied. */
function inputsKey(root: string, closure: RuntimeClosure): string {
  const hash = createHash('sha256');
  const add = (file: string) => {
    const stat = statSync(file);
    if (stat.isDirectory()) {
      for (const name of readdirSync(file).sort()) if (!name.endsWith('.map')) add(path.join(file, name));
    } else {
      hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  };
  for (const name of [...shippedTopLevel(root), 'package-lock.json']) if (existsSync(path.join(root, name))) add(path.join(root, name));
  // This file too: its rules say which files of the closure ship.
  hash.update(closure.dirs.join('\n')).update(readFileSync(packageFile('@vscode/vsce/package.json'))).update(readFileSync(__filename));
  return hash.digest('hex');
}

/** The extension's files in a .vsix (entries below `extension/`). */
function vsixFiles(vsix: string): string[] {
  return zipEntries(vsix)
    .filter((entry) => entry.startsWith('extension/'))
    .map((entry) => entry.slice('extension/'.length))
    .sort();
}

interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** Where the entry's local header starts. */
  offset: number;
}

/** The entries of a zip file's central directory. */
function readZip(file: string): { zip: Buffer; entries: ZipEntry[] } {
  const zip = readFileSync(file);
  let end = zip.length - 22; // the end-of-central-directory record, before an optional comment
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error(`${file} is not a zip file.`);
  const count = zip.readUInt16LE(end + 10);
  const entries: ZipEntry[] = [];
  for (let offset = zip.readUInt32LE(end + 16), i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${i}.`);
    const nameLength = zip.readUInt16LE(offset + 28);
    entries.push({
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      offset: zip.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return { zip, entries };
}

/** Names in a zip file's central directory. */
export function zipEntries(file: string): string[] {
  return readZip(file).entries.map((entry) => entry.name);
}

/** Writes every file of a zip file (a .vsix: stored or deflated entries) below `dir`. */
export function extractZip(file: string, dir: string): void {
  const { zip, entries } = readZip(file);
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    const target = path.resolve(dir, entry.name);
    if (!target.startsWith(path.resolve(dir) + path.sep)) throw new Error(`${file}: ${entry.name} points outside the folder.`);
    const start = entry.offset + 30 + zip.readUInt16LE(entry.offset + 26) + zip.readUInt16LE(entry.offset + 28);
    const data = zip.subarray(start, start + entry.compressedSize);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, entry.method === 8 ? inflateRawSync(data) : data);
  }
}

if (require.main === module) {
  packageExtension({ outDir: path.join(repoRoot, '.cache', 'vsix'), scanSecrets: process.argv.includes('--scan-secrets') })
    .then((result) => {
      const vsix = path.join(repoRoot, path.basename(result.vsix));
      copyFileSync(result.vsix, vsix);
      const modules = result.files.filter((file) => file.startsWith('node_modules/'));
      console.log(`${vsix}: ${(result.bytes / 1e6).toFixed(1)} MB${result.reused ? ' (unchanged inputs, reused)' : ''}, ${result.files.length} files (${modules.length} under node_modules), ${result.closure.dirs.length} packages for ${result.closure.roots.join(', ')}; ${(result.ms / 1000).toFixed(1)} s`);
      if (result.closure.skipped.length > 0) console.log(`Not installed, loaded optionally by the bundle: ${result.closure.skipped.join(', ')}`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}

/** A package file's path. Loaded through tsx's `tsImport` (npm start), `require.resolve` appends a `?namespace=…` query. */
function packageFile(id: string): string {
  return require.resolve(id).replace(/\?.*$/, '');
}
