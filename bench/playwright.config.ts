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
  workers: 1,
  reporter: [['list']],
  use: { launchOptions: { executablePath: chromiumPath, args: chromiumArgs } },
  webServer: [
    { command: `node build/relay/cli.js --port ${appPort} --static dist`, url: `http://127.0.0.1:${appPort}/healthz`, cwd: '..' },
    { command: `node build/relay/cli.js --port ${barePort} --static build/bench-bare`, url: `http://127.0.0.1:${barePort}/healthz`, cwd: '..' },
  ],
});
