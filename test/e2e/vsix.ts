// Packages the built extension (dist/) as a platform-specific .vsix with exactly the node_modules it needs
// at run time: the packages esbuild leaves external (native N-API modules such as libsql's, packages that
// load their own files such as PGlite, @prisma/config with c12/jiti) and everything they depend on. The
// bundles themselves say which packages those are: every `require("…")` / `import("…")` of a package
// that survived bundling. `vsce package --no-dependencies` would ship none of them; `vsce package` with
// the plain allow-list would ship every production dependency, bundled ones included.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

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

/** Package names the bundles still load at run time (node built-ins and `vscode` left out). */
export function externalPackages(bundles: string[]): string[] {
  const names = new Set<string>();
  for (const file of bundles) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\b(?:require|import)\(\s*["']((?:@[\w.-]+\/)?[\w.-]+(?:\/[^"']*)?)["']\s*\)/g)) {
      const specifier = match[1];
      if (specifier === 'vscode' || isBuiltin(specifier)) continue;
      names.add(packageName(specifier));
    }
  }
  return [...names].sort();
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
 * The installed folders of `roots` and of all their dependencies (optional and peer ones when installed,
 * e.g. `@libsql/linux-x64-gnu`). Throws when a declared dependency is not installed.
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
  target: string;
  closure: RuntimeClosure;
  /** Entries in the .vsix (paths below `extension/`). */
  files: string[];
  /** The .vsix from an earlier run with the same inputs. */
  reused: boolean;
  ms: number;
}

/**
 * `vsce package --target <this platform>` of the built extension, run in a staging folder holding what
 * the project's .vscodeignore allow-list names plus only the runtime closure under node_modules (vsce's
 * own dependency walk over the whole production tree took 70 s; this takes a few). The staged
 * package.json lists the closure's roots as its dependencies, so `npm list` (which vsce runs) finds
 * exactly those.
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
  const main = path.join(root, manifest.main ?? 'dist/extension.js');
  if (!existsSync(main)) throw new Error(`${path.relative(root, main)} is missing: run npm run build first.`);
  // Every bundle that ships (the extension, the language server, the CLI share their externals).
  const bundles = readdirSync(path.dirname(main))
    .filter((name) => name.endsWith('.js'))
    .map((name) => path.join(path.dirname(main), name));
  const closure = runtimeClosure(root, bundles);

  const target = `${process.platform}-${process.arch}`;
  const vsix = path.join(options.outDir, `${manifest.name}-${manifest.version}-${target}.vsix`);
  const id = `${manifest.publisher}.${manifest.name}`;
  // The same inputs (bundles, manifest, allow-listed files, lockfile) make the same .vsix: reuse it.
  const key = inputsKey(root, closure) + (options.scanSecrets ? ':scanned' : '');
  const keyFile = `${vsix}.inputs`;
  if (existsSync(vsix) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key) {
    const files = vsixFiles(vsix);
    return { vsix, id, version: manifest.version, target, closure, files, reused: true, ms: performance.now() - started };
  }
  const stage = path.join(options.outDir, `stage-${process.pid}`);
  const partial = `${vsix}.${process.pid}.partial`;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  try {
    const files = stageAndPackage({ root, manifest, closure, stage, partial, target, scanSecrets: options.scanSecrets ?? false });
    renameSync(partial, vsix);
    writeFileSync(keyFile, key);
    return { vsix, id, version: manifest.version, target, closure, files, reused: false, ms: performance.now() - started };
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
  target: string;
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
function stageAndPackage({ root, manifest, closure, stage, partial, target, scanSecrets }: StageOptions): string[] {
  for (const name of shippedTopLevel(root)) {
    cpSync(path.join(root, name), path.join(stage, name), { recursive: true, filter: (file) => !file.endsWith('.map') });
  }
  for (const dir of closure.dirs) {
    const from = path.join(root, dir);
    cpSync(from, path.join(stage, dir), {
      recursive: true,
      // A package's nested node_modules holds its private versions: those in the closure are entries of their
      // own. TypeScript sources, declarations and source maps are never loaded at run time: 2,800 of 4,800
      // files, 36 MB.
      filter: (file) => !path.relative(from, file).split(path.sep).includes('node_modules') && !/\.(?:[cm]?ts|map)$/.test(file),
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
    '--target',
    target,
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

/** A hash of what goes into the package: top-level allow-listed files, dist/, the lockfile and the closure. */
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
  hash.update(closure.dirs.join('\n')).update(readFileSync(packageFile('@vscode/vsce/package.json')));
  return hash.digest('hex');
}

/** The extension's files in a .vsix (entries below `extension/`). */
function vsixFiles(vsix: string): string[] {
  return zipEntries(vsix)
    .filter((entry) => entry.startsWith('extension/'))
    .map((entry) => entry.slice('extension/'.length))
    .sort();
}

/** Names in a zip file's central directory. */
export function zipEntries(file: string): string[] {
  const zip = readFileSync(file);
  let end = zip.length - 22; // the end-of-central-directory record, before an optional comment
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error(`${file} is not a zip file.`);
  const count = zip.readUInt16LE(end + 10);
  const names: string[] = [];
  for (let offset = zip.readUInt32LE(end + 16), i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${i}.`);
    const nameLength = zip.readUInt16LE(offset + 28);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return names;
}

if (require.main === module) {
  packageExtension({ outDir: path.join(repoRoot, '.cache', 'vsix'), scanSecrets: process.argv.includes('--scan-secrets') })
    .then((result) => {
      const modules = result.files.filter((file) => file.startsWith('node_modules/'));
      console.log(`${path.relative(process.cwd(), result.vsix)}${result.reused ? ' (unchanged inputs, reused)' : ''}: ${result.files.length} files (${modules.length} under node_modules), ${result.closure.dirs.length} packages for ${result.closure.roots.join(', ')}; ${(result.ms / 1000).toFixed(1)} s`);
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
