// Runs an extension-host suite (test/vscode/<suite>/index.ts, compiled) inside code-server, the way
// @vscode/test-web does: the server runs with the smoke-test driver enabled, the page URL carries the
// extension development and tests paths as its payload, the workbench runs the suite's `run()` in the
// extension host and reports the outcome by calling window.codeAutomationExit(code).
import { format } from 'node:util';
import type { BrowserContext, ConsoleMessage } from 'playwright-core';
import type { CodeServer } from './codeServer';
import { workbenchUrl } from './workbench';

/** As in test/vscode/shared.ts: the suite tags its console output, the workbench logs plenty of its own. */
const OUTPUT_PREFIX = '[vscode-test] ';
const REPORT_PREFIX = '[vscode-test-report] ';

export interface SuiteResult {
  exitCode: number;
  /** Lines the extension host printed (mocha's report), prefixes stripped. */
  lines: string[];
  /** Values the suite reported with `report(name, value)`. */
  reports: Array<{ name: string; value: unknown }>;
  /** Page navigation to the workbench's activity bar. */
  workbenchMs: number;
  /** Navigation to codeAutomationExit. */
  totalMs: number;
}

export interface SuiteOptions {
  /** Workspace folder (absolute). */
  folder: string;
  /** The extension's folder: the installed copy, so the .vsix's own files are what runs. */
  extensionPath: string;
  /** The compiled suite's index.js. */
  testsPath: string;
  /** Loading the workbench; the default 120 s. */
  timeoutMs?: number;
  /**
   * How long the suite may run without printing a line before it counts as hung: a silence, not a total,
   * so a slow machine only makes the run longer. Longer than any one mocha test's own timeout.
   */
  silenceMs?: number;
  /** Each console line as it arrives; the default prints mocha's report. */
  onLine?: (line: string) => void;
}

/**
 * The text the extension host logged, from a page console message: the workbench forwards it as
 * `console.log('%c INFO', 'color: …', format, ...args)`.
 */
async function consoleText(message: ConsoleMessage): Promise<string> {
  const args = await Promise.all(message.args().map((arg) => arg.jsonValue().catch(() => String(arg))));
  if (args.length === 0) return message.text();
  let [first, ...rest] = args as unknown[];
  if (typeof first === 'string' && first.includes('%c')) {
    rest = rest.slice(first.split('%c').length - 1);
    [first, ...rest] = rest;
  }
  return format(first, ...rest);
}

/**
 * Opens the workbench with the suite's payload in a new page of `context` (pages of one context share
 * Chromium's HTTP and code caches: the workbench loads faster the second time) and waits for the result.
 */
export async function runExtensionHostSuite(context: BrowserContext, server: CodeServer, options: SuiteOptions): Promise<SuiteResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const silenceMs = options.silenceMs ?? 300_000;
  let lastLine = performance.now();
  const onLine = options.onLine ?? ((line: string) => console.log(line));
  const page = await context.newPage();
  const started = performance.now();
  try {
    let exit!: (code: number) => void;
    const exited = new Promise<number>((resolve) => {
      exit = resolve;
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      if (process.env.VSCODE_TEST_DEBUG) console.log(`[codeAutomationExit(${code}) +${Math.round(performance.now() - started)}]`);
      exit(code);
    });
    const lines: string[] = [];
    const reports: SuiteResult['reports'] = [];
    let pending = Promise.resolve();
    page.on('console', (message) => {
      // One at a time, in order: jsonValue() is asynchronous.
      pending = pending.then(async () => {
        const text = await consoleText(message).catch(() => message.text());
        if (process.env.VSCODE_TEST_DEBUG) console.log(`[page console ${message.type()} +${Math.round(performance.now() - started)}] ${text}`);
        const report = text.indexOf(REPORT_PREFIX);
        if (report >= 0) {
          try {
            reports.push(JSON.parse(text.slice(report + REPORT_PREFIX.length)) as { name: string; value: unknown });
          } catch {
            lines.push(`(unreadable report) ${text}`);
          }
        } else if (text.startsWith(OUTPUT_PREFIX)) {
          const line = text.slice(OUTPUT_PREFIX.length);
          lastLine = performance.now();
          lines.push(line);
          onLine(line);
        }
      });
    });
    let crashed = '';
    page.on('pageerror', (error) => {
      crashed ||= error.message;
    });
    const remote = (file: string) => `vscode-remote://${server.host}:${server.port}${file}`;
    const url = workbenchUrl(server.url, options.folder, [
      ['extensionDevelopmentPath', remote(options.extensionPath)],
      ['extensionTestsPath', remote(options.testsPath)],
    ]);
    await page.goto(url, { timeout: timeoutMs });
    await page.locator('.monaco-workbench .part.activitybar .action-item').first().waitFor({ state: 'visible', timeout: timeoutMs });
    const workbenchMs = performance.now() - started;
    const pageCrashed = new Promise<never>((_, reject) => {
      page.once('crash', () => reject(new Error(`The page crashed while ${options.testsPath} ran; its last output:\n${lines.slice(-20).join('\n')}`)));
    });
    pageCrashed.catch(() => undefined); // a crash after the result is no one's business
    const exitCode = await untilSilent(Promise.race([exited, pageCrashed]), silenceMs, () => lastLine, () => {
      const last = lines.slice(-20).join('\n');
      return `The extension-host suite ${options.testsPath} printed nothing for ${silenceMs / 1000} s and never reported back through codeAutomationExit${crashed ? ` (page error: ${crashed})` : ''}; its last output:\n${last}`;
    });
    await pending;
    return { exitCode, lines, reports, workbenchMs, totalMs: performance.now() - started };
  } finally {
    await page.close().catch(() => undefined); // already gone when the browser was closed (Ctrl-C)
  }
}

/** `promise`, or a rejection with `message` once `lastActivity` (a `performance.now()` time) is `ms` old. */
function untilSilent<T>(promise: Promise<T>, ms: number, lastActivity: () => number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const watch = new Promise<never>((_, reject) => {
    const check = () => {
      const quiet = performance.now() - lastActivity();
      if (quiet >= ms) reject(new Error(message()));
      else timer = setTimeout(check, ms - quiet);
    };
    timer = setTimeout(check, ms);
  });
  return Promise.race([promise, watch]).finally(() => clearTimeout(timer));
}
