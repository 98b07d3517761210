/**
 * Live monitor on Chromium's fake capture device: frames are captured, sent as JPEG a few
 * times a second, scored by the engine (test models), shown with boxes, numbers and a
 * rolling chart; stopping saves a summary record that opens as a result.
 */
import { test, expect, snap } from './fixtures';
import { createFirstAdmin, nav, settled } from './walk-helpers';

test.use({ testModels: true });

test('live monitor analyses the camera and saves a summary on stop', async ({ page, harness, pageProblems }) => {
  await createFirstAdmin(page, harness.url);
  await nav(page, 'live');
  await snap(page, 'live-idle');
  await page.getByTestId('live-start').click();
  await expect(page.getByTestId('live-stop')).toBeVisible();
  // Several frames go round trip; the count only grows.
  await expect.poll(async () => Number(await page.getByTestId('live-frames').textContent()), { timeout: 30_000 }).toBeGreaterThanOrEqual(6);
  await expect(page.getByTestId('live-probability')).toHaveText(/%/);
  await expect(page.getByTestId('live-chart').locator('canvas')).toBeVisible();
  await snap(page, 'live-running');
  await page.getByTestId('live-stop').click();
  await expect(page.getByTestId('live-saved')).toBeVisible();
  await page.getByTestId('live-saved').getByRole('button', { name: 'Open the summary' }).click();
  await expect(page.getByTestId('screen-result')).toBeVisible();
  await expect(page.getByTestId('verdict-label')).not.toBeEmpty();
  await settled(page);
  await snap(page, 'live-summary');
  expect(pageProblems.problems).toEqual([]);
});
