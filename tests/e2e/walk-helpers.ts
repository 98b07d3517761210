/** UI steps the end-to-end walks share: setup, sign-in, navigation, as a user would do them. */
import { expect, type Page } from '@playwright/test';

export const ADMIN = { username: 'chief', displayName: 'Chief Admin', password: 'Admin-pass-2024' };

/** Fill the first-run form and land on the dashboard. */
export async function createFirstAdmin(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('first-run')).toBeVisible();
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Display name (optional)').fill(ADMIN.displayName);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Repeat password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page.getByTestId('screen-dashboard')).toBeVisible();
}

/** Sign in through the login form (does not wait for a particular outcome). */
export async function submitLogin(page: Page, username: string, password: string): Promise<void> {
  await expect(page.getByTestId('login')).toBeVisible();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Sign out from the sidebar. */
export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('login')).toBeVisible();
}

/** Open a screen from the sidebar. */
export async function nav(page: Page, name: 'dashboard' | 'analyse' | 'history' | 'reports' | 'live' | 'cameras' | 'admin' | 'account'): Promise<void> {
  await page.getByTestId(`nav-${name}`).click();
  await expect(page.getByTestId(`screen-${name}`)).toBeVisible();
}

/** Wait until no loading placeholder is left on the page (so screenshots show data). */
export async function settled(page: Page): Promise<void> {
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

/** Drop files on the window (or on the element `selector` names) the way a file manager does: dragenter, dragover, drop with a DataTransfer. */
export async function dropFiles(page: Page, files: { name: string; mime: string; bytes: Buffer }[], selector = 'main'): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, mime: f.mime, b64: f.bytes.toString('base64') }));
  await page.evaluate(({ items, selector }) => {
    const dt = new DataTransfer();
    for (const it of items) {
      const bin = atob(it.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], it.name, { type: it.mime }));
    }
    const target = document.querySelector(selector) ?? document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, { items: payload, selector });
}

/**
 * Create the first administrator, drop files on the Analyse screen, wait until each is analysed, and open
 * the result of one (the first by default): the opening steps of most analysis walks.
 */
export async function analyseAndOpen(page: Page, url: string, files: { name: string; mime: string; bytes: Buffer }[], open = files[0]!.name): Promise<void> {
  await createFirstAdmin(page, url);
  await nav(page, 'analyse');
  await dropFiles(page, files);
  const row = (name: string) => page.locator(`[data-testid="queue-row"][data-file="${name}"]`);
  for (const f of files) await expect(row(f.name)).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await row(open).getByTestId('open-result').click();
  await expect(page.getByTestId('screen-result')).toBeVisible();
}
