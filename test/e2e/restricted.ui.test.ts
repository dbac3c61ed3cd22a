// UI test of a Prisma project opened in Restricted Mode (run by test/e2e/run.ts with workspace trust on and
// never prompting, on a copy of test/fixtures/untrusted-workspace, whose prisma.config.ts leaves a mark
// when it runs). Extension-host tests cannot cover this: VS Code trusts every folder it runs tests in.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { BrowserContext, Page } from 'playwright-core';
import { newWorkbenchPage, uiSession } from './session';
import { poll, screenshot, selectors, showContainer, treeRows } from './workbench';

describe('a Prisma project in Restricted Mode, in the workbench', () => {
  let context: BrowserContext;
  let page: Page;

  before(async () => ({ context, page } = await newWorkbenchPage()));
  after(() => context?.close());

  it('says why it shows no migrations and how to trust, and never runs prisma.config.ts or opens the database', async () => {
    await showContainer(page, 'Prisma Migrate');
    let rows: string[] = [];
    await poll(
      () => `the view did not explain Restricted Mode (rows: ${JSON.stringify(rows)})`,
      async () => {
        rows = await treeRows(page);
        return rows.some((row) => row === 'Restricted Mode — trust this workspace to see its migrations');
      },
    );
    const status = page.locator(selectors.statusBarItems, { hasText: 'migrations: Restricted Mode' });
    await status.waitFor({ state: 'visible', timeout: 60_000 });
    await screenshot(page, uiSession().screenshots, 'restricted-mode');
    const workspace = uiSession().workspace;
    assert.equal(existsSync(path.join(workspace, 'config-ran.txt')), false, 'prisma.config.ts was executed');
    assert.equal(existsSync(path.join(workspace, 'prisma', 'dev.db')), false, 'the database was opened');
  });
});
