/** Playwright fixtures: a harness per test file worker and a page bound to it. */
import { test as base, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS_DIR, startHarness, type Harness } from './harness';

export const test = base.extend<{ harness: Harness }>({
  harness: async ({ page }, use) => {
    const h = await startHarness();
    await h.attach(page);
    await use(h);
    await h.close();
  },
});

/** Save a full-page screenshot under tests/.artifacts/screenshots for people to look at. */
export async function snap(page: Page, name: string): Promise<string> {
  const dir = path.join(ARTIFACTS_DIR, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export { expect };
