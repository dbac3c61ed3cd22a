// UI test of the Get Started walkthrough, on a code-server of its own with no Welcome page at start-up: the
// user does the work first, then opens Get Started, and finds the steps ticked from the project's state.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'mocha';
import type { BrowserContext, Page } from 'playwright-core';
import { newWorkbenchPage, uiSession } from './session';
import { findNotification, poll, runCommand, screenshot, selectors, showContainer } from './workbench';

const STEPS = ['Open the Migrations view', 'Choose a dev database', 'Create the first migration', 'See a breaking change while you type', 'Run the CI check'];

describe('the Get Started walkthrough', () => {
  let context: BrowserContext;
  let page: Page;
  const shot = (name: string) => screenshot(page, uiSession().screenshots, name);

  before(async () => ({ context, page } = await newWorkbenchPage()));
  after(() => context?.close());
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) console.log(`      screenshot: ${await shot('failed-walkthrough')}`);
  });

  it('opened after the work is done, shows every step done ticked', async function () {
    this.timeout(300_000);
    // The example's schema holds an unmigrated breaking change: said without the schema being opened.
    await page.locator(selectors.statusBarItems, { hasText: 'schema not migrated (1 breaking)' }).waitFor({ state: 'visible', timeout: 90_000 });
    await showContainer(page, 'Prisma Migrate');
    await runCommand(page, 'Prisma Migrate: Run CI Check');
    await page.locator(selectors.tabs, { hasText: 'CI check' }).first().waitFor({ state: 'visible', timeout: 120_000 });
    await findNotification(page, /CI check of .* would fail the build: \d+ findings?\./);
    assert.equal(await page.locator('.getting-started-step').count(), 0, 'the walkthrough was not open while the work was done');

    await runCommand(page, 'Prisma Migrate: Get Started');
    const step = (title: string) => page.locator('.getting-started-step', { hasText: title }).first();
    const checked = async (title: string) => (await step(title).locator('.codicon-getting-started-step-checked').count()) > 0;
    await step(STEPS[0]).waitFor({ state: 'visible', timeout: 120_000 });
    for (const title of STEPS) await poll(`"${title}" was not ticked when the walkthrough opened after it was done`, () => checked(title), 60_000);
    await shot('walkthrough');
  });
});
