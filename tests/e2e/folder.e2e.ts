/**
 * A folder chosen with "Choose a folder…" (main's dialog, scripted here): its pictures are
 * queued by content — an extension-less copy included — and what it held that was not queued
 * is listed above the queue until "Clear finished". Runs the real engine with the small
 * deterministic test models.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, snap } from './fixtures';
import { createFirstAdmin, nav, settled } from './walk-helpers';
import { ROOT } from './harness';

const MEDIA = path.join(ROOT, 'tests', 'fixtures', 'generated', 'media');

test.use({ testModels: true });

test('a chosen folder: pictures queued by content, the rest listed as not analysed', async ({ page, harness, pageProblems }) => {
  expect(fs.existsSync(path.join(MEDIA, 'camera.jpg')), 'generated media missing: run `npm run fixtures` (npm test does)').toBe(true);
  const folder = path.join(harness.uploadDir, 'case-17');
  fs.mkdirSync(path.join(folder, 'sub'), { recursive: true });
  fs.copyFileSync(path.join(MEDIA, 'camera.jpg'), path.join(folder, 'camera.jpg'));
  fs.copyFileSync(path.join(MEDIA, 'camera.jpg'), path.join(folder, 'sub', 'IMG_0001')); // no extension
  fs.writeFileSync(path.join(folder, 'notes.txt'), 'case notes');
  fs.writeFileSync(path.join(folder, '.DS_Store'), 'x');

  await createFirstAdmin(page, harness.url);
  await nav(page, 'analyse');
  harness.dialogs.nextOpen = [folder];
  await page.getByTestId('pick-folder').click();
  const row = (name: string) => page.locator(`[data-testid="queue-row"][data-file="${name}"]`);
  await expect(page.getByTestId('queue-row')).toHaveCount(2);
  await expect(page.getByTestId('left-out')).toHaveText(
    'Not analysed in “case-17”: 1 file that is not an image or a video (notes.txt); 1 hidden entry (names starting with a dot).',
  );
  await expect(row('camera.jpg')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(row('IMG_0001')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await settled(page);
  await snap(page, 'analyse-folder');
  await page.getByRole('button', { name: 'Clear finished' }).click();
  await expect(page.getByTestId('left-out')).toHaveCount(0);
  expect(pageProblems.problems).toEqual([]);
});
