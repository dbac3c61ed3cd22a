// UI test of the Get Started walkthrough, on a code-server of its own whose startup editor is the Welcome page
// (VS Code's default): its steps complete from what the user does, in a real workbench.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'mocha';
import type { BrowserContext, Page } from 'playwright-core';
import { newWorkbenchPage, uiSession } from './session';
import { findNotification, poll, runCommand, screenshot, selectors, typeCommand } from './workbench';

describe('the Get Started walkthrough', () => {
  let context: BrowserContext;
  let page: Page;
  const shot = (name: string) => screenshot(page, uiSession().screenshots, name);

  before(async () => ({ context, page } = await newWorkbenchPage()));
  after(() => context?.close());
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) console.log(`      screenshot: ${await shot('failed-walkthrough')}`);
  });

  it('walks through Get Started: steps complete as the user does them', async function () {
    this.timeout(300_000);
    // The project is open: the extension activated, showed its view and read the status.
    await page.locator(selectors.statusBarItems, { hasText: 'migrations up to date' }).waitFor({ state: 'visible', timeout: 60_000 });
    await runCommand(page, 'Prisma Migrate: Get Started');
    const step = (title: string) => page.locator('.getting-started-step', { hasText: title }).first();
    const checked = async (title: string) => (await step(title).locator('.codicon-getting-started-step-checked').count()) > 0;
    await step('Open the Migrations view').waitFor({ state: 'visible', timeout: 120_000 });
    // Done by opening the project: the extension showed its view, the embedded dev database answered, it has migrations.
    for (const title of ['Open the Migrations view', 'Choose a dev database', 'Create the first migration']) {
      await poll(`"${title}" was not checked`, () => checked(title), 60_000);
    }
    assert.equal(await checked('See a breaking change while you type'), false, 'no schema was open yet');
    assert.equal(await checked('Run the CI check'), false, 'the CI check has not run yet');
    // The walkthrough page moves the focus to its selected step a moment after it opens, which can close a
    // palette just opened and take its Enter: the check shows its findings in a tab, so run it until one does.
    await poll('Run CI Check did not open its findings', async () => {
      await runCommand(page, 'Prisma Migrate: Run CI Check');
      return page.locator(selectors.tabs, { hasText: 'CI check' }).first().waitFor({ state: 'visible', timeout: 20_000 }).then(() => true, () => false);
    }, 180_000);
    await findNotification(page, /CI check of .* would fail the build: \d+ findings?\./);
    await typeCommand(page, 'Go to File');
    await page.keyboard.press('Enter');
    await page.keyboard.type(path.join('prisma', 'schema.prisma'));
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'schema.prisma' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await page.keyboard.press('Enter');
    await page.locator('.squiggly-error, .squiggly-warning').first().waitFor({ state: 'visible', timeout: 60_000 });
    await runCommand(page, 'Prisma Migrate: Get Started');
    await poll('"Run the CI check" was not checked after the check ran', () => checked('Run the CI check'), 60_000);
    await poll('"See a breaking change while you type" was not checked once the schema showed one', () => checked('See a breaking change while you type'), 60_000);
    await shot('walkthrough');
  });
});
