import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { passLobby } from './helpers';
import { openWatchedPeer, waitForServiceWorkerControl } from './pwa-helpers';
import { relayProcess } from './relay-process';
import { serveStatic } from './static-host';

const RELAY_PORT = 18965;
const HOST_PORT = 18966;

/**
 * A second deploy without a second `vite build` (which would double this test's time on a 2-core
 * machine): dist/ with a changed index.html and, as the build would write, a new precache revision for
 * it in sw.js. The browser sees a byte-different sw.js, which is what makes it an update.
 */
const makeNextDeploy = (from: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-deploy-'));
  cpSync(from, dir, { recursive: true });
  const index = join(dir, 'index.html');
  writeFileSync(
    index,
    readFileSync(index, 'utf8').replace('</head>', '<meta name="parley-deploy" content="2" /></head>'),
  );
  const sw = join(dir, 'sw.js');
  const before = readFileSync(sw, 'utf8');
  const after = before.replace(/(\{url:"index\.html",revision:")[0-9a-f]+"/, '$1deploy2"');
  if (after === before)
    throw new Error('sw.js has no precache entry for index.html: the generated worker changed shape');
  writeFileSync(sw, after);
  return dir;
};

test('a new deploy shows "Reload to update", never during a call, and reloads into it on click', async ({
  browser,
}) => {
  const first = mkdtempSync(join(tmpdir(), 'parley-deploy-'));
  cpSync('dist', first, { recursive: true });
  const next = makeNextDeploy('dist');
  const relay = relayProcess(RELAY_PORT, ['--allow-origin', `http://127.0.0.1:${HOST_PORT}`]);
  await relay.start();
  const host = await serveStatic({
    root: first,
    prefix: '/',
    port: HOST_PORT,
    config: { relays: [`ws://127.0.0.1:${RELAY_PORT}`], iceServers: [] },
  });
  try {
    const peer = await openWatchedPeer(browser, host.url);
    const { page } = peer;
    await waitForServiceWorkerControl(page);
    const update = page.getByRole('button', { name: 'Reload to update' });
    await expect(update).toHaveCount(0);

    // In a call when the new version lands: the browser finds it, but the call screen offers nothing.
    await page.getByRole('button', { name: 'Start a call' }).click();
    await passLobby(page);
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
    host.setRoot(next);
    await page.evaluate(async () => (await navigator.serviceWorker.ready).update());
    await expect
      .poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).waiting !== null))
      .toBe(true);
    await expect(update).toHaveCount(0);
    expect(await page.locator('meta[name="parley-deploy"]').count()).toBe(0);

    // Call over and back home: now it is offered, and the click reloads into the new version.
    await page.getByRole('button', { name: 'Hang up' }).click();
    await page.getByRole('button', { name: 'Back to home' }).click();
    await expect(update).toBeVisible();
    await update.click();
    await expect(page.locator('meta[name="parley-deploy"]')).toHaveCount(1);
    await expect(page.getByRole('heading', { name: 'Parley' })).toBeVisible();
    expect(await peer.violations()).toEqual([]);
    await peer.context.close();
  } finally {
    await host.close();
    await relay.kill();
    rmSync(first, { recursive: true, force: true });
    rmSync(next, { recursive: true, force: true });
  }
});
