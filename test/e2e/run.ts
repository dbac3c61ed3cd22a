// `npm test`'s VS Code step (also `npm run test:vscode`): the packaged extension in a real VS Code.
//
//   1. Node 24 + code-server into .cache/vscode (first run only), Debian's Chromium (CHROMIUM_PATH overrides)
//   2. the .vsix (test/e2e/vsix.ts) installed into a throw-away code-server: fresh user data, extensions,
//      HOME, XDG folders and TMPDIR under one /tmp/pmv-* folder, removed afterwards
//   3. extension-host suites (test/vscode, mocha, the real API) on a copy of example/ and on a folder
//      without Prisma, through code-server's smoke-test driver; then a few more openings of the example
//      for the median activation time
//   4. UI tests (test/e2e/ui.test.ts, diagnostics.ui.test.ts, commands.ui.test.ts) on the example in Chromium, screenshots in test/e2e/screenshots/
//
// Options: --only=extension-host|ui, --suite=example|noPrisma|commands (one extension-host suite, no
// activation samples), --samples=N (activation samples, default 5, also
// VSCODE_TEST_ACTIVATION_SAMPLES), --keep (keep the run folder), --update-media (copy the README
// screenshots to media/screenshots/). Environment: CHROMIUM_PATH (default /usr/bin/chromium),
// PRISMA_MIGRATIONS_VSCODE_CACHE (default .cache/vscode), VSCODE_TEST_DEBUG=1 (the page's whole console).
// Warm, on 2 cores: about 2 minutes; the first run installs code-server first (about a minute).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import { chromiumPath, ensureVSCodeEnv, type VSCodeEnv } from '../../scripts/vscode-env';
import { buildSuites, suites } from '../vscode/build';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { copyWorkspace, createRunFolder, installExtension, startCodeServer, type CodeServer, type RunFolder } from './codeServer';
import { exampleDir, exampleFilter, repoRoot, resetExampleDatabase } from './example';
import { runExtensionHostSuite, type SuiteResult } from './extensionHost';
import { isStoppingOnSignal, runCleanups, stopEverythingOnSignals } from './processes';
import { setUiSession, uiSession } from './session';
import { packageExtension } from './vsix';
import { launchChromium } from './workbench';

const args = process.argv.slice(2);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const only = option('only');
const onlySuite = option('suite');
const samples = Number(option('samples') ?? process.env.VSCODE_TEST_ACTIVATION_SAMPLES ?? 5);
const screenshots = path.join(__dirname, 'screenshots');
/** The scenes shown in the README. */
const readmeScreenshots = ['unmigrated-changes', 'schema-diagnostic-hover', 'schema-quick-fixes', 'migrations-view', 'migration-sql', 'create-decision', 'create-unexecutable', 'apply-failed', 'diff-editor', 'walkthrough', 'rehearsal-page', 'test-explorer'];

/**
 * The screenshots ship in the VSIX (its README shows them), which has a size budget: pngquant (a Debian
 * package) cuts a workbench screenshot to about a third with no visible change. Without it they are kept as taken.
 */
function shrinkScreenshots(files: readonly string[]): string {
  const result = spawnSync('pngquant', ['--quality=80-95', '--speed', '1', '--force', '--ext', '.png', ...files], { encoding: 'utf8' });
  if (result.error) return 'pngquant is not installed, so they are as taken (apt-get install pngquant shrinks them)';
  // 98 and 99: a file it could not shrink within the quality asked for, kept as taken.
  return [0, 98, 99].includes(result.status ?? -1) ? 'shrunk with pngquant' : `pngquant failed (exit ${result.status}): ${result.stderr.trim()}`;
}

