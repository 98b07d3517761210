import { test, expect, snap } from './fixtures';

test.describe('renderer over the test bridge', () => {
  test('opens the real renderer and shows app:info from the handler table', async ({ page, harness }) => {
    await page.goto(harness.url);
    // A fresh data dir starts at first-run setup, which names the version and the data dir.
    await expect(page.getByTestId('app-version')).toHaveText('0.0.0-e2e');
    await expect(page.getByText(harness.dataDir)).toBeVisible();
    await snap(page, 'foundation-app-info');
  });

  test('the bridge refuses unknown channels and malformed payloads', async ({ page, harness }) => {
    await page.goto(harness.url);
    const results = await page.evaluate(async () => {
      const mg = (window as unknown as { mediaguard: { invoke: (c: string, p: unknown) => Promise<unknown> } }).mediaguard;
      const raw = (window as unknown as { __mgInvoke: (c: unknown, p: unknown) => Promise<unknown> }).__mgInvoke;
      return {
        unknownViaApi: await mg.invoke('evil:channel', {}),
        unknownRaw: await raw('evil:channel', {}),
        protoRaw: await raw('__proto__', {}),
        malformed: await mg.invoke('app:info', { injected: '$where' }),
        notObject: await raw('app:info', 'a string'),
        good: await mg.invoke('app:info', {}),
      };
    });
    expect(results.unknownViaApi).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(results.unknownRaw).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(results.protoRaw).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(results.malformed).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(results.notObject).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(results.good).toMatchObject({ ok: true, value: { name: 'MediaGuard' } });
  });

  test('the page runs under a CSP that forbids inline script', async ({ page, harness }) => {
    await page.goto(harness.url);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    const inlineRan = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.appendChild(s);
      return (window as unknown as { __inline?: number }).__inline === 1;
    });
    expect(inlineRan).toBe(false);
  });
});
