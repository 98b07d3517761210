/**
 * The Cameras screen: an admin estimates a camera's sensor-noise fingerprint from a chosen
 * folder of its pictures (one picture of another orientation left out and named), checks a
 * picture from that camera (match), one from another camera (no match) and a part cut out of one
 * of the camera's pictures (found where it was cut), analyses the first
 * (the result's "Source camera" section names the match), then removes the camera.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, snap } from './fixtures';
import { createFirstAdmin, dropFiles, nav, settled } from './walk-helpers';
import { simCamera, writePhoto } from '../helpers/camera-pictures';

test.use({ testModels: true });

test('cameras: add a fingerprint from a folder, check pictures against it, remove it', async ({ page, harness, pageProblems }) => {
  const camA = simCamera(11, 640, 480);
  const camB = simCamera(22, 640, 480);
  const refs = path.join(harness.uploadDir, 'exhibit-12');
  for (let i = 0; i < 6; i++) await writePhoto(path.join(refs, `IMG_${i}.jpg`), camA, 500 + i, { make: 'Acme', model: 'Shooter 1' });
  await writePhoto(path.join(refs, 'IMG_turned.jpg'), camA, 510, { turn: 90 });
  const fromA = await writePhoto(path.join(harness.uploadDir, 'questioned-a.jpg'), camA, 600);
  const fromB = await writePhoto(path.join(harness.uploadDir, 'questioned-b.jpg'), camB, 700);
  const cutA = await writePhoto(path.join(harness.uploadDir, 'cut-a.jpg'), camA, 601, { cut: { left: 150, top: 90, width: 420, height: 300 } });

  await createFirstAdmin(page, harness.url);
  await nav(page, 'cameras');
  await expect(page.getByText('No cameras yet')).toBeVisible();
  await expect(page.getByTestId('camera-check-pick')).toBeDisabled();

  await page.getByLabel('Camera name').fill('Exhibit 12 phone');
  harness.dialogs.nextOpen = [refs];
  await page.getByTestId('camera-pick-folder').click();
  await expect(page.getByTestId('camera-paths')).toHaveText('1 file or folder chosen');
  await page.getByTestId('camera-add-submit').click();
  const row = page.getByTestId('camera-row');
  await expect(row).toHaveCount(1, { timeout: 60_000 });
  await expect(row).toContainText('Exhibit 12 phone');
  await expect(row).toContainText('Acme Shooter 1');
  await expect(row).toContainText('640×480');
  await expect(row).toContainText('6 pictures');
  await expect(page.getByTestId('camera-skipped')).toContainText('1 picture left out');

  harness.dialogs.nextOpen = [fromA];
  await page.getByTestId('camera-check-pick').click();
  const result = page.getByTestId('camera-check-result');
  await expect(result).toContainText('questioned-a.jpg', { timeout: 60_000 });
  await expect(page.getByTestId('camera-match-row')).toContainText('Match');
  // A match is mapped too: an untouched picture lacks the camera's noise nowhere.
  await expect(result.getByTestId('sensor-map')).toContainText('The noise of “Exhibit 12 phone” is present wherever it could be judged');
  await settled(page);
  await snap(page, 'cameras-match');

  harness.dialogs.nextOpen = [fromB];
  await page.getByTestId('camera-check-pick').click();
  await expect(result).toContainText('questioned-b.jpg', { timeout: 60_000 });
  await expect(page.getByTestId('camera-match-row')).toContainText('No match');
  await expect(result.getByTestId('sensor-map')).toHaveCount(0);

  // A part cut out of the camera's frame is searched for, and found where it was cut.
  harness.dialogs.nextOpen = [cutA];
  await page.getByTestId('camera-check-pick').click();
  await expect(result).toContainText('cut-a.jpg', { timeout: 60_000 });
  await expect(page.getByTestId('camera-match-row')).toContainText('Match');
  await expect(page.getByTestId('camera-match-row')).toContainText('cut out at (150, 90)');

  // A picture dropped on the check panel is checked there, not queued for analysis.
  await dropFiles(page, [{ name: 'dropped-a.jpg', mime: 'image/jpeg', bytes: fs.readFileSync(fromA) }], '[data-testid="camera-check"]');
  await expect(result).toContainText('dropped-a.jpg', { timeout: 60_000 });
  await expect(page.getByTestId('camera-match-row')).toContainText('Match');
  await expect(page.getByTestId('camera-check')).toBeVisible();

  // An analysis of the camera's picture compares it with the library too: the result says so.
  await nav(page, 'analyse');
  harness.dialogs.nextOpen = [fromA];
  await page.getByTestId('pick-files').click();
  const queued = page.locator('[data-testid="queue-row"][data-file="questioned-a.jpg"]');
  await expect(queued).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  // The picture dropped on the check panel was not queued: this is the only analysis.
  await expect(page.getByTestId('queue-row')).toHaveCount(1);
  await queued.getByTestId('open-result').click();
  await expect(page.getByTestId('source-camera')).toContainText('Sensor noise matches “Exhibit 12 phone”');
  await expect(page.getByTestId('source-camera').getByTestId('camera-match-row')).toContainText('Match');
  await expect(page.getByTestId('source-camera').getByTestId('sensor-map-none')).toContainText('no region lacks it');
  await settled(page);
  await snap(page, 'result-source-camera');
  await nav(page, 'cameras');

  await page.getByTestId('camera-remove').click();
  await page.getByTestId('camera-remove-confirm').click();
  await expect(row).toHaveCount(0);
  const actions = harness.core.audit.list({ limit: 100 }).items.map((e) => e.action);
  expect(actions).toEqual(expect.arrayContaining(['camera.added', 'camera.checked', 'camera.removed']));
  expect(pageProblems.problems).toEqual([]);
});
