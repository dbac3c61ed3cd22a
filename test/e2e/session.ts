// What test/e2e/run.ts hands to the UI tests: the browser, the server (without the smoke-test driver, so
// notifications show), the workspace it opened, where screenshots go, and the measurements to report.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CodeServer } from './codeServer';
import { openWorkbench, workbenchUrl } from './workbench';

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

/**
 * A browser context of its own with the workbench open on the session's workspace (the first one opened
 * records how long the workbench took).
 */
export async function newWorkbenchPage(): Promise<{ context: BrowserContext; page: Page }> {
  const session = uiSession();
  const context = await session.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const ms = await openWorkbench(page, workbenchUrl(session.server.url, session.workspace));
  session.timings.workbenchPageMs ??= ms;
  return { context, page };
}
