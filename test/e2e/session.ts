// What test/e2e/run.ts hands to the UI tests: the browser, the server (without the smoke-test driver, so
// notifications show), the workspace it opened, where screenshots go, and the measurements to report.
import type { Browser } from 'playwright-core';
import type { CodeServer } from './codeServer';

export interface UiSession {
  browser: Browser;
  server: CodeServer;
  /** The example project's throw-away copy, reset and seeded. */
  workspace: string;
  screenshots: string;
  /** Measurements the tests add (ms). */
  timings: Record<string, number>;
}

let current: UiSession | undefined;

export function setUiSession(session: UiSession | undefined): void {
  current = session;
}

export function uiSession(): UiSession {
  if (!current) throw new Error('The UI tests run inside test/e2e/run.ts (npm test, or npm run test:vscode).');
  return current;
}
