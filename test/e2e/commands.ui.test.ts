// UI tests of the commands on the example project, after ui.test.ts (same workbench page setup): create a
// migration that cannot run as it is, see it fail, resolve it, fix it, apply it; compare a migration with
// the previous one; reset with the typed confirmation. Each scene leaves a screenshot.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'mocha';
import type { BrowserContext, Page } from 'playwright-core';
import { migrationNameParts } from '../../src/core/migrations/migrationName';
import { repoRoot } from './example';
import { newWorkbenchPage, uiSession } from './session';
import { editorText, findNotification, hideNotificationCenter, migrationRow, poll, runCommand, screenshot, selectors, showContainer, toastMessages, treeRows, typeCommand } from './workbench';

const DIALOG = '.monaco-dialog-box';

describe('the commands on the example project, in the workbench', () => {
  let context: BrowserContext;
  let page: Page;
  let draft = '';
  const shot = (name: string) => screenshot(page, uiSession().screenshots, name);
  const migrationsDir = () => path.join(uiSession().workspace, 'prisma', 'migrations');
  /** A migration's row: the words of its name as the label, its timestamp in the description. */
  const rowOf = (name: string) => {
    const { timestamp = '', words } = migrationNameParts(name);
    return page.locator(selectors.treeRows, { hasText: words }).filter({ hasText: timestamp }).first();
  };
  const waitForRow = (name: string, status: RegExp) => {
    let rows: string[] = [];
    return poll(
      () => `the row of ${name} did not show ${status} (rows: ${JSON.stringify(rows)})`,
      async () => {
        rows = await treeRows(page);
        return status.test(migrationRow(rows, name) ?? '');
      },
      120_000,
    );
  };

  before(async () => {
    ({ context, page } = await newWorkbenchPage());
    await showContainer(page, 'Prisma Migrate');
    await waitForRow('20260128090000_add_post_slug', /\bapplied\b/);
  });

  // A failed scene leaves what was on screen: a screenshot, the toasts and the tree's rows.
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !page) return;
    const file = await shot(`failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
    console.log(`      screenshot: ${file}\n      toasts: ${JSON.stringify(await toastMessages(page))}\n      rows: ${JSON.stringify(await treeRows(page))}`);
  });

  after(async () => {
    await context?.close();
  });

  it('Create Migration… shows the SQL beside its refusal to apply a change that cannot run, then names the draft', async () => {
    await typeCommand(page, 'Prisma Migrate: Create Migration…');
    await page.keyboard.press('Enter');
    const dialog = page.locator(DIALOG);
    await dialog.waitFor({ state: 'visible', timeout: 60_000 });
    const text = await dialog.innerText();
    assert.match(text, /cannot run on the dev database/);
    assert.match(text, /required column fullName.*2 rows/s);
    assert.doesNotMatch(text, /`/, 'no Markdown quotes in a dialog');
    await poll('the planned SQL was not shown', async () => (await page.locator(selectors.tabs, { hasText: 'Planned migration.sql' }).count()) > 0);
    // While the dialog asks, lines of the planned SQL are on screen and not under it.
    const visibleSql = async () => {
      const box = await dialog.boundingBox();
      if (!box) return [];
      return page.locator('.part.editor .view-line').evaluateAll(
        (lines, dialogBox) =>
          lines.flatMap((line) => {
            const rect = line.getBoundingClientRect();
            const covered = rect.bottom > dialogBox.y && rect.top < dialogBox.y + dialogBox.height && rect.right > dialogBox.x && rect.left < dialogBox.x + dialogBox.width;
            const sql = (line.textContent ?? '').replace(/\s+/g, ' ').trim();
            return !covered && rect.height > 0 && /\b(CREATE|ALTER|INSERT|DROP)\b/.test(sql) ? [sql] : [];
          }),
        box,
      );
    };
    const lines = await poll('no line of the planned SQL was visible beside the dialog', async () => ((await visibleSql()).length > 0 ? visibleSql() : undefined));
    console.log(`      visible beside the dialog: ${lines.length} SQL lines, e.g. "${lines[0]}"`);
    await shot('create-unexecutable');
    await dialog.locator('.monaco-button', { hasText: 'Create Draft' }).click();
    const name = page.locator(`${selectors.quickInputBox}[placeholder*="add_user_roles"]`);
    await name.waitFor({ state: 'visible', timeout: 60_000 });
    await name.fill('rename user name');
    await page.keyboard.press('Enter');
    draft = await poll('no draft migration folder appeared', () => {
      const found = readdirSync(migrationsDir()).find((name) => name.endsWith('_rename_user_name'));
      return found ?? undefined;
    });
    await waitForRow(draft, /\bpending\b/);
    await page.locator(selectors.tabs, { hasText: 'migration.sql' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await shot('draft-pending');
  });

  it('Apply Pending Migrations reports the failing migration with its database error and the ways out', async () => {
    await runCommand(page, 'Prisma Migrate: Apply Pending Migrations');
    const toast = await findNotification(page, /failed/, 60_000);
    assert.match(await toast.innerText(), new RegExp(`${draft}.*NOT NULL`, 's'));
    for (const action of ['Open Migration', 'Mark Rolled Back', 'Mark Applied', 'Show Log']) {
      assert.equal(await toast.locator('.monaco-button', { hasText: action }).count(), 1, `no "${action}" button`);
    }
    await waitForRow(draft, /\bfailed\b/);
    await shot('apply-failed');
  });

  it('"Mark Rolled Back", a fixed script and Apply again leave every migration applied', async () => {
    await (await findNotification(page, /failed/)).locator('.monaco-button', { hasText: 'Mark Rolled Back' }).click();
    await hideNotificationCenter(page);
    await waitForRow(draft, /\brolled back\b/);
    // What the user would type: keep the data by copying the old column into the new one.
    const file = path.join(migrationsDir(), draft, 'migration.sql');
    const fixed = readFileSync(file, 'utf8').replace(
      'INSERT INTO "new_User" ("createdAt", "email", "id") SELECT "createdAt", "email", "id" FROM "User";',
      'INSERT INTO "new_User" ("createdAt", "email", "fullName", "id") SELECT "createdAt", "email", "name", "id" FROM "User";',
    );
    assert.notEqual(fixed, readFileSync(file, 'utf8'), 'the generated SQL changed: update the fix');
    writeFileSync(file, `DROP TABLE IF EXISTS "new_User";\n${fixed}`);
    await runCommand(page, 'Prisma Migrate: Apply Pending Migrations');
    await Promise.all([waitForRow(draft, /\bapplied\b/), findNotification(page, /Applied 1 migration/)]);
    await hideNotificationCenter(page);
    await shot('applied-after-fix');
  });

  it('Compare with Previous Migration opens the diff editor', async () => {
    await rowOf(draft).click({ button: 'right' });
    // The menu ignores a click that comes right after it opened (VS Code's guard against the opening
    // click's mouse-up): click again while the menu stays open.
    const item = page.locator('.context-view .action-label', { hasText: 'Compare with Previous Migration' });
    await poll('the context menu did not take the click', async () => {
      if (await item.isVisible()) await item.click({ timeout: 2_000 }).catch(() => undefined);
      return !(await item.isVisible());
    }, 60_000, 500);
    const diff = page.locator('.part.editor .monaco-diff-editor').first();
    await diff.waitFor({ state: 'visible', timeout: 120_000 });
    await poll('the diff editor did not show the schema change', async () => /fullName/.test(await diff.innerText()));
    await shot('diff-editor');
  });

  it('Reset Dev Database… asks for the database name and resets only with it', async () => {
    await typeCommand(page, 'Prisma Migrate: Reset Dev Database…');
    await page.keyboard.press('Enter');
    const input = page.locator(`${selectors.quickInputBox}[placeholder="Type dev.db to confirm"]`);
    await input.waitFor({ state: 'visible', timeout: 120_000 });
    assert.match(await page.locator(selectors.quickInput).innerText(), /deletes ALL data.*Type "dev\.db" to confirm/s);
    // Enter on nothing neither resets nor closes silently: it says what to type.
    await page.keyboard.press('Enter');
    await poll('Enter on an empty box did not say what to type', async () => /Type "dev\.db" to reset it, or press Escape/.test(await page.locator(selectors.quickInput).innerText()));
    assert.ok(await input.isVisible(), 'the box stays open');
    await input.fill('dev');
    await poll('the wrong name was not flagged', async () => /Type "dev\.db" exactly/.test(await page.locator(selectors.quickInput).innerText()));
    await shot('reset-confirmation');
    await input.fill('dev.db');
    await page.keyboard.press('Enter');
    await findNotification(page, /Dev database reset; 5 migrations applied/, 60_000);
    await waitForRow(draft, /\bapplied\b/);
  });

  it('Create Migration… of a change that loses nothing asks on the SQL itself, which stays whole on screen', async () => {
    const schema = path.join(uiSession().workspace, 'prisma', 'schema.prisma');
    writeFileSync(schema, readFileSync(schema, 'utf8').replace(/(model Tag \{\n)/, '$1  color String?\n'));
    await typeCommand(page, 'Prisma Migrate: Create Migration…');
    await page.keyboard.press('Enter');
    const lens = (title: string) => page.locator('.part.editor .codelens-decoration a', { hasText: title }).first();
    await lens('Create and Apply').waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no modal covers the SQL');
    await poll('the planned SQL was not shown', async () => /ALTER TABLE "Tag" ADD COLUMN "color" TEXT/.test(await editorText(page.locator('.part.editor .monaco-editor').first())));
    await shot('create-decision');
    await lens('Create and Apply').click();
    const name = page.locator(`${selectors.quickInputBox}[placeholder*="add_user_roles"]`);
    await name.waitFor({ state: 'visible', timeout: 60_000 });
    await name.fill('tag color');
    await page.keyboard.press('Enter');
    const created = await poll('no tag_color migration folder appeared', () => readdirSync(migrationsDir()).find((folder) => folder.endsWith('_tag_color')));
    await waitForRow(created, /\bapplied\b/);
    assert.equal(await page.locator(selectors.tabs, { hasText: 'Planned migration.sql' }).count(), 0, 'the preview closed once decided');
  });

  it('Create and Rehearse writes the migration, runs it on a copy of the dev database and shows the page, whose Apply applies it', async () => {
    const schema = path.join(uiSession().workspace, 'prisma', 'schema.prisma');
    // Rows for the rehearsal to count: the reset before left the tables empty.
    const rows = path.join(uiSession().workspace, 'tags.sql');
    writeFileSync(rows, `INSERT INTO "Tag" ("name") VALUES ${Array.from({ length: 40 }, (_, i) => `('tag ${i}')`).join(', ')};\n`);
    const seeded = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'execute', '--file', rows], { cwd: uiSession().workspace, encoding: 'utf8' });
    assert.equal(seeded.status, 0, seeded.stderr);
    writeFileSync(schema, readFileSync(schema, 'utf8').replace(/(model Tag \{\n)/, '$1  description String?\n'));
    await typeCommand(page, 'Prisma Migrate: Create Migration…');
    await page.keyboard.press('Enter');
    const lens = page.locator('.part.editor .codelens-decoration a', { hasText: 'Create and Rehearse' }).first();
    await lens.waitFor({ state: 'visible', timeout: 60_000 });
    await lens.click();
    const name = page.locator(`${selectors.quickInputBox}[placeholder*="add_user_roles"]`);
    await name.waitFor({ state: 'visible', timeout: 60_000 });
    await name.fill('tag description');
    await page.keyboard.press('Enter');
    const created = await poll('no tag_description migration folder appeared', () => readdirSync(migrationsDir()).find((folder) => folder.endsWith('_tag_description')));
    // The page is a webview: an iframe holding the content's iframe.
    const content = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
    const summary = content.locator('.summary');
    await summary.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await summary.innerText(), /^Rehearsed 1 pending migration in .+ on a copy of .+dev\.db \(SQLite VACUUM INTO snapshot, .+\); the copy is dropped and .+ was not written\.$/);
    assert.match(await content.locator('.bar-row').first().innerText(), /tag_description/);
    assert.match(await content.locator('table.statements').innerText(), /ALTER TABLE "Tag" ADD COLUMN "description" TEXT[\s\S]*SQLite write lock on Tag \(40 rows\)/);
    await waitForRow(created, /\bpending\b/);
    await runCommand(page, 'Notifications: Clear All Notifications');
    await shot('rehearsal-page');
    await content.locator('button', { hasText: 'Apply Pending Migrations' }).click();
    await waitForRow(created, /\bapplied\b/);
  });

  it('the Test Explorer runs the migration tests: the failing one fails at its line, with expected and actual', async () => {
    const testFile = path.join(migrationsDir(), '20260128090000_add_post_slug', 'migration.test.sql');
    writeFileSync(
      testFile,
      `${readFileSync(testFile, 'utf8')}
-- test: a title with punctuation gets a clean slug
INSERT INTO "User" ("id", "email", "name") VALUES (1, 'ada@example.com', 'Ada Lovelace');
INSERT INTO "Post" ("id", "title", "authorId") VALUES (1, 'Draft: morphogenesis', 1);
-- migrate
-- output: draft-morphogenesis-1
SELECT "slug" FROM "Post";
`,
    );
    // The test file on screen: its tests' results show in its gutter.
    await page.keyboard.press('Control+P');
    await page.keyboard.type('add_post_slug/migration.test.sql');
    await page.locator(selectors.quickInputRows, { hasText: 'migration.test.sql' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.locator(selectors.tabs, { hasText: 'migration.test.sql' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await runCommand(page, 'Testing: Focus on Test Explorer View');
    await runCommand(page, 'Test: Run All Tests');
    // The Test Results panel lists each test with its state once the run has ended.
    const result = (name: string, state: 'passed' | 'failed') => page.locator(`${selectors.panel} .monaco-list-row`, { hasText: name }).locator(`.codicon-testing-${state}-icon`);
    await result('a title with punctuation gets a clean slug', 'failed').waitFor({ state: 'visible', timeout: 120_000 });
    await result('every post gets a slug from its title', 'passed').waitFor({ state: 'visible', timeout: 30_000 });
    // The explorer's tree, opened down to the tests: the project, then its migration.
    for (const label of ['example', '20260128090000_add_post_slug']) {
      const twistie = page.locator('.test-explorer .monaco-list-row', { hasText: label }).first().locator('.monaco-tl-twistie.collapsed');
      if (await twistie.isVisible()) await twistie.click();
    }
    await page.locator('.test-explorer .monaco-list-row', { hasText: 'a title with punctuation gets a clean slug' }).waitFor({ state: 'visible', timeout: 15_000 });
    // The failing test's output line carries the failure's mark in the gutter.
    await page.locator('.part.editor .monaco-editor textarea').first().focus();
    await page.keyboard.press('Control+G');
    await page.keyboard.type('25');
    await page.keyboard.press('Enter');
    await page.locator('.part.editor .monaco-editor .margin .codicon-testing-failed-icon').first().waitFor({ state: 'visible', timeout: 30_000 });
    await shot('test-explorer');
  });
});
