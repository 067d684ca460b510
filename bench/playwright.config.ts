import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../playwright.config';

export const appPort = Number(process.env['BENCH_APP_PORT'] ?? 18797);
export const barePort = Number(process.env['BENCH_BARE_PORT'] ?? 18798);

// Two relay processes: one serves the app and carries ALL signaling (app and bare pages alike);
// the other only serves the bare page's files.
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.bench\.ts$/,
  timeout: 600_000,
  // As in the e2e config: a lobby's camera can take seconds to answer on a busy machine.
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [['list']],
  // The goals each bench reports are printed together at the end, "met" or "NOT MET".
  globalSetup: './goals-setup.ts',
  globalTeardown: './goals-summary.ts',
  use: { launchOptions: { executablePath: chromiumPath, args: chromiumArgs } },
  webServer: [
    // Pages served by the second relay open WebSockets to this one: allow their origin.
    {
      command: `node build/relay/cli.js --port ${appPort} --static dist --allow-origin http://127.0.0.1:${barePort}`,
      url: `http://127.0.0.1:${appPort}/healthz`,
      cwd: '..',
    },
    // Its pages' Content-Security-Policy must let them reach the first relay.
    {
      command: `node build/relay/cli.js --port ${barePort} --static build/bench-bare --connect-src ws://127.0.0.1:${appPort}`,
      url: `http://127.0.0.1:${barePort}/healthz`,
      cwd: '..',
    },
  ],
});
