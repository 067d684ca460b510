import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectRemoteVideoPlaying, passLobby, startCall, type Peer } from './helpers';

/**
 * Counts the RTCPeerConnections the page holds open (Trystero's offer pool, its answers, and the
 * app's own), and the most it ever held at once, by standing in for the constructor and close()
 * before any page script runs. Open, not constructed: the pool replaces offers before they go stale,
 * so a long wait constructs more over time while never holding more.
 */
const countPeerConnections = () => {
  const Native = window.RTCPeerConnection;
  const w = window as unknown as { __pcs: { open: number; peak: number } };
  const counts = { open: 0, peak: 0 };
  w.__pcs = counts;
  window.RTCPeerConnection = class extends Native {
    #closed = false;
    constructor(config?: RTCConfiguration) {
      super(config);
      counts.open++;
      counts.peak = Math.max(counts.peak, counts.open);
    }
    override close() {
      if (!this.#closed) counts.open--;
      this.#closed = true;
      super.close();
    }
  };
};
const peerConnections = (page: Page) =>
  page.evaluate(() => (window as unknown as { __pcs: { open: number; peak: number } }).__pcs);

/** A person whose page counts its RTCPeerConnections from the first script on. */
const openCounting = async (browser: Browser, path: string): Promise<Peer> => {
  const context = await browser.newContext();
  await context.addInitScript(countPeerConnections);
  const page = await context.newPage();
  await page.goto(path);
  return { context, page, errors: [] };
};

/** The most one side holds at once during a whole call: 2 pooled offers, the offer or answer actually used, and one pooled offer replacing it. */
const MOST_PER_SIDE = 4;

test('a two-person room pre-makes two offers when the page is idle, not twenty on every join, and the call connects', async ({
  browser,
}) => {
  const alice = await openCounting(browser, '/');
  const link = await startCall(alice);
  // Waiting alone, the pool is filled once the page is idle: two offers (upstream: 20, built during the join).
  await expect.poll(async () => (await peerConnections(alice.page)).open).toBe(2);

  const bob = await openCounting(browser, link);
  await passLobby(bob.page);
  for (const p of [alice.page, bob.page]) {
    await expect(p.getByTestId('status')).toHaveAttribute('data-status', 'connected');
    await expectRemoteVideoPlaying(p);
  }
  const counts = [await peerConnections(alice.page), await peerConnections(bob.page)];
  console.log(
    `[measure] RTCPeerConnections held at most at once during a whole call (Alice, Bob): ${counts.map((c) => c.peak).join(', ')}`,
  );
  for (const c of counts) expect(c.peak).toBeLessThanOrEqual(MOST_PER_SIDE);
  await alice.context.close();
  await bob.context.close();
});
