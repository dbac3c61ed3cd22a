// Debian's Chromium through playwright-core, and the workbench selectors the tests rely on (VS Code 1.139).
// Every wait is a poll or an event with a deadline.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { chromiumPath } from '../../scripts/vscode-env';
import { migrationNameParts } from '../../src/core/migrations/migrationName';
import { onCleanup } from './processes';

/** Flags that keep Chromium headless, offline and quiet inside a container. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=Translate,MediaRouter',
];

export const selectors = {
  workbench: '.monaco-workbench',
  activityBar: '.monaco-workbench .part.activitybar',
  /** An activity-bar item by its container's title ("Prisma Migrate", "Explorer", …). */
  activityItem: (title: string) => `.part.activitybar .action-item a[aria-label^="${title}"]`,
  sidebar: '.part.sidebar',
  sidebarTitle: '.part.sidebar .composite.title',
  treeRows: '.part.sidebar .monaco-list-row',
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget input',
  quickInputRows: '.quick-input-list .monaco-list-row',
  toasts: '.notifications-toasts .notification-list-item-message',
  statusBarItems: '.part.statusbar .statusbar-item',
  tabs: '.part.editor .tabs-container .tab',
  panel: '.part.panel',
} as const;

/** Launches Chromium with its own profile folder under `profileDir`; closed by the cleanups too. */
export async function launchChromium(profileDir: string): Promise<Browser> {
  const executablePath = chromiumPath();
  mkdirSync(profileDir, { recursive: true });
  // Playwright makes its profile and artifacts folders in os.tmpdir() during launch: keep them in ours.
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = profileDir;
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: chromiumArgs,
      // The harness stops everything on signals itself (processes.ts), in order.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 60_000,
      env: { ...process.env, HOME: profileDir, XDG_CONFIG_HOME: path.join(profileDir, '.config'), XDG_CACHE_HOME: path.join(profileDir, '.cache'), TMPDIR: profileDir },
    });
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 6).join('\n');
    throw new Error(`Chromium cannot start (${executablePath}):\n${first}`, { cause: error });
  } finally {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
  }
  onCleanup('closing Chromium', () => browser.close().catch(() => undefined));
  return browser;
}

