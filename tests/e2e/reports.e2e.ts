/**
 * Reports: a result exported as a PDF to the place the (scripted) save dialog names,
 * listed with its hash, revealed in its folder, checked as issued here; a changed copy
 * is not; a cancelled save dialog writes nothing.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, snap } from './fixtures';
import { createFirstAdmin, dropFiles, nav, settled } from './walk-helpers';
import { ROOT } from './harness';

const MEDIA = path.join(ROOT, 'tests', 'fixtures', 'generated', 'media');

test.use({ testModels: true });

test('export a PDF report, list it with its hash, reveal it and verify it', async ({ page, harness, pageProblems }) => {
  expect(fs.existsSync(path.join(MEDIA, 'camera.jpg')), 'generated media missing: run `npm run fixtures` (npm test does)').toBe(true);
  await createFirstAdmin(page, harness.url);
  await nav(page, 'reports');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await snap(page, 'reports-empty');

  await nav(page, 'analyse');
  await dropFiles(page, [{ name: 'camera.jpg', mime: 'image/jpeg', bytes: fs.readFileSync(path.join(MEDIA, 'camera.jpg')) }]);
  const row = page.getByTestId('queue-row');
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await row.getByTestId('open-result').click();
  await expect(page.getByTestId('screen-result')).toBeVisible();

  // Cancelling the save dialog writes nothing and says so.
  harness.dialogs.nextSave = null;
  await page.getByTestId('export-report').click();
  await page.getByTestId('choose-report-location').click();
  await expect(page.getByTestId('toast').last()).toContainText('cancelled');
  await expect(page.getByTestId('export-dialog')).toBeVisible();

  const out = path.join(harness.uploadDir, 'case-17-report.pdf');
  harness.dialogs.nextSave = out;
  await page.getByTestId('case-reference').fill('CASE-2026-017');
  await snap(page, 'export-dialog');
  await page.getByTestId('choose-report-location').click();
  await expect(page.getByTestId('toast').last()).toContainText('case-17-report.pdf');
  await expect(page.getByTestId('export-dialog')).toHaveCount(0);
  expect(fs.readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
  // The case reference reached the report (pdftotext from poppler-utils, which the tests use).
  const text = await import('node:child_process').then((cp) => cp.execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' }));
  expect(text).toContain('CASE-2026-017');
  const sha = crypto.createHash('sha256').update(fs.readFileSync(out)).digest('hex');

  await nav(page, 'reports');
  const rep = page.getByTestId('report-row');
  await expect(rep).toHaveCount(1);
  await expect(rep).toContainText('camera.jpg');
  await expect(rep).toContainText(out);
  await expect(rep.locator(`[title="${sha}"]`)).toBeVisible();
  await rep.getByTestId('reveal-report').click();
  await expect.poll(() => harness.dialogs.revealed).toContain(out);

  harness.dialogs.nextOpen = [out];
  await page.getByRole('button', { name: 'Choose a PDF…' }).click();
  await expect(page.getByTestId('verify-report-result')).toContainText('unchanged');
  // The audit entry the PDF printed when issued is still in the log.
  await expect(page.getByTestId('verify-report-anchor')).toContainText(/entry \d+ — the log still holds it as recorded/);
  const changed = path.join(harness.uploadDir, 'changed.pdf');
  fs.writeFileSync(changed, Buffer.concat([fs.readFileSync(out), Buffer.from('\n%tampered\n')]));
  harness.dialogs.nextOpen = [changed];
  await page.getByRole('button', { name: 'Choose a PDF…' }).click();
  await expect(page.getByTestId('verify-report-result')).toContainText('Not confirmed as a report issued');
  await settled(page);
  await snap(page, 'reports');
  expect(pageProblems.problems).toEqual([]);
});
