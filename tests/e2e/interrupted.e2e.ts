/**
 * A record whose analysis never finished (the app stopped while it ran; at the next start
 * the store marks it interrupted): history says so instead of showing a verdict, neither
 * history nor the result page offers a report, and the result page re-runs the analysis
 * of the same file. Runs the real engine with the small deterministic test models.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, snap } from './fixtures';
import { createFirstAdmin, nav, settled } from './walk-helpers';
import { ROOT } from './harness';
import { placeholderDetection } from '../../src-main/core/analysis/record';

const MEDIA = path.join(ROOT, 'tests', 'fixtures', 'generated', 'media');

test.use({ testModels: true });

test('an interrupted analysis: no verdict, no report, re-run from its result page', async ({ page, harness, pageProblems }) => {
  expect(fs.existsSync(path.join(MEDIA, 'camera.jpg')), 'generated media missing: run `npm run fixtures` (npm test does)').toBe(true);
  const evidence = path.join(harness.uploadDir, 'camera.jpg');
  fs.copyFileSync(path.join(MEDIA, 'camera.jpg'), evidence);
  const owner = { userId: 'analyst-a', username: 'ana' };
  const job = { jobId: 'job-1', fileName: 'camera.jpg', path: evidence, state: 'running' as const, progress: null, detectionId: null, error: null, ownerId: owner.userId };
  const rec = await harness.core.detections.insert(placeholderDetection('', owner, job, new Date().toISOString(), '0.0.0-e2e'));
  // What the store does at the next start with a record left running.
  await harness.core.detections.setStatus(rec.id, 'interrupted', { error: { code: 'CANCELLED', message: 'The application stopped while this analysis was running.' } });

  await createFirstAdmin(page, harness.url);
  await nav(page, 'history');
  const row = page.locator(`[data-testid="summary-row"][data-id="${rec.id}"]`);
  await expect(row.getByTestId('record-status')).toHaveText('Interrupted · no verdict');
  await expect(row.getByRole('button', { name: /export/i })).toHaveCount(0);
  await expect(row.getByTestId('delete-record')).toBeVisible();

  await row.getByRole('button', { name: 'camera.jpg', exact: true }).click();
  await expect(page.getByTestId('screen-result')).toBeVisible();
  await expect(page.getByTestId('unfinished')).toContainText('did not finish');
  await expect(page.getByTestId('verdict-explanation')).toContainText('No verdict: the analysis was interrupted before it finished');
  await expect(page.getByRole('button', { name: /export/i })).toHaveCount(0);
  // Nothing was measured: no evidence, layers, hashes or models are shown for it; notes can still be added.
  for (const section of ['layers', 'file', 'metadata', 'models']) await expect(page.getByTestId(`section-${section}`)).toHaveCount(0);
  await expect(page.getByTestId('section-annotations')).toBeVisible();
  await expect(page.getByTestId('override-toggle')).toHaveCount(0);
  await settled(page);
  await snap(page, 'result-interrupted');

  await page.getByTestId('rerun').click();
  await expect(page.getByTestId('screen-analyse')).toBeVisible();
  const queued = page.locator('[data-testid="queue-row"][data-file="camera.jpg"]');
  await expect(queued).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await queued.getByTestId('open-result').click();
  await expect(page.getByTestId('screen-result')).toBeVisible();
  await expect(page.getByTestId('unfinished')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /export/i }).first()).toBeVisible();
  expect(pageProblems.problems).toEqual([]);
});