/** Polls `fn` until it returns a value other than undefined/false, or throws `message` at the deadline. */
export async function poll<T>(message: string | (() => string), fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new Error(`${typeof message === 'string' ? message : message()} within ${timeoutMs / 1000} s${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The workbench URL opening `folder`, with an optional smoke-test payload. */
export function workbenchUrl(serverUrl: string, folder: string, payload?: Array<[string, string]>): string {
  const url = new URL(serverUrl);
  url.searchParams.set('folder', folder);
  if (payload) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

/** Navigates and waits for the workbench's activity bar; returns the time it took. */
export async function openWorkbench(page: Page, url: string, timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  await page.goto(url, { timeout: timeoutMs });
  await page.locator(`${selectors.activityBar} .action-item`).first().waitFor({ state: 'visible', timeout: timeoutMs });
  return performance.now() - started;
}

/** Shows a view container from the activity bar (a click on an already active item would hide it). */
export async function showContainer(page: Page, title: string): Promise<void> {
  const item = page.locator(selectors.activityItem(title));
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  const container = item.locator('xpath=..');
  const active = async () =>
    (await container.getAttribute('class'))?.split(/\s+/).includes('checked') || (await item.getAttribute('aria-expanded')) === 'true';
  if (!(await active())) await item.click();
  await poll(`the "${title}" container did not become active`, active, 15_000);
}

/** Each row of the side bar's tree(s) as "label — description", e.g. "20260105093000_init — applied 1/5/2026, …". */
export async function treeRows(page: Page): Promise<string[]> {
  // Runs in the page: no named inner functions (tsx would wrap them in a `__name` helper the page lacks).
  return page.locator(selectors.treeRows).evaluateAll((rows) =>
    rows.map((row) => {
      const [label, description] = ['.label-name', '.label-description'].map((selector) =>
        (row.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      );
      return description ? `${label} — ${description}` : label || (row.textContent ?? '').trim();
    }),
  );
}

/** The row of a migration: the words of its name as the label, its timestamp at the end of the description. */
export function migrationRow(rows: readonly string[], name: string): string | undefined {
  const { timestamp = '', words } = migrationNameParts(name);
  return rows.find((row) => (row === words || row.startsWith(`${words} — `)) && row.includes(timestamp));
}

/** Labels of the side bar's tree rows that the row's width cuts off (the description may be cut: it comes after). */
export async function cutOffLabels(page: Page): Promise<string[]> {
  return page.locator(selectors.treeRows).evaluateAll((rows) =>
    rows.flatMap((row) => {
      const name = row.querySelector('.label-name');
      const container = row.querySelector('.monaco-icon-label-container');
      if (!name || !container) return [];
      // The text's own extent: an ellipsis clips what shows, not how wide the text is laid out.
      const range = name.ownerDocument.createRange();
      range.selectNodeContents(name);
      return range.getBoundingClientRect().right > container.getBoundingClientRect().right + 1 ? [(name.textContent ?? '').trim()] : [];
    }),
  );
}

/** Text of an editor (Monaco renders spaces as no-break spaces). */
export async function editorText(editor: Locator): Promise<string> {
  return (await editor.locator('.view-lines').first().innerText()).replace(/\u00a0/g, ' ');
}

/** Drags the sash on the side bar's edge to make it `width` pixels wide (so labels fit in screenshots). */
export async function resizeSidebar(page: Page, width: number): Promise<void> {
  const sidebar = page.locator(selectors.sidebar);
  const box = await sidebar.boundingBox();
  if (!box) throw new Error('the side bar is not visible');
  const edge = box.x + box.width;
  const sashes = await page.locator('.monaco-sash.vertical').evaluateAll((elements) =>
    elements.map((element) => {
      const rect = element.getBoundingClientRect();
      return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2, height: rect.height };
    }),
  );
  const sash = sashes.filter((candidate) => candidate.height > 0).sort((a, b) => Math.abs(a.x - edge) - Math.abs(b.x - edge))[0];
  if (!sash || Math.abs(sash.x - edge) > 8) throw new Error(`no sash on the side bar's edge (x ${edge})`);
  await page.mouse.move(sash.x, sash.y);
  await page.mouse.down();
  await page.mouse.move(sash.x + (width - box.width) / 2, sash.y, { steps: 4 });
  await page.mouse.move(box.x + width, sash.y, { steps: 4 });
  await page.mouse.up();
  await poll(`the side bar did not become ${width} px wide`, async () => {
    const now = await sidebar.boundingBox();
    return now !== null && Math.abs(now.width - width) < 30;
  }, 5_000);
  // Off the sash, or the screenshots show it highlighted.
  await page.mouse.move(box.x + width + 200, box.y + box.height - 20);
  await poll('the sash stayed highlighted', async () => (await page.locator('.monaco-sash.hover, .monaco-sash.active').count()) === 0, 5_000);
}

/** Opens the command palette (F1), types `title`, waits for its entry; Enter then runs it. */
/** The palette's rows for what was typed (`>` added), in their order; the palette stays open. */
export async function paletteRows(page: Page, typed: string): Promise<string[]> {
  await fillPalette(page, typed);
  // The list follows the input a moment later: read it until two reads agree and every row matches a typed word.
  const words = typed.toLowerCase().split(/\s+/);
  let previous = '';
  return poll(`the palette's rows for "${typed}" did not settle`, async () => {
    const rows = await page.locator(selectors.quickInputRows).evaluateAll((elements) =>
      elements.map((row) => (row.querySelector('.label-name')?.textContent ?? row.textContent ?? '').trim()),
    );
    // Nothing matching shows as one row saying so.
    const matching = rows.every((row) => words.some((word) => row.toLowerCase().includes(word))) || (rows.length === 1 && /^No matching/i.test(rows[0]));
    const settled = JSON.stringify(rows) === previous && matching;
    previous = JSON.stringify(rows);
    return settled ? rows : undefined;
  }, 15_000, 250);
}

/**
 * Opens the command palette and types `>text`. The workbench may close a just-opened palette when focus
 * moves (an editor or view finishing to open): it is opened again rather than typed into nothing.
 */
async function fillPalette(page: Page, text: string): Promise<void> {
  const input = page.locator(selectors.quickInputBox);
  await poll(`the command palette did not take "${text}"`, async () => {
    if (!(await input.isVisible())) await page.keyboard.press('F1');
    return input.fill(`>${text}`, { timeout: 3_000 }).then(
      () => true,
      () => false,
    );
  }, 30_000, 200);
}

export async function typeCommand(page: Page, title: string): Promise<Locator> {
  await fillPalette(page, title);
  const row = page.locator(selectors.quickInputRows, { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  return row;
}

/** Runs a command from the palette by its title ("Prisma Migrate: Refresh"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await typeCommand(page, title);
  await page.keyboard.press('Enter');
  await page.locator(selectors.quickInput).waitFor({ state: 'hidden', timeout: 15_000 });
}

/** Messages of the notification toasts on screen (shown only without the smoke-test driver). */
export async function toastMessages(page: Page): Promise<string[]> {
  return page.locator(selectors.toasts).allInnerTexts();
}

export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * The notification with this text: its toast, or its entry in the Notification Center, where the
 * workbench sometimes files a notification without showing a toast. Both carry its buttons.
 */
export async function findNotification(page: Page, text: RegExp, timeoutMs = 30_000): Promise<Locator> {
  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first();
  const entry = page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
  const started = performance.now();
  let openedCenter = false;
  return poll(`no notification matched ${text}, neither as a toast nor in the Notification Center`, async () => {
    if (await toast.isVisible()) return toast;
    if (await entry.isVisible()) return entry;
    if (!openedCenter && performance.now() - started > timeoutMs / 3) {
      openedCenter = true;
      await runCommand(page, 'Notifications: Show Notifications');
    }
    return undefined;
  }, timeoutMs, 250);
}

/** Closes the Notification Center if `findNotification` opened it. */
export async function hideNotificationCenter(page: Page): Promise<void> {
  if (await page.locator('.notifications-center.visible').isVisible()) await runCommand(page, 'Notifications: Hide Notifications');
}
