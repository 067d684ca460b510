import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectRemoteVideoPlaying, passLobby, startCall, type Peer } from './helpers';

/**
 * Counts every RTCPeerConnection the page constructs (Trystero's offer pool, its answers, and the
 * app's own), by standing in for the constructor before any page script runs.
 */
const countPeerConnections = () => {
  const Native = window.RTCPeerConnection;
  const w = window as unknown as { __peerConnections: number };
  w.__peerConnections = 0;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      w.__peerConnections++;
    }
  };
};
const peerConnections = (page: Page) => page.evaluate(() => (window as unknown as { __peerConnections: number }).__peerConnections);

/** A person whose page counts its RTCPeerConnections from the first script on. */
const openCounting = async (browser: Browser, path: string): Promise<Peer> => {
  const context = await browser.newContext();
  await context.addInitScript(countPeerConnections);
  const page = await context.newPage();
  await page.goto(path);
  return { context, page, errors: [] };
};

/** The most a whole call costs one side: 2 pooled offers, the offer or answer actually used, and one pooled offer replacing it. */
const MOST_PER_SIDE = 4;

test('a two-person room pre-makes two offers when the page is idle, not twenty on every join, and the call connects', async ({ browser }) => {
  const alice = await openCounting(browser, '/');
  const link = await startCall(alice);
  // Waiting alone, the pool is filled once the page is idle: two offers (upstream: 20, built during the join).
  await expect.poll(() => peerConnections(alice.page)).toBe(2);

  const bob = await openCounting(browser, link);
  await passLobby(bob.page);
  for (const p of [alice.page, bob.page]) {
    await expect(p.getByTestId('status')).toHaveAttribute('data-status', 'connected');
    await expectRemoteVideoPlaying(p);
  }
  const counts = [await peerConnections(alice.page), await peerConnections(bob.page)];
  console.log(`[measure] RTCPeerConnections constructed for a whole call (Alice, Bob): ${counts.join(', ')}`);
  for (const n of counts) expect(n).toBeLessThanOrEqual(MOST_PER_SIDE);
  await alice.context.close();
  await bob.context.close();
});
