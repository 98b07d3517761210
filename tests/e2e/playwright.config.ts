import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A camera for the live monitor: a short generated clip Chromium loops as its capture
 * device (--use-file-for-fake-video-capture). Made once with ffmpeg; without ffmpeg,
 * Chromium's built-in fake device is used instead.
 */
function fakeCamera(): string | null {
  const file = path.resolve(__dirname, '..', '..', 'test-results', 'fake-camera.y4m');
  if (fs.existsSync(file)) return file;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp.y4m`;
    execFileSync(process.env.MEDIAGUARD_FFMPEG ?? 'ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '4', '-pix_fmt', 'yuv420p', tmp], { stdio: 'ignore' });
    fs.renameSync(tmp, file);
    return file;
  } catch {
    return null;
  }
}
const camera = fakeCamera();

/** Debian's Chromium, headless, with the background services that need a network turned off. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  ...(camera ? [`--use-file-for-fake-video-capture=${camera}`] : []),
];

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.e2e\.ts$/,
  outputDir: '../../test-results/e2e',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.MEDIAGUARD_CHROMIUM ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
    viewport: { width: 1360, height: 860 },
    trace: 'off',
  },
  projects: [
    { name: 'light', use: { colorScheme: 'light' } },
    { name: 'dark', use: { colorScheme: 'dark' } },
  ],
});
