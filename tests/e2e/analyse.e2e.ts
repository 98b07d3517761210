/**
 * The analysis walk: generated media dropped on the window, progress followed in the
 * queue, a job cancelled, a non-media file refused with advice, then the image and the
 * video results explored: heatmap opacity and toggle, zoom, faces, the video timeline
 * (clicking a point shows that frame), forensic layers, hashes, models, annotations.
 * Runs the real engine with the small deterministic test models (see fixtures.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, snap } from './fixtures';
import { analyseAndOpen, createFirstAdmin, dropFiles, nav, settled } from './walk-helpers';
import { ROOT } from './harness';
import sharp from 'sharp';
import { buildCameraRaw } from '../helpers/camera-raw-files';

const MEDIA = path.join(ROOT, 'tests', 'fixtures', 'generated', 'media');
const file = (name: string, mime: string, as = name) => ({ name: as, mime, bytes: fs.readFileSync(path.join(MEDIA, name)) });

test.use({ testModels: true });

test('drop, follow progress, cancel, and explore image and video results', async ({ page, harness, pageProblems }) => {
  expect(fs.existsSync(path.join(MEDIA, 'clip.mp4')), 'generated media missing: run `npm run fixtures` (npm test does)').toBe(true);
  await createFirstAdmin(page, harness.url);
  await nav(page, 'analyse');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await snap(page, 'analyse-empty');

  // Several files at once, dropped anywhere on the window.
  await dropFiles(page, [file('camera.jpg', 'image/jpeg'), file('clip.mp4', 'video/mp4'), file('notes.txt', 'text/plain'), file('scenes.mp4', 'video/mp4', 'long-take.mp4')]);
  const row = (name: string) => page.locator(`[data-testid="queue-row"][data-file="${name}"]`);
  await expect(page.getByTestId('queue-row')).toHaveCount(4);
  await snap(page, 'analyse-progress');

  // The last video waits behind the others: cancel it.
  const last = row('long-take.mp4');
  if ((await last.getAttribute('data-state')) !== 'done') {
    await last.getByRole('button', { name: 'Cancel long-take.mp4' }).click();
    await expect(last).toHaveAttribute('data-state', 'cancelled');
  }

  // A text file is refused with what was wrong and what to do.
  await expect(row('notes.txt')).toHaveAttribute('data-state', 'failed', { timeout: 60_000 });
  await expect(row('notes.txt').getByTestId('queue-error')).toContainText(/image|video/i);

  await expect(row('camera.jpg')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(row('clip.mp4')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(row('clip.mp4').getByTestId('queue-stage')).toHaveText('Done');
  await snap(page, 'analyse-done');

  // Image result: verdict, heatmap controls, zoom.
  await row('camera.jpg').getByTestId('open-result').click();
  await expect(page.getByTestId('screen-result')).toBeVisible();
  await expect(page.getByTestId('verdict-label')).not.toBeEmpty();
  await expect(page.getByTestId('verdict-explanation')).not.toBeEmpty();
  await expect(page.getByTestId('viewer-base')).toBeVisible();
  const heat = page.getByTestId('viewer-heat');
  await expect(heat).toBeVisible();
  await page.getByTestId('heatmap-opacity').fill('80');
  await expect(heat).toHaveCSS('opacity', '0.8');
  await page.getByTestId('heatmap-opacity').fill('20');
  await expect(heat).toHaveCSS('opacity', '0.2');
  await page.getByTestId('heatmap-toggle').uncheck();
  await expect(heat).toHaveCount(0);
  await page.getByTestId('heatmap-toggle').check();
  await page.getByTestId('zoom-in').click();
  await expect(page.getByTestId('zoom-level')).toHaveText('125 %');
  await page.getByTestId('viewer-stage').focus();
  await page.keyboard.press('0');
  await expect(page.getByTestId('zoom-level')).toHaveText('100 %');
  await page.getByTestId('heatmap-opacity').fill('55');
  // The viewer says what the heatmap shows and which model made it.
  await expect(page.getByTestId('heatmap-note')).toContainText('t-face: brightness of each 4×4 cell');
  await expect(page.getByTestId('face-tile').first()).toBeVisible();
  await expect(page.getByTestId('hashes')).toContainText(/[0-9a-f]{64}/);
  await expect(page.getByTestId('models-used')).toContainText('t-face');
  await expect(page.getByTestId('models-used')).toContainText(/most suspicious face \d+\.\d %/);
  await expect(page.getByTestId('models-used')).toContainText('decided the verdict');
  await settled(page);
  await snap(page, 'result-image');

  // Video result: timeline per face; clicking the chart shows that frame.
  await nav(page, 'history');
  await page.getByRole('button', { name: 'clip.mp4', exact: true }).click();
  await expect(page.getByTestId('screen-result')).toBeVisible();
  const timeline = page.getByTestId('timeline');
  await expect(timeline.locator('canvas')).toBeVisible();
  const selection = page.getByTestId('timeline-selection');
  const before = await selection.textContent();
  const box = (await timeline.locator('canvas').boundingBox())!;
  await timeline.locator('canvas').click({ position: { x: box.width * 0.15, y: box.height * 0.5 } });
  await expect(selection).not.toHaveText(before ?? '');
  const early = await selection.textContent();
  // The viewer says which moment it shows (caption) and, when no pixels were stored for
  // the clicked moment, what that moment scored and which stored view stands in (note).
  const described = page.getByTestId('heatmap-viewer');
  const before2 = await described.textContent();
  await timeline.locator('canvas').click({ position: { x: box.width * 0.9, y: box.height * 0.5 } });
  await expect(selection).not.toHaveText(early ?? '');
  await expect(described).not.toHaveText(before2 ?? '');
  await expect(page.getByTestId('viewer-base')).toBeVisible();
  await expect(page.getByTestId('viewer-heat')).toBeVisible();
  // The same choice from the keyboard: the frame list beside the chart.
  await page.getByTestId('timeline-frame').selectOption({ index: 0 });
  await expect(page.getByTestId('viewer-base')).toBeVisible();
  await expect(page.getByTestId('section-layers')).toBeVisible();

  await page.getByTestId('annotation-note').fill('Frame-by-frame review done; consistent with the camera original.');
  await page.getByTestId('save-annotation').click();
  await expect(page.getByTestId('annotation')).toHaveCount(1);
  await settled(page);
  await snap(page, 'result-video');

  await nav(page, 'dashboard');
  await settled(page);
  await expect(page.getByTestId('summary-row')).toHaveCount(2);
  await snap(page, 'dashboard-after-analysis');
  expect(pageProblems.problems).toEqual([]);
});

test('a picture with a cloned region: the copy-move check says so, shows where, and keeps it from "authentic"', async ({ page, harness, pageProblems }) => {
  await analyseAndOpen(page, harness.url, [file('cloned.jpg', 'image/jpeg'), file('camera.jpg', 'image/jpeg')], 'cloned.jpg');
  await expect(page.getByTestId('copy-move-found')).toHaveText('1 region of the picture is a copy of another part of it.');
  // The fixture cloned 110×80 px from (30, 40) to (330, 220): the pair lists both places.
  const table = page.getByTestId('copy-move-table');
  await expect(table.locator('td.mono')).toHaveCount(2);
  const places = (await table.locator('td.mono').allTextContents()).sort();
  expect(places[0]).toMatch(/^(2\d|3\d), (3\d|4\d), 1[01]\d×(7\d|8\d|9\d)$/);
  expect(places[1]).toMatch(/^3[23]\d, 2[12]\d, 1[01]\d×(7\d|8\d|9\d)$/);
  await expect(page.getByAltText('Copy-move overlay')).toBeVisible();
  await expect(page.getByTestId('verdict-label')).not.toHaveText(/authentic/i);
  await expect(page.getByTestId('verdict-explanation')).toContainText('copy-move check');
  await expect(page.getByTestId('warnings').locator('[data-code="CLONED_REGIONS"]')).toContainText('is a copy of another part of it');
  await page.getByTestId('copy-move').scrollIntoViewIfNeeded();
  await settled(page);
  await snap(page, 'result-copy-move');

  // The untouched photo: checked, nothing found.
  await nav(page, 'history');
  await page.getByRole('button', { name: 'camera.jpg', exact: true }).click();
  await expect(page.getByTestId('copy-move-none')).toHaveText('No copied region was found.');
  expect(pageProblems.problems).toEqual([]);
});

test('a twice-saved JPEG with a pasted region: the splice map says so, shows where, and keeps it from "authentic"', async ({ page, harness, pageProblems }) => {
  await analyseAndOpen(page, harness.url, [file('spliced.jpg', 'image/jpeg')]);
  await expect(page.getByTestId('splice-found')).toHaveText(/^The JPEG was saved twice \(earlier at quality ≈(5[89]|6[0-2])\), but 1 region does not carry the earlier compression/);
  // The fixture pasted 150×120 px at (173, 101).
  await expect(page.getByTestId('splice-table').locator('td.mono')).toHaveText(/^1[6-8]\d, (9\d|1[01]\d), 1[3-6]\d×1[0-3]\d$/);
  await expect(page.getByAltText('Splice map overlay')).toBeVisible();
  await expect(page.getByTestId('verdict-label')).not.toHaveText(/authentic/i);
  await expect(page.getByTestId('verdict-explanation')).toContainText('splice map');
  await expect(page.getByTestId('warnings').locator('[data-code="SPLICED_REGIONS"]')).toContainText('does not carry the earlier compression');
  await page.getByTestId('splice').scrollIntoViewIfNeeded();
  await settled(page);
  await snap(page, 'result-splice');
  expect(pageProblems.problems).toEqual([]);
});

test('a JPEG with a piece of another JPEG pasted in: the shifted-grid map says so, shows where and on which grid, and keeps it from "authentic"', async ({ page, harness, pageProblems }) => {
  await analyseAndOpen(page, harness.url, [file('pasted.jpg', 'image/jpeg'), file('cloned.jpg', 'image/jpeg')]);
  await expect(page.getByTestId('grid-found')).toHaveText(/^1 region carries an earlier JPEG compression on another 8×8 grid/);
  // The fixture pasted 150×120 px at (171, 101), its earlier grid 6 px right and 1 px down of the file's, at quality 60.
  const cells = page.getByTestId('grid-table').locator('td');
  await expect(cells.nth(1)).toHaveText(/^1[4-9]\d, (7\d|8\d|9\d|1[0-3]\d), 1[0-9]\d×(8\d|9\d|1[0-5]\d)$/);
  await expect(cells.nth(2)).toHaveText('6, 1');
  await expect(cells.nth(3)).toHaveText(/^≈(5\d|6\d)$/);
  await expect(page.getByAltText('Shifted-grid map overlay')).toBeVisible();
  await expect(page.getByTestId('verdict-label')).not.toHaveText(/authentic/i);
  await expect(page.getByTestId('verdict-explanation')).toContainText('shifted-grid map');
  await expect(page.getByTestId('warnings').locator('[data-code="SHIFTED_GRID_REGIONS"]')).toContainText('another 8×8 grid');
  await page.getByTestId('grid').scrollIntoViewIfNeeded();
  await settled(page);
  await snap(page, 'result-grid');

  // A picture saved once: mapped, nothing found.
  await nav(page, 'history');
  await page.getByRole('button', { name: 'cloned.jpg', exact: true }).click();
  await expect(page.getByTestId('grid-none')).toHaveText('No region compressed earlier on another grid than the rest of the picture was found.');
  await expect(page.getByTestId('grid-picture')).toHaveCount(0);
  expect(pageProblems.problems).toEqual([]);
});

test("a Stable Diffusion web UI's PNG: the metadata leads with the generator and its settings, and the file is not called authentic", async ({ page, harness, pageProblems }) => {
  await analyseAndOpen(page, harness.url, [file('generated.png', 'image/png')]);
  await expect(page.getByTestId('metadata')).toContainText('Generated by');
  await expect(page.getByTestId('metadata')).toContainText('v1-5-pruned-emaonly, hash 6ce0161689 — seed 424242');
  await expect(page.getByTestId('metadata')).toContainText('records the settings of an AI image generator');
  await expect(page.getByTestId('verdict-label')).not.toHaveText(/authentic/i);
  await expect(page.getByTestId('warnings').locator('[data-code="DECLARED_GENERATED"]')).toContainText("metadata declares it AI-generated");
  await settled(page);
  await snap(page, 'result-generated-png');
  expect(pageProblems.problems).toEqual([]);
});

test('a HEIC photo (the iPhone format) is analysed like any picture: shown, its EXIF read', async ({ page, harness, pageProblems }) => {
  await analyseAndOpen(page, harness.url, [file('camera.heic', 'image/heic')]);
  await expect(page.getByTestId('verdict-label')).not.toBeEmpty();
  // Chromium cannot show HEIC: what the viewer shows is the engine's own decoded picture.
  await expect(page.getByTestId('viewer-base')).toBeVisible();
  await expect.poll(() => page.getByTestId('viewer-base').evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0)).toBe(true);
  await expect(page.getByTestId('hashes')).toContainText('heif (image/heif)');
  await expect(page.getByTestId('metadata')).toContainText('Canon Canon EOS 80D');
  await expect(page.getByTestId('metadata')).toContainText('48.858222, 2.294500');
  // The whole-image detector does not judge a HEVC-coded picture, and says so where the models are listed.
  await expect(page.getByTestId('models-used')).toContainText('not judged: the picture is HEVC-coded (HEIC/HEIF)');
  await settled(page);
  await snap(page, 'result-heic');
  expect(pageProblems.problems).toEqual([]);
});

test('a camera raw file (DNG): its embedded preview analysed and shown, and the result says the sensor data was not developed', async ({ page, harness, pageProblems }) => {
  const jpeg = fs.readFileSync(path.join(MEDIA, 'camera.jpg'));
  const thumb = await sharp(jpeg).resize(160, 120).raw().toBuffer();
  const dng = buildCameraRaw({ thumbnail: { width: 160, height: 120, rgb: thumb }, previews: [{ jpeg, width: 640, height: 480 }], sensor: { width: 660, height: 496 } });
  await analyseAndOpen(page, harness.url, [{ name: 'photo.dng', mime: 'image/x-adobe-dng', bytes: dng }]);
  await expect(page.getByTestId('warnings').locator('[data-code="CAMERA_RAW"]')).toContainText('does not develop raw sensor data: what was analysed is the 640×480 JPEG preview');
  // Chromium cannot show a DNG: the viewer shows the preview the engine analysed, at its size.
  await page.getByTestId('show-whole').click();
  await expect.poll(() => page.getByTestId('viewer-base').evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth)).toBe(640);
  await expect(page.getByTestId('metadata')).toContainText('DNG 1.4.0.0; sensor data 660×496, 16-bit colour filter array');
  await expect(page.getByTestId('hashes')).toContainText('tiff (image/x-adobe-dng)');
  await expect(page.getByTestId('hashes')).toContainText('640 × 480');
  await settled(page);
  await snap(page, 'result-camera-raw');
  expect(pageProblems.problems).toEqual([]);
});

test('a video cut without re-encoding: the metadata says how much media playback skips, the hidden frames are shown and read apart, and the cut is not called damage', async ({ page, harness, pageProblems }) => {
  await analyseAndOpen(page, harness.url, [file('cut.mp4', 'video/mp4')]);
  const metadata = page.getByTestId('metadata');
  await expect(metadata).toContainText('holds 3.20 s of media that playback skips: its edit list plays 6.80 s of 10.0 s');
  await expect(metadata).toContainText('ftyp · free · mdat · moov');
  await expect(metadata).toContainText('FFmpeg (libavformat) — handler names');
  await expect(page.getByTestId('warnings')).not.toContainText('truncated');
  // The cut-away part (the fixture's red first 3.2 s) is shown and read apart from the played frames.
  const hidden = page.getByTestId('hidden-media');
  await expect(hidden).toContainText('3.20 s of the video track (0.00–3.20 s of its 10.00 s of media) is stored in the file but never played');
  await expect(hidden.getByTestId('hidden-frame')).toHaveCount(8);
  await expect(hidden.getByTestId('hidden-media-verdict')).toContainText('Likely manipulated. Not part of the verdict, but it keeps the file from being called authentic.');
  await expect.poll(() => hidden.locator('img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth === 160).length)).toBe(8);
  await expect(page.getByTestId('verdict-label')).not.toHaveText('Likely authentic');
  await settled(page);
  await snap(page, 'result-cut-video');
  expect(pageProblems.problems).toEqual([]);
});

test('a Matroska file with another appended: the metadata shows the element layout and the second file, and the appended video is shown and read apart', async ({ page, harness, pageProblems }) => {
  await analyseAndOpen(page, harness.url, [file('joined.mkv', 'video/x-matroska')]);
  const metadata = page.getByTestId('metadata');
  await expect(metadata).toContainText('EBML · Segment [SeekHead · Void · Info · Tracks · Tags · Cluster ×4 · Cues] · Segment [');
  await expect(metadata).toContainText('The file holds 2 segments — a second Matroska file after the first');
  // The appended file (2 s of red) is shown and read apart; the file's own frames are the test pattern.
  const appended = page.getByTestId('appended-media');
  await expect(appended).toContainText('the file holds a Matroska video of 2.00 s, 160×120');
  await expect(appended).toContainText('a second Matroska file after the first segment');
  await expect(appended.getByTestId('appended-frame')).toHaveCount(8);
  await expect(appended.getByTestId('appended-media-verdict')).toContainText('Likely manipulated. Not part of the verdict, but it keeps the file from being called authentic.');
  await expect.poll(() => appended.locator('img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth === 160).length)).toBe(8);
  await expect(page.getByTestId('warnings')).toContainText('appended media: The file holds a 2.00-s Matroska video (160×120)');
  // Only the first file's frames were sampled (FFmpeg's demuxer would read on into the second's).
  await expect(page.getByTestId('warnings')).not.toContainText('damaged');
  await expect(page.getByTestId('verdict-label')).not.toHaveText('Likely authentic');
  await settled(page);
  await snap(page, 'result-appended-video');
  expect(pageProblems.problems).toEqual([]);
});
