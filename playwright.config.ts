import { defineConfig } from '@playwright/test';
import type { LatheOptions } from './e2e/fixtures';

/**
 * Two projects run the same specs:
 * - web: Debian's Chromium against `lathe serve` (runs everywhere, CI included);
 * - electron: the built app under `_electron.launch`, where an Electron binary exists (skipped with its
 *   reason printed where it does not, as on these machines).
 */
export default defineConfig<LatheOptions>({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }], ['json', { outputFile: '.test-reports/playwright.json' }]],
  outputDir: 'test-results',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 800 },
  },
  projects: [
    {
      name: 'web',
      use: {
        host: 'web',
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env.LATHE_CHROMIUM ?? '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        },
      },
    },
    { name: 'electron', use: { host: 'electron' } },
  ],
});
