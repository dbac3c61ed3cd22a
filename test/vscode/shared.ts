// What the extension-host suites know about the extension, and the measurements they report.
import * as vscode from 'vscode';

export const EXTENSION_ID = 'prisma-migrations.prisma-migrations';
export const VIEW_ID = 'prismaMigrations.migrations';

/** The harness (test/e2e/extensionHost.ts) picks lines with these prefixes out of the page's console. */
export const OUTPUT_PREFIX = '[vscode-test] ';
export const REPORT_PREFIX = '[vscode-test-report] ';

/**
 * In code-server the extension host's console reaches the terminal only through the page's console,
 * mixed with the workbench's own logging: what the suites print is tagged so the harness can pick it
 * out. test/vscode/electron.ts asks for plain output (there it goes to the terminal directly).
 */
export function tagged(print: (...args: unknown[]) => void): (...args: unknown[]) => void {
  if (process.env.PRISMA_MIGRATIONS_TEST_OUTPUT === 'plain') return print;
  return (...args: unknown[]) => {
    const [first, ...rest] = args;
    if (args.length === 0) print(OUTPUT_PREFIX);
    else if (typeof first === 'string') print(`${OUTPUT_PREFIX}${first}`, ...rest);
    else print(OUTPUT_PREFIX, ...args);
  };
}

/** console.log for the suites, shown in the harness's output. */
export const log = tagged((...args: unknown[]) => console.log(...args));

export function report(name: string, value: unknown): void {
  console.log(`${REPORT_PREFIX}${JSON.stringify({ name, value })}`);
}

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this extension host`);
  return ext;
}

export function contributedCommands(ext: vscode.Extension<unknown>): string[] {
  const commands = (ext.packageJSON as { contributes?: { commands?: Array<{ command: string }> } }).contributes?.commands ?? [];
  return commands.map((entry) => entry.command);
}

/** Polls `fn` until truthy or throws `message` at the deadline (no fixed sleeps). */
export async function waitFor<T>(message: string | (() => string), fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${typeof message === 'string' ? message : message()} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface ActivationTimes {
  /** From the extension host starting to load the extension's code to `activate()` returning. */
  totalMs: number;
  /** require() of the bundle (and its external modules loaded at top level). */
  loadMs: number;
  /** The `activate()` call itself. */
  activateMs: number;
}

interface PerformanceMark {
  name: string;
  startTime: number;
}

/**
 * The extension host's own performance marks for this extension (VS Code records
 * code/extHost/{will,did}LoadExtensionCode and {will,did}ActivateExtension per extension). Undefined when
 * this VS Code does not expose them.
 */
export function activationTimes(id = EXTENSION_ID): ActivationTimes | undefined {
  const marks = (globalThis as { MonacoPerformanceMarks?: { getMarks(): PerformanceMark[] } }).MonacoPerformanceMarks?.getMarks();
  if (!marks) return undefined;
  const at = (kind: string) => marks.find((mark) => mark.name.toLowerCase() === `code/exthost/${kind}/${id}`.toLowerCase())?.startTime;
  const willLoad = at('willLoadExtensionCode');
  const didLoad = at('didLoadExtensionCode');
  const willActivate = at('willActivateExtension');
  const didActivate = at('didActivateExtension');
  if (willLoad === undefined || didLoad === undefined || willActivate === undefined || didActivate === undefined) return undefined;
  return { totalMs: didActivate - willLoad, loadMs: didLoad - willLoad, activateMs: didActivate - willActivate };
}
