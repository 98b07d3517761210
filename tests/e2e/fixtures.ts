/** Playwright fixtures: a harness per test, a page bound to it, and a guard against CSP violations and page errors. */
import { test as base, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACTS_DIR, startHarness, type Harness } from './harness';
import { writeStandardModels } from '../helpers/analysis-models';

export interface PageProblems {
  /** CSP violations and uncaught page errors seen so far. */
  problems: string[];
}

export const test = base.extend<{ harness: Harness; pageProblems: PageProblems; testModels: boolean }>({
  // When true, the core also loads the small deterministic ONNX models of
  // tests/helpers/analysis-models (a detector with a fixed box, a red-sensitive face
  // classifier with a heatmap, a green-sensitive image model), so verdicts are predictable.
  testModels: [false, { option: true }],
  harness: async ({ page, testModels }, use) => {
    const modelsDir = testModels ? fs.mkdtempSync(path.join(os.tmpdir(), 'mg-e2e-models-')) : null;
    if (modelsDir) writeStandardModels(modelsDir);
    const h = await startHarness(modelsDir ? { modelsDir } : {});
    await h.attach(page);
    await use(h);
    await h.close();
    if (modelsDir) fs.rmSync(modelsDir, { recursive: true, force: true });
  },
  // Collects what must never happen in the real renderer; walk tests assert it stays empty.
  pageProblems: async ({ page }, use) => {
    const seen: PageProblems = { problems: [] };
    page.on('console', (m) => {
      const t = m.text();
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(t)) seen.problems.push(`CSP: ${t.slice(0, 300)}`);
    });
    page.on('pageerror', (e) => seen.problems.push(`page error: ${e.message}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`Refused to load by Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    await use(seen);
  },
});

/** Save a full-page screenshot under tests/.artifacts/screenshots, suffixed with the theme (project) name. */
export async function snap(page: Page, name: string): Promise<string> {
  const dir = path.join(ARTIFACTS_DIR, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const theme = test.info().project.name || 'default';
  const file = path.join(dir, `${name}-${theme}.png`);
  // The sidebar is sticky: from the top, a full-page shot shows it where a user sees it.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export { expect };
