import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.electron\.ts$/,
  outputDir: '../../test-results/electron',
  workers: 1,
  timeout: 120_000,
  reporter: [['list']],
});
