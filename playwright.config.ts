import { defineConfig } from '@playwright/test';

const port = Number(process.env['E2E_PORT'] ?? 18787);
/** Debian's Chromium: Playwright cannot download its own browsers on these machines. */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const baseURL = `http://127.0.0.1:${port}`;

/** Debian Chromium with fake camera/mic; loopback ICE only (tests never touch the internet). */
export const chromiumArgs = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--no-sandbox',
  '--allow-loopback-in-peer-connection',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  // CI only: one retry for a test that failed once. Two-browser calls with real media on a 2-core
  // machine may still have rare timing failures (the last one found: a re-dial closing a connection
  // as it opened, patches/README.md "12."); a retried pass is printed as "flaky" in the report and is
  // a bug to find, never a green light.
  retries: process.env['CI'] ? 1 : 0,
  reporter: [['list']],
  use: {
    baseURL,
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
  },
  // Our relay serves the built app and its signaling on one origin, as `npm start` does.
  webServer: {
    command: `node build/relay/cli.js --port ${port} --static dist`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    stdout: 'pipe',
    timeout: 30_000,
  },
});
