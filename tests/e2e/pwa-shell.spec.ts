import { expect, test } from '@playwright/test';
import { openWatchedPeer, waitForCachedConfig, waitForServiceWorkerControl } from './pwa-helpers';
import { serveStatic } from './static-host';

const OFFLINE = 'You are offline: Parley needs a network connection to place a call.';

// Our own host so the test can take it away: then even the service worker's own fetches fail,
// which context.setOffline alone does not guarantee for worker traffic.
test('offline, the installed app shell opens from the service worker and says a call needs a network', async ({
  browser,
}) => {
  const host = await serveStatic({
    root: 'dist',
    prefix: '/app/',
    port: 18964,
    config: { relays: ['ws://127.0.0.1:9/'], iceServers: [] },
  });
  try {
    const peer = await openWatchedPeer(browser, host.url);
    const { page, context } = peer;
    expect(await waitForServiceWorkerControl(page)).toBe(host.url);
    await waitForCachedConfig(page);
    await expect(page.getByTestId('offline')).toHaveText('');

    // Losing the network while open: said at once, no reload needed.
    await context.setOffline(true);
    await expect(page.getByTestId('offline')).toHaveText(OFFLINE);

    await host.close();
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Parley' })).toBeVisible();
    await expect(page.getByTestId('offline')).toHaveText(OFFLINE);
    // config.json came from the network-first cache, so there is no config fault to report.
    await expect(page.getByTestId('config-error')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Start a call' })).toBeEnabled();

    // Back online: the notice goes away by itself.
    await context.setOffline(false);
    await expect(page.getByTestId('offline')).toHaveText('');
    expect(await peer.violations()).toEqual([]);
    await context.close();
  } finally {
    await host.close();
  }
});
