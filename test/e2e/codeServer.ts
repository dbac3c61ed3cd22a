// A throw-away code-server: its own run folder (HOME, XDG folders, TMPDIR, user data, extensions, config),
// quiet user settings, bound to 127.0.0.1 on a free port without auth, stopped by process group.
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { VSCodeEnv } from '../../scripts/vscode-env';
import { onCleanup, spawnGroup, type GroupProcess } from './processes';

export interface RunFolder {
  root: string;
  home: string;
  userData: string;
  extensions: string;
  tmp: string;
  runtime: string;
  config: string;
}

/** User settings that keep the workbench quiet and predictable: no welcome page, chat, git, telemetry. */
export const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  // Desktop VS Code's default. In a browser the workbench saves every edit after a second, so an edit
  // (a quick fix) would reach the disk while a test still means to undo it.
  'files.autoSave': 'off',
};

/**
 * A fresh folder under /tmp (short: Unix socket paths inside it must stay under 107 bytes), removed by
 * the cleanups unless `keep`.
 */
export function createRunFolder(options: { keep?: boolean; settings?: Record<string, unknown> } = {}): RunFolder {
  const base = tmpdir().length <= 20 ? tmpdir() : '/tmp';
  const root = mkdtempSync(path.join(base, 'pmv-'));
  const run: RunFolder = {
    root,
    home: path.join(root, 'home'),
    userData: path.join(root, 'data'),
    extensions: path.join(root, 'ext'),
    tmp: path.join(root, 'tmp'),
    runtime: path.join(root, 'run'),
    config: path.join(root, 'config.yaml'),
  };
  for (const dir of [run.home, run.userData, run.extensions, run.tmp, run.runtime, path.join(run.userData, 'User')]) mkdirSync(dir, { recursive: true });
  chmodSync(run.runtime, 0o700);
  writeFileSync(run.config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  writeFileSync(path.join(run.userData, 'User', 'settings.json'), `${JSON.stringify({ ...quietSettings, ...options.settings }, null, 2)}\n`);
  // Retries: Chromium may still be writing its profile for a moment after it was told to close.
  if (!options.keep) onCleanup(`removing ${root}`, () => rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
  return run;
}

/** Copies `folder` into the run folder (so tests never touch the repository's copy); returns the copy. */
export function copyWorkspace(run: RunFolder, folder: string, filter?: (source: string) => boolean, name = path.basename(folder)): string {
  const target = path.join(run.root, 'ws', name);
  cpSync(folder, target, { recursive: true, filter });
  return target;
}

/** The environment code-server and everything it starts get: Node 24 first, every folder in the run folder. */
function serverEnv(vscode: VSCodeEnv, run: RunFolder): NodeJS.ProcessEnv {
  // Variables code-server or VS Code would act on (passwords, tokens, an outer VS Code's IPC hooks).
  const inherited = Object.entries(process.env).filter(
    ([name]) => !/^(VSCODE_|ELECTRON_|CODE_SERVER_|CS_|npm_)|^(NODE_OPTIONS|PASSWORD|HASHED_PASSWORD|GITHUB_TOKEN)$/.test(name),
  );
  return {
    ...Object.fromEntries(inherited),
    PATH: `${path.dirname(vscode.node)}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: run.home,
    XDG_CONFIG_HOME: path.join(run.home, '.config'),
    XDG_DATA_HOME: path.join(run.home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(run.home, '.cache'),
    XDG_RUNTIME_DIR: run.runtime,
    TMPDIR: run.tmp,
  };
}

function baseArgs(run: RunFolder): string[] {
  return ['--config', run.config, '--user-data-dir', run.userData, '--extensions-dir', run.extensions];
}

/** Output of a child, kept for error messages (the last `limit` characters). */
function collectOutput(group: GroupProcess, onLine?: (line: string) => void, limit = 20_000): () => string {
  let text = '';
  let partial = '';
  const take = (chunk: Buffer) => {
    const s = chunk.toString('utf8');
    text = (text + s).slice(-limit);
    if (!onLine) return;
    const lines = (partial + s).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  };
  group.child.stdout.on('data', take);
  group.child.stderr.on('data', take);
  return () => text;
}

/** Resolves when both output pipes have ended, or after `ms`. */
function deadlineOrEnd(group: GroupProcess, ms: number): Promise<void> {
  const ended = (stream: NodeJS.ReadableStream & { readableEnded?: boolean }) =>
    stream.readableEnded ? Promise.resolve() : new Promise<void>((resolve) => stream.once('end', () => resolve()));
  return Promise.race([
    Promise.all([ended(group.child.stdout), ended(group.child.stderr)]).then(() => undefined),
    new Promise<void>((resolve) => setTimeout(resolve, ms).unref()),
  ]);
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** `code-server --install-extension <vsix>` into the run folder; returns the installed extension's folder. */
export async function installExtension(vscode: VSCodeEnv, run: RunFolder, vsix: string, id: string): Promise<{ dir: string; ms: number }> {
  const started = performance.now();
  const group = await spawnGroup('code-server', vscode.node, [vscode.codeServer, ...baseArgs(run), '--install-extension', vsix, '--force'], {
    env: serverEnv(vscode, run),
    cwd: run.root,
  });
  const output = collectOutput(group);
  const { code, signal } = await group.exited;
  await deadlineOrEnd(group, 1000);
  await group.stop();
  if (code !== 0) throw new Error(`code-server --install-extension ${path.basename(vsix)} failed (${signal ?? `exit ${code}`}):\n${tail(output())}`);
  const prefix = `${id.toLowerCase()}-`;
  const dir = readdirSync(run.extensions).find((name) => name.toLowerCase().startsWith(prefix));
  if (!dir) throw new Error(`code-server reported success but ${run.extensions} holds no ${id}:\n${tail(output())}`);
  return { dir: path.join(run.extensions, dir), ms: performance.now() - started };
}

export interface CodeServer {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  host: string;
  port: number;
  pid: number;
  /** From spawn to the "HTTP server listening" line. */
  listeningMs: number;
  output(): string;
  /** Resolves when code-server exits (by itself, or after stop()). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Passes `--vscode-option enable-smoke-test-driver`: the URL payload then runs extension tests (toasts are hidden). */
  smokeTestDriver?: boolean;
  /** Folder to open when the URL names none. */
  folder?: string;
  port?: number;
  /** Seconds a closed page's extension host lingers (code-server's default is 3 hours). */
  reconnectionGraceSeconds?: number;
  onLine?: (line: string) => void;
  timeoutMs?: number;
  /** Keep Workspace Trust on (the default passes --disable-workspace-trust: every folder is trusted). */
  workspaceTrust?: boolean;
}

/** Starts code-server and resolves once it listens; throws a sentence with its output when it cannot. */
export async function startCodeServer(vscode: VSCodeEnv, run: RunFolder, options: StartOptions = {}): Promise<CodeServer> {
  if (!existsSync(vscode.codeServer)) {
    throw new Error(`code-server cannot start: ${vscode.codeServer} does not exist (node --import tsx scripts/vscode-env.ts installs it).`);
  }
  const started = performance.now();
  const args = [
    vscode.codeServer,
    ...baseArgs(run),
    '--bind-addr',
    `127.0.0.1:${options.port ?? 0}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (options.reconnectionGraceSeconds !== undefined) args.push('--reconnection-grace-time', String(options.reconnectionGraceSeconds));
  if (options.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  if (options.folder) args.push(options.folder);
  const group = await spawnGroup('code-server', vscode.node, args, { env: serverEnv(vscode, run), cwd: run.root });
  const output = collectOutput(group, options.onLine);
  const timeoutMs = options.timeoutMs ?? 60_000;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${timeoutMs / 1000} s:\n${tail(output())}`)), timeoutMs);
      const onData = () => {
        const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output());
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      group.child.stdout.on('data', onData);
      group.child.stderr.on('data', onData);
      void group.exited.then(async ({ code, signal }) => {
        clearTimeout(timer);
        // 'exit' can come before the last output: wait for the pipes to drain (children may hold them open).
        await deadlineOrEnd(group, 1000);
        reject(new Error(`code-server exited (${signal ?? `exit ${code}`}) before listening:\n${tail(output())}`));
      });
    });
    return {
      url: `http://127.0.0.1:${port}/`,
      host: '127.0.0.1',
      port,
      pid: group.pid,
      listeningMs: performance.now() - started,
      output,
      exited: group.exited,
      stop: () => group.stop(),
    };
  } catch (error) {
    await group.stop();
    throw error;
  }
}
