// UI tests on the example project in a real workbench (code-server in headless Chromium). Run by
// test/e2e/run.ts, which starts the server and the browser; each scene leaves a screenshot in
// test/e2e/screenshots/.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { BrowserContext, Page } from 'playwright-core';
import { newWorkbenchPage, uiSession } from './session';
import { cutOffLabels, editorText, migrationRow, paletteRows, poll, runCommand, screenshot, selectors, showContainer, toastMessages, treeRows, typeCommand } from './workbench';

const CONTAINER_TITLE = 'Prisma Migrate';
const MIGRATIONS = ['20260105093000_init', '20260112141500_add_published_flag', '20260120101000_add_tags', '20260128090000_add_post_slug'];

describe('the example project in the workbench', () => {
  let context: BrowserContext;
  let page: Page;
  const shot = (name: string) => screenshot(page, uiSession().screenshots, name);

  before(async () => ({ context, page } = await newWorkbenchPage()));
  after(() => context?.close());

  it('shows the Prisma Migrate item in the activity bar', async () => {
    await page.locator(selectors.activityItem(CONTAINER_TITLE)).waitFor({ state: 'visible', timeout: 30_000 });
  });

  it('lists the four example migrations, applied, in the Migrations view, every name whole at the default width', async () => {
    const started = performance.now();
    await showContainer(page, CONTAINER_TITLE);
    let texts: string[] = [];
    const rows = await poll(
      () => `the Migrations view did not list the four migrations as applied (its rows: ${JSON.stringify(texts)})`,
      async () => {
        texts = await treeRows(page);
        const migrations = MIGRATIONS.map((name) => migrationRow(texts, name));
        return migrations.every((text) => text && /\bapplied\b/.test(text)) ? texts : undefined;
      },
      30_000,
    );
    uiSession().timings.migrationsListedMs = performance.now() - started;
    console.log(rows.map((row) => `      | ${row}`).join('\n'));
    assert.deepEqual(
      rows.flatMap((row) => MIGRATIONS.filter((name) => migrationRow([row], name))),
      MIGRATIONS,
      'in the order of the migrations folder',
    );
    const width = (await page.locator(selectors.sidebar).boundingBox())?.width ?? 0;
    assert.ok(width > 0 && width < 400, `the side bar is at its default width (${width} px)`);
    assert.deepEqual(await cutOffLabels(page), [], `no label is cut off at ${width} px`);
    await shot('migrations-view');
  });

  it('shows the unmigrated change at the top of the project and in the status bar, the schema never opened', async () => {
    assert.equal(await page.locator(selectors.tabs, { hasText: 'schema.prisma' }).count(), 0, 'the schema is not open');
    let texts: string[] = [];
    await poll(
      () => `the view did not show the unmigrated change (rows: ${JSON.stringify(texts)})`,
      async () => {
        texts = await treeRows(page);
        const node = texts.findIndex((row) => row === 'Schema not migrated — 1 change, 1 breaking');
        return node !== -1 && texts[node + 1] === 'Probable rename — fullName looks like name renamed';
      },
      120_000,
    );
    const item = page.locator(selectors.statusBarItems, { hasText: /migrat/i }).first();
    let said = '';
    await poll(() => `the status bar says "${said}"`, async () => /schema not migrated \(1 breaking\)/.test((said = await item.innerText())), 30_000);
    assert.match((await item.getAttribute('aria-label')) ?? '', /schema not migrated/);
    assert.deepEqual(await cutOffLabels(page), [], 'every label of the view is whole at the default width');
    await shot('unmigrated-changes');
    await page.locator(selectors.treeRows, { hasText: 'Probable rename' }).click();
    await page.locator(selectors.tabs, { hasText: 'schema.prisma' }).waitFor({ state: 'visible', timeout: 15_000 });
    // The cursor's position in the status bar: line 17, where `fullName` is declared.
    await page.locator(selectors.statusBarItems, { hasText: 'Ln 17, Col 3' }).waitFor({ state: 'visible', timeout: 15_000 });
    await runCommand(page, 'View: Close All Editors');
  });

  it("opens a migration's SQL when its row is clicked", async () => {
    await page.locator(selectors.treeRows, { hasText: 'add_tags' }).click();
    await page.locator(selectors.tabs, { hasText: 'migration.sql' }).waitFor({ state: 'visible', timeout: 15_000 });
    const editor = page.locator('.part.editor .editor-instance .monaco-editor').first();
    await poll('the editor did not show the migration SQL', async () => (await editorText(editor)).includes('CREATE TABLE "Tag"'));
    await shot('migration-sql');
  });

  it('runs "Prisma Migrate: Refresh" from the command palette', async () => {
    await typeCommand(page, 'Prisma Migrate: Refresh');
    await shot('command-palette');
    await page.keyboard.press('Enter');
    await page.locator(selectors.quickInput).waitFor({ state: 'hidden', timeout: 15_000 });
    let texts: string[] = [];
    await poll(() => `the migrations were not listed after Refresh (rows: ${JSON.stringify(texts)})`, async () => {
      texts = await treeRows(page);
      return MIGRATIONS.every((name) => /\bapplied\b/.test(migrationRow(texts, name) ?? ''));
    });
    assert.deepEqual((await toastMessages(page)).filter((message) => /error|fail/i.test(message)), []);
  });

  it('ranks Create Migration first for "Create Migration", and offers no drift command without drift', async () => {
    const rows = await paletteRows(page, 'Create Migration');
    assert.equal(rows[0], 'Prisma Migrate: Create Migration…', `the palette's rows: ${JSON.stringify(rows)}`);
    assert.ok(!rows.some((row) => /Drift/.test(row)), `a drift command without drift: ${JSON.stringify(rows)}`);
    assert.deepEqual((await paletteRows(page, 'Capture Drift')).filter((row) => /Prisma Migrate/.test(row)), []);
    await page.keyboard.press('Escape');
  });

  it('shows its log from "Prisma Migrate: Show Log"', async () => {
    await runCommand(page, 'Prisma Migrate: Show Log');
    const output = page.locator(`${selectors.panel} .monaco-editor`).first();
    await poll('the Output panel did not show the extension log', async () => /Activated in/.test(await editorText(output)));
    await shot('log');
  });

  it('shows the migration status in the status bar', async () => {
    const item = page.locator(selectors.statusBarItems, { hasText: /migrat/i }).first();
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    console.log(`      status bar: "${(await item.innerText()).trim()}" (${await item.getAttribute('id')})`);
  });

  it('re-reads drift when the window regains focus, with the view hidden (so no poll) and no file event', async () => {
    const item = page.locator(selectors.statusBarItems, { hasText: /migrat/i }).first();
    await runCommand(page, 'View: Show Explorer');
    const devDb = path.join(uiSession().workspace, 'prisma', 'dev.db');
    try {
      await sqlite(devDb, 'CREATE TABLE "AddedInPsql" ("id" INTEGER NOT NULL PRIMARY KEY)');
      await afterFocusQuietPeriod();
      await leaveAndReturn(page);
      let said = '';
      await poll(() => `the status bar did not show the drift (it says "${said}")`, async () => /drift/i.test((said = await item.innerText())), 20_000);
      await showContainer(page, CONTAINER_TITLE);
      await page.locator(selectors.treeRows, { hasText: 'Database differs from migration history' }).waitFor({ state: 'visible', timeout: 15_000 });
      await shot('drift-after-focus');
      // With drift, its command is offered.
      assert.ok((await paletteRows(page, 'Capture Drift')).includes('Prisma Migrate: Capture Drift as a Migration…'));
      await page.keyboard.press('Escape');
    } finally {
      await sqlite(devDb, 'DROP TABLE IF EXISTS "AddedInPsql"');
    }
    await runCommand(page, 'View: Show Explorer');
    await afterFocusQuietPeriod();
    await leaveAndReturn(page);
    let said = '';
    // Without the drift, what is left is the example's unmigrated rename.
    await poll(() => `the status bar did not go back to the unmigrated schema (it says "${said}")`, async () => /schema not migrated/i.test((said = await item.innerText())), 20_000);
  });
});