const log = (line: string) => console.log(`\x1b[36m[vscode]\x1b[0m ${line}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

interface ActivationSample {
  totalMs: number;
  loadMs: number;
  activateMs: number;
}

/**
 * The command suite's workspace: a copy of the fixture whose PostgreSQL project points (through its .env,
 * with a password the server ignores, to check it never shows) at a fresh database, dropped afterwards.
 */
async function withCommandsWorkspace<T>(run: RunFolder, fn: (folder: string) => Promise<T>): Promise<T> {
  const folder = copyWorkspace(run, path.join(repoRoot, 'test', 'fixtures', 'commands-workspace'));
  const database = await newPostgresDatabase('pmv_ext');
  const url = database.url.replace('postgres@', 'postgres:s3cret-pw@');
  writeFileSync(path.join(folder, 'pg-app', '.env'), `DATABASE_URL="${url}"\n`);
  // The user settings turn the Git extension off for quiet screenshots; the git marks are read through it here.
  mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  writeFileSync(path.join(folder, '.vscode', 'settings.json'), `${JSON.stringify({ 'git.enabled': true }, null, 2)}\n`);
  try {
    return await fn(folder);
  } finally {
    await database.drop();
  }
}

/** Workspace trust on, never asking: a folder nobody trusted opens in Restricted Mode. */
const RESTRICTED_MODE = { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false };

/** Runs `fn` with `settings` added to the user settings (a workbench page reads them when it opens). */
async function withUserSettings<T>(run: RunFolder, settings: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
  const file = path.join(run.userData, 'User', 'settings.json');
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, `${JSON.stringify({ ...JSON.parse(original), ...settings }, null, 2)}\n`);
  try {
    return await fn();
  } finally {
    writeFileSync(file, original);
  }
}

/** One UI test file on a code-server of its own, started with `settings` added to the user settings. */
async function ownServerUiTest(
  vscode: VSCodeEnv,
  run: RunFolder,
  settings: Record<string, unknown>,
  serverOptions: Parameters<typeof startCodeServer>[2],
  test: { title: string; workspace: () => string; file: string },
): Promise<number> {
  const { browser, screenshots, timings } = uiSession();
  return withUserSettings(run, settings, async () => {
    const server = await startCodeServer(vscode, run, serverOptions);
    setUiSession({ browser, server, workspace: test.workspace(), screenshots, timings });
    log(test.title);
    const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: true, timeout: 300_000 });
    mocha.addFile(path.join(__dirname, test.file));
    try {
      return await new Promise<number>((resolve) => mocha.run(resolve));
    } finally {
      await server.stop();
    }
  });
}

/** Figures a suite reported with `report('measure:<what>', text)`, for the summary. */
function collectReports(result: SuiteResult, measurements: string[]): void {
  for (const report of result.reports) if (report.name.startsWith('measure:')) measurements.push(`${report.name.slice('measure:'.length)}: ${String(report.value)}`);
}

async function main(): Promise<number> {
  const wallStarted = performance.now();
  stopEverythingOnSignals();
  // Before anything slow: a missing browser fails in a second, naming what is missing.
  chromiumPath();

  const vscode = await ensureVSCodeEnv(log);
  const packaged = await packageExtension({ outDir: path.join(repoRoot, '.cache', 'vsix') });
  const modules = packaged.files.filter((file) => file.startsWith('node_modules/')).length;
  log(`${path.relative(repoRoot, packaged.vsix)}: ${packaged.files.length} files, ${modules} of them the runtime closure of ${packaged.closure.roots.filter((name) => !packaged.closure.skipped.includes(name)).join(', ')} (${packaged.reused ? 'unchanged, reused' : seconds(packaged.ms)})`);
  await buildSuites();

  const run = createRunFolder({ keep: args.includes('--keep') });
  const example = copyWorkspace(run, exampleDir, exampleFilter);
  resetExampleDatabase(example);
  const noPrisma = copyWorkspace(run, path.join(repoRoot, 'test', 'fixtures', 'no-prisma'));
  const installed = await installExtension(vscode, run, packaged.vsix, packaged.id);
  log(`installed into ${run.root} in ${seconds(installed.ms)}`);
  const browser = await launchChromium(path.join(run.root, 'chromium'));

  let failures = 0;
  const measurements: string[] = [];

  if (only !== 'ui') {
    const started = performance.now();
    const server = await startCodeServer(vscode, run, { smokeTestDriver: true, reconnectionGraceSeconds: 5 });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const suite = (folder: string, testsPath: string, onLine?: (line: string) => void): Promise<SuiteResult> =>
      runExtensionHostSuite(context, server, { folder, extensionPath: installed.dir, testsPath, onLine });
    const activation: ActivationSample[] = [];
    let workbenchMs: number | undefined;
    const collect = (result: SuiteResult) => {
      for (const report of result.reports) if (report.name === 'activation') activation.push(report.value as ActivationSample);
    };
    const runs: Array<[name: keyof typeof suites, title: string, folder: () => Promise<SuiteResult>]> = [
      ['example', `the example (code-server ${vscode.codeServerVersion}, smoke-test driver)`, () => suite(example, suites.example)],
      ['noPrisma', 'a folder without Prisma', () => suite(noPrisma, suites.noPrisma)],
      ['commands', 'a SQLite and a PostgreSQL project (commands)', () => withCommandsWorkspace(run, (folder) => suite(folder, suites.commands))],
    ];
    for (const [name, title, runSuite] of runs) {
      if (onlySuite && onlySuite !== name) continue;
      log(`extension-host suite on ${title}`);
      const result = await runSuite();
      collect(result);
      collectReports(result, measurements);
      log(`  ${result.exitCode === 0 ? 'passed' : 'FAILED'} in ${seconds(result.totalMs)}`);
      workbenchMs ??= result.workbenchMs;
      if (result.exitCode !== 0) failures += 1;
    }
    for (let i = activation.length; i < (onlySuite ? 0 : samples); i += 1) {
      const sample = await suite(example, suites.activation, () => undefined);
      if (sample.exitCode !== 0) throw new Error(`the activation sample failed:\n${sample.lines.join('\n')}`);
      collect(sample);
      log(`  activation sample ${i + 1}: ${JSON.stringify(sample.reports.at(-1)?.value)} (${seconds(sample.totalMs)})`);
    }
    await context.close();
    await server.stop();
    if (activation.length > 0) {
      const total = activation.map((sample) => sample.totalMs);
      measurements.push(
        `extension activation: median ${median(total)} ms of ${activation.length} (loading the code ${median(activation.map((s) => s.loadMs))} ms, activate() ${median(activation.map((s) => s.activateMs))} ms; all: ${total.join(', ')} ms)`,
      );
    }
    measurements.push(`code-server listening ${Math.round(server.listeningMs)} ms after spawn; workbench ready ${Math.round(workbenchMs ?? Number.NaN)} ms after navigation`);
    measurements.push(`extension-host suites incl. ${activation.length - 1} extra activation samples: ${seconds(performance.now() - started)}`);
  }

  if (only !== 'extension-host') {
    const started = performance.now();
    const server: CodeServer = await startCodeServer(vscode, run);
    const timings: Record<string, number> = {};
    setUiSession({ browser, server, workspace: example, screenshots, timings });
    log(`UI tests in Chromium on the example (screenshots in ${path.relative(process.cwd(), screenshots)}/)`);
    const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: true, timeout: 300_000 });
    mocha.addFile(path.join(__dirname, 'ui.test.ts'));
    mocha.addFile(path.join(__dirname, 'diagnostics.ui.test.ts'));
    mocha.addFile(path.join(__dirname, 'commands.ui.test.ts'));
    let uiFailures = await new Promise<number>((resolve) => mocha.run(resolve));
    await server.stop();
    // Workspace trust is a server option: Restricted Mode gets a server of its own.
    uiFailures += await ownServerUiTest(vscode, run, RESTRICTED_MODE, { workspaceTrust: true }, {
      title: 'UI test of a Prisma project in Restricted Mode',
      workspace: () => copyWorkspace(run, path.join(repoRoot, 'test', 'fixtures', 'untrusted-workspace')),
      file: 'restricted.ui.test.ts',
    });
    // No Welcome page at start-up (the quiet settings): VS Code's walkthrough service starts only when the
    // walkthrough opens, after the work is done, which is the case the steps must still be ticked in.
    uiFailures += await ownServerUiTest(vscode, run, {}, {}, {
      title: 'UI test of the Get Started walkthrough on a fresh copy of the example',
      workspace: () => {
        const fresh = copyWorkspace(run, exampleDir, exampleFilter, 'walkthrough-example');
        resetExampleDatabase(fresh);
        return fresh;
      },
      file: 'walkthrough.ui.test.ts',
    });
    failures += uiFailures;
    setUiSession(undefined);
    measurements.push(
      `UI: code-server listening ${Math.round(server.listeningMs)} ms, workbench ready ${Math.round(server.listeningMs + (timings.workbenchPageMs ?? Number.NaN))} ms after spawn; migrations listed ${Math.round(timings.migrationsListedMs ?? Number.NaN)} ms after opening the view`,
    );
    measurements.push(`UI suite: ${seconds(performance.now() - started)} wall`);
    if (args.includes('--update-media') && uiFailures === 0) {
      mkdirSync(path.join(repoRoot, 'media', 'screenshots'), { recursive: true });
      const copied = readmeScreenshots.map((name) => path.join(repoRoot, 'media', 'screenshots', `${name}.png`));
      readmeScreenshots.forEach((name, i) => copyFileSync(path.join(screenshots, `${name}.png`), copied[i]!));
      log(`copied ${readmeScreenshots.join(', ')} to media/screenshots/; ${shrinkScreenshots(copied)}`);
    }
  }

  await runCleanups();
  if (isStoppingOnSignal()) return 1; // interrupted: the results mean nothing
  measurements.push(`VS Code tests: ${seconds(performance.now() - wallStarted)} wall, everything stopped`);
  for (const line of measurements) log(line);
  if (failures > 0) log(`\x1b[31m${failures} failure(s)\x1b[0m`);
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => {
    if (!isStoppingOnSignal()) process.exit(code);
  },
  async (error: unknown) => {
    // Interrupted: the signal handler stops everything and exits with 128 + signal.
    if (isStoppingOnSignal()) return;
    console.error(`\n\x1b[31mVS Code tests could not run:\x1b[0m ${error instanceof Error ? error.message : String(error)}`);
    await runCleanups();
    process.exit(1);
  },
);
