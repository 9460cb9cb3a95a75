import { defineConfig } from '@playwright/test';

// Debian's chromium: Playwright's own browser download cannot be reached from these machines.
const chromiumPath = process.env.PODSCOPE_CHROMIUM ?? '/usr/bin/chromium';
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: './tests',
  // Everything a run leaves (screenshots on success too, traces, stack logs) lands under artifacts/.
  outputDir: './artifacts/test-results',
  // The real stack (hub + agent + podman) is started once for all tests by the global setup.
  globalSetup: './support/globalSetup.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  retries: 0,
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['html', { outputFolder: './artifacts/report', open: 'never' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    screenshot: 'on',
    trace: 'retain-on-failure',
    video: 'off',
    actionTimeout: 15_000,
  },
});
