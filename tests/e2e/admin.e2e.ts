/**
 * Admin settings and models, idle sign-out, and keyboard use: settings saved and
 * re-read, the model list verified, a refused model import explained, an idle session
 * returning the window to sign-in, and the sidebar reachable with Tab and a visible focus ring.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, snap } from './fixtures';
import { createFirstAdmin, nav, settled } from './walk-helpers';

test.use({ testModels: true });

test('settings and models: save, re-read, verify, refuse a bad import', async ({ page, harness, pageProblems }) => {
  await createFirstAdmin(page, harness.url);
  await nav(page, 'admin');
  await page.getByTestId('admin-tab-settings').click();
  const form = page.getByTestId('settings-form');
  await expect(form).toBeVisible();
  await expect(page.getByTestId('data-dir')).toHaveText(harness.dataDir);

  await form.getByLabel('Use each model’s calibrated thresholds').uncheck();
  await form.getByLabel('Authentic below').fill('0.25');
  await form.getByLabel('Manipulated from').fill('0.8');
  await form.getByLabel('Strategy').selectOption('rate');
  await form.getByLabel('Idle sign-out (minutes)').fill('20');
  await page.getByTestId('save-settings').click();
  await expect(page.getByTestId('toast').last()).toContainText('Settings saved');
  expect(harness.core.settings.get()).toMatchObject({ thresholds: { authentic: 0.25, manipulated: 0.8 }, sessionIdleMinutes: 20 });
  expect(harness.core.settings.get().sampling.strategy).toBe('rate');

  // An inconsistent pair is refused before it is sent.
  await form.getByLabel('Authentic below').fill('0.9');
  await page.getByTestId('save-settings').click();
  await expect(form.getByTestId('form-error')).toContainText('must not exceed');

  const models = page.getByTestId('models-admin');
  const rows = models.getByTestId('model-row');
  for (const id of ['t-detector', 't-face', 't-image']) await expect(rows.filter({ hasText: id })).toHaveCount(1);
  const count = await rows.count();
  await models.getByRole('button', { name: 'Verify hashes' }).click();
  await expect(rows.filter({ hasText: 't-face' })).toContainText('Hash matches manifest');

  // A manifest whose hash does not match its ONNX file is refused with the reason.
  const bad = path.join(harness.uploadDir, 'bad-model');
  fs.mkdirSync(bad);
  fs.writeFileSync(path.join(bad, 'x.onnx'), 'not a model');
  fs.writeFileSync(path.join(bad, 'x.json'), JSON.stringify({ id: 'x', version: '1', file: 'x.onnx', sha256: 'a'.repeat(64), task: 'face-manipulation' }));
  harness.dialogs.nextOpen = [path.join(bad, 'x.json')];
  await models.getByRole('button', { name: 'Import model…' }).click();
  await expect(page.getByTestId('toast').last()).toContainText('Model not imported');
  await expect(rows).toHaveCount(count);
  await settled(page);
  await snap(page, 'admin-settings');
  expect(pageProblems.problems).toEqual([]);
});

test('an idle session returns the window to sign-in with the reason', async ({ page, harness, pageProblems }) => {
  await createFirstAdmin(page, harness.url);
  harness.core.sessions.setIdleMs(300);
  await page.waitForTimeout(600);
  await page.getByTestId('nav-history').click();
  await expect(page.getByTestId('login')).toBeVisible();
  await expect(page.getByTestId('login-notice')).toContainText(/inactivity|sign in again/i);
  await snap(page, 'login-idle');
  expect(pageProblems.problems).toEqual([]);
});

test('the window can be driven from the keyboard with a visible focus ring', async ({ page, harness }) => {
  await createFirstAdmin(page, harness.url);
  await page.getByTestId('nav-dashboard').focus();
  await page.keyboard.press('Tab');
  const focused = page.locator(':focus');
  await expect(focused).toHaveAttribute('data-testid', 'nav-analyse');
  const outline = await focused.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('screen-analyse')).toBeVisible();
  // Admin tabs move with the arrow keys.
  await page.getByTestId('nav-admin').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('admin-tab-accounts').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('admin-tab-audit')).toBeFocused();
  await expect(page.getByTestId('admin-tab-audit')).toHaveAttribute('aria-selected', 'true');
});