/** Focus reads the status again only once the last read is five seconds old (alt-tabbing back and forth does not). */
function afterFocusQuietPeriod(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5_500));
}

/**
 * The user switches to another window and back. Headless Chromium reports every page as focused, so the
 * workbench's own focus tracking (window blur/focus events read with document.hasFocus()) is given both;
 * it settles a blur on a timer, hence the pause before coming back.
 */
async function leaveAndReturn(page: Page): Promise<void> {
  await page.evaluate("document.hasFocus = () => false; window.dispatchEvent(new FocusEvent('blur'))");
  await new Promise((resolve) => setTimeout(resolve, 500));
  await page.evaluate("document.hasFocus = Document.prototype.hasFocus; window.dispatchEvent(new FocusEvent('focus'))");
}

/** SQL run behind the extension's back, as psql or another tool would; the engine's exclusive lock is waited out. */
async function sqlite(file: string, sql: string): Promise<void> {
  const { createClient } = await import('@libsql/client');
  await poll(`${file} stayed locked`, async () => {
    const client = createClient({ url: `file:${file}` });
    try {
      await client.execute(sql);
      return true;
    } catch (error) {
      if (/SQLITE_BUSY|locked/i.test(String(error))) return false;
      throw error;
    } finally {
      client.close();
    }
  });
}
