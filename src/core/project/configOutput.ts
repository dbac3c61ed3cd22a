import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

/** Where a prisma.config.ts's own console output goes while it runs: one call per line or write. */
export type ConfigOutput = (text: string) => void;

/** The CLI's default: stderr, so `--json` and SARIF on stdout stay parseable whatever the config prints. */
export const configOutputToStderr: ConfigOutput = (text) => process.stderr.write(`${text}\n`);

const CONSOLE_METHODS = ['log', 'info', 'debug', 'warn', 'error'] as const;

/** The output of the config load the current async context belongs to. */
const loading = new AsyncLocalStorage<ConfigOutput>();

/**
 * Runs `task` (loading the user's config) with its console and stdout output sent to `output`. Both are
 * replaced, not just stdout: the VS Code extension host gives `console` its own methods, which never reach
 * process.stdout. Only what runs inside `task` is redirected: the rest of the process (the test runner's
 * own stdout protocol, other extensions) writes as before meanwhile. Callers serialise loads.
 */
export async function withConfigOutput<T>(output: ConfigOutput, task: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  const methods = CONSOLE_METHODS.map((name) => console[name]);
  CONSOLE_METHODS.forEach((name, i) => {
    console[name] = (...args: unknown[]) => {
      const redirect = loading.getStore();
      if (redirect) redirect(format(...args));
      else methods[i].apply(console, args);
    };
  });
  process.stdout.write = function (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]): boolean {
    const redirect = loading.getStore();
    if (!redirect) return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    redirect(String(typeof chunk === 'string' ? chunk : Buffer.from(chunk)).replace(/\n$/, ''));
    const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (done) queueMicrotask(done);
    return true;
  } as typeof process.stdout.write;
  try {
    return await loading.run(output, task);
  } finally {
    process.stdout.write = write;
    CONSOLE_METHODS.forEach((name, i) => (console[name] = methods[i]));
  }
}
