import { expect, test } from '@playwright/test';
import { expectRemoteVideoPlaying, passLobby, startCall } from './helpers';
import { openWatchedPeer, waitForServiceWorkerControl } from './pwa-helpers';
import { relayProcess, type RelayProcess } from './relay-process';
import { serveStatic, type StaticHost } from './static-host';

// dist/ dropped on a plain static host under a deep path; signaling through our relay on another port,
// which must be told to accept WebSockets from the host's origin.
const RELAY_PORT = 18962;
const HOST_PORT = 18963;
const PREFIX = '/deep/sub/path/';
const relayWs = `ws://127.0.0.1:${RELAY_PORT}`;

let relay: RelayProcess;
let host: StaticHost;

test.beforeAll(async () => {
  relay = relayProcess(RELAY_PORT, ['--allow-origin', `http://127.0.0.1:${HOST_PORT}`]);
  await relay.start();
  host = await serveStatic({
    root: 'dist',
    prefix: PREFIX,
    port: HOST_PORT,
    config: { strategy: 'nostr', relays: [relayWs], iceServers: [] },
  });
});

test.afterAll(async () => {
  await host?.close();
  await relay?.kill();
});

test('manifest, icons and service worker resolve under a deep sub-path, and Chromium finds the app installable', async ({
  browser,
}) => {
  const peer = await openWatchedPeer(browser, host.url);
  const { page } = peer;
  expect(await waitForServiceWorkerControl(page)).toBe(host.url);

  const manifestUrl = await page.locator('link[rel="manifest"]').evaluate((l: HTMLLinkElement) => l.href);
  expect(manifestUrl).toBe(`${host.url}manifest.webmanifest`);
  const manifest = (await (await page.request.get(manifestUrl)).json()) as {
    start_url: string;
    scope: string;
    display: string;
    icons: Array<{ src: string; sizes: string; purpose?: string }>;
  };
  expect(new URL(manifest.start_url, manifestUrl).href).toBe(host.url);
  expect(new URL(manifest.scope, manifestUrl).href).toBe(host.url);
  expect(manifest.display).toBe('standalone');
  for (const icon of manifest.icons) {
    const response = await page.request.get(new URL(icon.src, manifestUrl).href);
    expect(response.status(), icon.src).toBe(200);
    // PNG header: width and height are big-endian u32s at bytes 16 and 20.
    const png = await response.body();
    expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, icon.src).toBe(icon.sizes);
  }
  expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
  // Chromium's own verdict on installability (manifest fields, icons, service worker). Playwright's
  // contexts are off-the-record profiles, where Chromium never installs anything: that one reason is
  // about the test browser, not the app, so it is the only one allowed.
  const cdp = await peer.context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
  expect(await peer.violations()).toEqual([]);
  await peer.context.close();
});

test('a call placed from a deep sub-path connects end to end, with no CSP violation and no request off the host or relay', async ({
  browser,
}) => {
  const alice = await openWatchedPeer(browser, host.url);
  const link = await startCall(alice);
  expect(link.startsWith(`${host.url}#/`)).toBe(true);
  const bob = await openWatchedPeer(browser, link);
  await passLobby(bob.page);
  for (const p of [alice, bob]) {
    await expect(p.page.getByTestId('status')).toHaveAttribute('data-status', 'connected');
    await expectRemoteVideoPlaying(p.page);
  }
  await alice.page.getByRole('button', { name: 'Hang up' }).click();
  await expect(bob.page.getByTestId('status')).toHaveText(/They hung up/);

  for (const p of [alice, bob]) {
    expect(await p.violations()).toEqual([]);
    expect(p.errors).toEqual([]);
    expect(p.requests.filter((u) => !u.startsWith(host.url))).toEqual([]);
    expect(p.sockets.length).toBeGreaterThan(0);
    expect(p.sockets.filter((u) => new URL(u).origin !== new URL(relayWs).origin)).toEqual([]);
  }
  await alice.context.close();
  await bob.context.close();
});
