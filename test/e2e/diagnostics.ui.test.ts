// UI test of the breaking-change diagnostics on the example, after ui.test.ts: its schema's last change
// (User.name → User.fullName) is not migrated and would drop the column with its 2 rows. Open the schema,
// see the squiggle, hover it, apply the @map quick fix, see the squiggle go; then revert, for the commands
// suite that migrates the change.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'mocha';
import type { BrowserContext, Page } from 'playwright-core';
import { newWorkbenchPage, uiSession } from './session';
import { editorText, poll, runCommand, screenshot, selectors, typeCommand } from './workbench';

const EDITOR = '.part.editor .monaco-editor';

describe('breaking-change diagnostics in the schema editor, in the workbench', () => {
  let context: BrowserContext;
  let page: Page;
  const shot = (name: string) => screenshot(page, uiSession().screenshots, name);
  const squiggles = () => page.locator(`${EDITOR} .squiggly-error, ${EDITOR} .squiggly-warning`);

  before(async () => {
    ({ context, page } = await newWorkbenchPage());
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !page) return;
    console.log(`      screenshot: ${await shot(`failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`)}`);
  });

  after(async () => {
    await context?.close();
  });

  /** Puts the cursor on the line that declares `field` (inside the diagnostic's range), as a click would. */
  const clickField = (field: string) => page.locator(`${EDITOR} .view-line`, { hasText: new RegExp(`^\\s*${field}\\s`) }).first().click();

  it('underlines the unmigrated rename of User.name, with the dev database\'s count in its hover', async function () {
    this.timeout(300_000);
    await typeCommand(page, 'Go to File');
    await page.keyboard.press('Enter');
    await page.keyboard.type(path.join('prisma', 'schema.prisma'));
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'schema.prisma' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await page.keyboard.press('Enter');
    const editor = page.locator(EDITOR).first();
    await poll('schema.prisma did not open', async () => /model User/.test(await editorText(editor)), 120_000);
    // The squiggle comes once the history is replayed; the count once the dev database was asked.
    await squiggles().first().waitFor({ state: 'visible', timeout: 60_000 });
    let shown = '';
    const hoverText = await poll(
      () => `the hover did not show the rule, the count and the SQL (it showed: ${shown})`,
      async () => {
        await clickField('fullName');
        await runCommand(page, 'Show or Focus Hover');
        const hover = page.locator('.monaco-hover:not(.hidden)').first();
        await hover.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
        shown = (await hover.isVisible()) ? await hover.innerText() : '(no hover)';
        return /probable-rename/.test(shown) && /2 non-null values/.test(shown) && /new_User/.test(shown) ? shown : undefined;
      },
      60_000,
      1_000,
    );
    assert.match(hoverText, /fullName looks like name renamed/);
    assert.doesNotMatch(hoverText.replace(/```[\s\S]*?```/g, ''), /`/, 'no literal backticks in the message');
    assert.equal(hoverText.split('Dev database:').length, 2, `"Dev database:" said once: ${hoverText}`);
    await shot('schema-diagnostic-hover');
  });

  it('applies "Keep the data: map fullName to the existing column name" as an ordinary edit: the tab dirty, one Undo takes it back', async () => {
    const file = path.join(uiSession().workspace, 'prisma', 'schema.prisma');
    const onDisk = readFileSync(file, 'utf8');
    await page.keyboard.press('Escape');
    await clickField('fullName');
    await runCommand(page, 'Quick Fix...');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'map fullName to the existing column name' }).first();
    await fix.waitFor({ state: 'visible', timeout: 60_000 });
    await shot('schema-quick-fixes');
    await fix.click();
    const editor = page.locator(EDITOR).first();
    const tab = page.locator(selectors.tabs, { hasText: 'schema.prisma' }).first();
    await poll('the @map was not added', async () => /fullName\s+String @map\("name"\)/.test(await editorText(editor)), 60_000);
    await poll('the squiggle stayed after the fix', async () => (await squiggles().count()) === 0, 120_000);
    assert.match((await tab.getAttribute('class')) ?? '', /\bdirty\b/, 'the fixed schema is unsaved, as any edit');
    assert.equal(readFileSync(file, 'utf8'), onDisk, 'nothing was saved to disk');
    await shot('schema-fixed');
    // One Undo, as the user presses it in the editor.
    await clickField('fullName');
    await page.keyboard.press('Control+z');
    await poll('one Undo did not take the @map back', async () => !/@map\("name"\)/.test(await editorText(editor)), 60_000);
    await poll('the tab stayed dirty after the Undo', async () => !/\bdirty\b/.test((await tab.getAttribute('class')) ?? ''), 30_000);
  });
});
