/**
 * The sign-in walk as a new installation sees it: first run, sign out and in, wrong
 * passwords up to a lockout with its countdown, an admin creating an account, the forced
 * password change at first sign-in and after an admin reset, lock/unlock, and the audit
 * chain verified intact and then shown broken where the file was edited.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, snap } from './fixtures';
import { ADMIN, createFirstAdmin, nav, settled, signOut, submitLogin } from './walk-helpers';

function findFile(dir: string, name: string): string | null {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isFile() && e.name === name) return p;
    if (e.isDirectory()) {
      const hit = findFile(p, name);
      if (hit) return hit;
    }
  }
  return null;
}

test.describe('sign-in, accounts and audit', () => {
  test('first run creates the admin; wrong passwords lock the account with a countdown', async ({ page, harness, pageProblems }) => {
    await page.goto(harness.url);
    await expect(page.getByTestId('first-run')).toBeVisible();
    await snap(page, 'first-run');

    // Rules are checked before anything is sent.
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Repeat password').fill('short');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await expect(page.getByTestId('form-error')).toContainText('at least 10 characters');

    await createFirstAdmin(page, harness.url);
    await expect(page.getByTestId('signed-in-as')).toContainText(ADMIN.displayName);
    await expect(page.getByTestId('nav-admin')).toBeVisible();
    await settled(page);
    await snap(page, 'dashboard-empty');

    await signOut(page);
    await submitLogin(page, ADMIN.username, 'not-the-password-1');
    await expect(page.getByTestId('form-error')).toContainText('Wrong username or password');
    await snap(page, 'login-error');

    // The default policy locks after 5 failures; the countdown then ticks down.
    // The form empties the password field once main has answered each attempt.
    await expect(page.getByLabel('Password')).toHaveValue('');
    for (let i = 0; i < 4; i++) {
      await page.getByLabel('Password').fill(`wrong-password-${i}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByLabel('Password')).toHaveValue('');
    }
    const countdown = page.getByTestId('lockout-countdown');
    await expect(countdown).toBeVisible();
    await expect(countdown).toContainText(/try again in 2\d min|30 min/);
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeDisabled();
    const first = await countdown.textContent();
    await expect(countdown).not.toHaveText(first ?? '', { timeout: 5000 });
    await snap(page, 'login-locked');
    expect(pageProblems.problems).toEqual([]);
  });

  test('admin manages accounts: forced password change, reset, lock and unlock; audit chain verified', async ({ page, harness, pageProblems }) => {
    await createFirstAdmin(page, harness.url);
    await nav(page, 'admin');
    await settled(page);
    await page.getByTestId('new-account').click();
    const dlg = page.getByTestId('create-account');
    await dlg.getByLabel('Username').fill('ivan');
    await dlg.getByLabel('Display name').fill('Ivan Investigator');
    await dlg.getByLabel('Role').selectOption('investigator');
    await dlg.getByLabel('Temporary password').fill('Temp-pass-0001');
    await snap(page, 'admin-create-account');
    await dlg.getByRole('button', { name: 'Create account' }).click();
    const row = page.locator('[data-testid="account-row"][data-username="ivan"]');
    await expect(row).toBeVisible();
    await expect(row.getByTestId('account-status')).toContainText('Must change password');
    await snap(page, 'admin-accounts');

    // First sign-in with the temporary password forces a new one.
    await signOut(page);
    await submitLogin(page, 'ivan', 'Temp-pass-0001');
    await expect(page.getByTestId('forced-password-change')).toBeVisible();
    await snap(page, 'forced-password-change');
    await page.getByLabel('Current password').fill('Temp-pass-0001');
    await page.getByLabel('New password', { exact: true }).fill('Own-secret-pass-77');
    await page.getByLabel('Repeat new password').fill('Own-secret-pass-77');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(page.getByTestId('screen-dashboard')).toBeVisible();
    await expect(page.getByTestId('nav-admin')).toHaveCount(0);

    // Account screen: change password again, then sign out.
    await nav(page, 'account');
    await page.getByLabel('Current password').fill('Own-secret-pass-77');
    await page.getByLabel('New password', { exact: true }).fill('Newer-secret-pass-78');
    await page.getByLabel('Repeat new password').fill('Newer-secret-pass-78');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByTestId('password-changed')).toBeVisible();
    await snap(page, 'account');
    await signOut(page);

    // Admin resets the password and locks the account.
    await submitLogin(page, ADMIN.username, ADMIN.password);
    await nav(page, 'admin');
    await row.getByTestId('reset').click();
    await page.getByTestId('reset-password').getByLabel('Temporary password').fill('Reset-pass-0002');
    await page.getByTestId('reset-password').getByRole('button', { name: 'Reset password' }).click();
    await expect(row.getByTestId('account-status')).toContainText('Must change password');
    await row.getByTestId('lock').click();
    await expect(row.getByTestId('account-status')).toContainText('Locked by an admin');
    await signOut(page);

    await submitLogin(page, 'ivan', 'Reset-pass-0002');
    await expect(page.getByTestId('form-error')).toContainText('locked');

    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await nav(page, 'admin');
    await row.getByTestId('unlock').click();
    await expect(row.getByTestId('account-status')).toContainText('Must change password');
    await signOut(page);

    await submitLogin(page, 'ivan', 'Reset-pass-0002');
    await expect(page.getByTestId('forced-password-change')).toBeVisible();
    await page.getByLabel('Current password').fill('Reset-pass-0002');
    await page.getByLabel('New password', { exact: true }).fill('Final-secret-pass-79');
    await page.getByLabel('Repeat new password').fill('Final-secret-pass-79');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(page.getByTestId('screen-dashboard')).toBeVisible();
    await signOut(page);

    // Audit: the chain verifies intact, the viewer filters, then an edited line is found.
    await submitLogin(page, ADMIN.username, ADMIN.password);
    await nav(page, 'admin');
    await page.getByTestId('admin-tab-audit').click();
    await expect(page.getByTestId('audit-table')).toBeVisible();
    await page.getByTestId('audit-action').selectOption('account.locked');
    await expect(page.getByTestId('audit-row')).toHaveCount(1);
    await page.getByTestId('audit-action').selectOption('');
    await page.getByTestId('verify-chain').click();
    await expect(page.getByTestId('verify-result')).toHaveAttribute('data-ok', 'true');
    await expect(page.getByTestId('audit-anchor')).toHaveText(/^\d+:[0-9a-f]{64}$/);
    await settled(page);
    await snap(page, 'admin-audit');

    const log = findFile(harness.dataDir, 'activity_logs.jsonl');
    expect(log, 'audit log file').not.toBeNull();
    const lines = fs.readFileSync(log!, 'utf8').split('\n');
    const idx = lines.findIndex((l) => l.includes('"account.locked"'));
    expect(idx).toBeGreaterThan(0);
    lines[idx] = lines[idx]!.replace('"account.locked"', '"account.unlocked"');
    fs.writeFileSync(log!, lines.join('\n'));
    await page.getByTestId('verify-chain').click();
    await expect(page.getByTestId('verify-result')).toHaveAttribute('data-ok', 'false');
    await expect(page.getByTestId('chain-break').first()).toContainText(`Entry #`);
    await snap(page, 'admin-audit-broken');
    expect(pageProblems.problems).toEqual([]);
  });
});
