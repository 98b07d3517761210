/**
 * The real Electron shell, driven by Playwright's _electron. Runs where the Electron binary
 * exists; elsewhere every test here reports itself skipped, with the reason.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { electronBinary } from './electron-binary';

const ROOT = path.resolve(__dirname, '..', '..');
const exe = electronBinary(ROOT);

/** The built app on a fresh data folder. */
function launch(dataDir: string) {
  return electron.launch({
    executablePath: exe!,
    args: [path.join(ROOT, 'dist', 'main', 'main.cjs'), '--data-dir', dataDir, '--no-sandbox'],
    env: { ...process.env, MEDIAGUARD_DATA_DIR: dataDir },
  });
}

test.describe('Electron shell', () => {
  test.skip(!exe, 'Electron binary not installed on this machine (it downloads on first launch, which needs a network): _electron suite skipped');

  test('opens a hardened window on app:// with the bridge', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-electron-'));
    const app = await launch(dataDir);
    try {
      const page = await app.firstWindow();
      expect(page.url()).toMatch(/^app:\/\/mediaguard\//);
      // No Node in the page (nodeIntegration off, sandbox on) and the bridge is frozen by contextIsolation.
      const page_ = await page.evaluate(() => ({
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
        bridgeFrozen: Object.isFrozen((window as unknown as { mediaguard: object }).mediaguard),
      }));
      expect(page_).toEqual({ require: 'undefined', process: 'undefined', bridgeFrozen: true });
      const info = await page.evaluate(() => (window as unknown as { mediaguard: { invoke: (c: string, p: unknown) => Promise<unknown> } }).mediaguard.invoke('app:info', {}));
      expect(info).toMatchObject({ ok: true, value: { name: 'MediaGuard', dataDir } });
      // file:// is refused and navigation away is denied.
      await page.evaluate(() => {
        window.location.href = 'https://example.com/';
      });
      await page.waitForTimeout(500);
      expect(page.url()).toMatch(/^app:\/\/mediaguard\//);
      const popup = await page.evaluate(() => window.open('https://example.com/') === null);
      expect(popup).toBe(true);
    } finally {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('analysis:start takes only paths the user gave this window (the preload grants dropped files)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-electron-'));
    const evidence = path.join(dataDir, 'evidence.png');
    fs.copyFileSync(path.join(ROOT, 'resources', 'icon.png'), evidence);
    const app = await launch(dataDir);
    try {
      const page = await app.firstWindow();
      type Mg = { mediaguard: { invoke: (c: string, p: unknown) => Promise<{ ok: boolean; error?: { code: string } }>; pathForFile: (f: File) => Promise<string | null> } };
      const setup = await page.evaluate(() => (window as unknown as Mg).mediaguard.invoke('auth:setup', { username: 'chief', password: 'correct-horse-battery-42' }));
      expect(setup.ok).toBe(true);
      // A path the page names itself is refused, and so is a File the page made (it has no path).
      const forged = await page.evaluate((p) => (window as unknown as Mg).mediaguard.invoke('analysis:start', { paths: [p] }), evidence);
      expect(forged).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await page.evaluate(() => (window as unknown as Mg).mediaguard.pathForFile(new File(['x'], 'made-up.png')))).toBeNull();
      // A file the user chose (an <input type=file>, as a drop gives) is granted by the preload.
      await page.evaluate(() => {
        const input = document.createElement('input');
        input.type = 'file';
        input.id = 'probe-input';
        document.body.appendChild(input);
      });
      await page.setInputFiles('#probe-input', evidence);
      const started = await page.evaluate(async () => {
        const mg = (window as unknown as Mg).mediaguard;
        const f = (document.getElementById('probe-input') as HTMLInputElement).files![0]!;
        const p = await mg.pathForFile(f);
        return mg.invoke('analysis:start', { paths: [p] });
      });
      expect(started).toMatchObject({ ok: true });
    } finally {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
