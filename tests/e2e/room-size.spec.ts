import { expect, test, type Page } from '@playwright/test';
import {
  expectRemoteVideoPlaying,
  joinPeer,
  lobbyJoinButton,
  openPeer,
  startCall,
  statusesSeen,
  watchStatus,
  type Peer,
} from './helpers';
import { relayProcess } from './relay-process';
import { baseURL } from '../../playwright.config';

const status = (page: Page) => page.getByTestId('status');
const ids = async (page: Page) => {
  const main = page.locator('main.call');
  return { self: await main.getAttribute('data-self-id'), peer: await main.getAttribute('data-peer-id') };
};

const connectPair = async (browser: Parameters<typeof openPeer>[0], origin = '') => {
  const alice = await openPeer(browser, `${origin}/`);
  const link = await startCall(alice);
  const bob = await joinPeer(browser, link);
  await expect(status(alice.page)).toHaveAttribute('data-status', 'connected');
  await expect(status(bob.page)).toHaveAttribute('data-status', 'connected');
  return { alice, bob, link };
};

const closeAll = (...peers: Peer[]) => Promise.all(peers.map((p) => p.context.close()));

test('a late third person is told the room is full; the pair is not disturbed', async ({ browser }) => {
  const { alice, bob, link } = await connectPair(browser);
  await expectRemoteVideoPlaying(alice.page);
  await Promise.all([watchStatus(alice.page), watchStatus(bob.page)]);

  const carol = await joinPeer(browser, link);
  await expect(status(carol.page)).toHaveAttribute('data-status', 'full');
  await expect(status(carol.page)).toHaveText('This room is full: two people are already in this call.');
  await expect(carol.page.getByRole('button', { name: 'Back to home' })).toBeVisible();

  await expectRemoteVideoPlaying(alice.page);
  await expectRemoteVideoPlaying(bob.page);
  expect(await statusesSeen(alice.page)).toEqual([]);
  expect(await statusesSeen(bob.page)).toEqual([]);
  const [a, b] = [await ids(alice.page), await ids(bob.page)];
  expect(a.peer).toBe(b.self);
  expect(b.peer).toBe(a.self);

  await carol.page.getByRole('button', { name: 'Back to home' }).click();
  await expect(carol.page.getByRole('button', { name: 'Start a call' })).toBeVisible();
  expect(alice.errors).toEqual([]);
  await closeAll(alice, bob, carol);
});

/** Three newcomers open one link within the same moment (the creator has left): one pair, agreed on all screens. */
const threeAtOnce = async (browser: Parameters<typeof openPeer>[0], origin = '') => {
  const creator = await openPeer(browser, `${origin}/`);
  const link = await startCall(creator);
  // The creator hangs up first (leaving the rendezvous at once), so the relay's two-peer cap is all
  // the three newcomers' to race for: a closed tab's socket can take the relay a moment to notice.
  await creator.page.getByRole('button', { name: 'Hang up' }).click();
  await expect(status(creator.page)).toHaveAttribute('data-status', 'ended');
  await creator.context.close();
  // And the relay has seen her socket close: until then it still counts her seat (a closed tab's
  // socket can take it a moment), which would make this a race for one seat, not two.
  await expect
    .poll(
      async () =>
        Number(
          /^parley_relay_connections_open (\d+)$/m.exec(
            await (await fetch(`${origin || baseURL}/metrics`)).text(),
          )?.[1],
        ),
      { timeout: 15_000 },
    )
    .toBe(0);
  const people = await Promise.all(
    [0, 1, 2].map(() =>
      browser
        .newContext()
        .then(async (context) => ({ context, page: await context.newPage(), errors: [] as string[] })),
    ),
  );
  await Promise.all(people.map((p) => p.page.goto(link)));
  // "At once" is the three clicks on the lobby's "Join now".
  await Promise.all(people.map((p) => lobbyJoinButton(p.page).waitFor()));
  await Promise.all(people.map((p) => lobbyJoinButton(p.page).click()));
  await expect
    .poll(
      async () => (await Promise.all(people.map((p) => status(p.page).getAttribute('data-status')))).sort().join(','),
      { timeout: 30_000 },
    )
    .toBe('connected,connected,full');
  const views = await Promise.all(
    people.map(async (p) => ({ kind: await status(p.page).getAttribute('data-status'), ...(await ids(p.page)) })),
  );
  const pair = views.filter((v) => v.kind === 'connected');
  expect(pair[0]?.peer).toBe(pair[1]?.self);
  expect(pair[1]?.peer).toBe(pair[0]?.self);
  await closeAll(...people);
};

test('three people opening the link at once end with one pair, the same on every screen', ({ browser }) =>
  threeAtOnce(browser));

test('when one of the pair hangs up the slot reopens: they can come back', async ({ browser }) => {
  const { alice, bob, link } = await connectPair(browser);
  await bob.page.getByRole('button', { name: 'Hang up' }).click();
  await expect(status(alice.page)).toHaveText(/They hung up/);
  const bobAgain = await joinPeer(browser, link);
  await expect(status(bobAgain.page)).toHaveAttribute('data-status', 'connected', { timeout: 15_000 });
  await expect(status(alice.page)).toHaveAttribute('data-status', 'connected');
  await expectRemoteVideoPlaying(alice.page);
  await closeAll(alice, bob, bobAgain);
});

test('a peer whose tab dies without a goodbye is noticed; whoever comes next waits out the recovery window, then gets the seat as someone new', async ({
  browser,
}) => {
  // Two lobbies plus the 20 s recovery window, on a shared machine.
  test.setTimeout(150_000);
  const { alice, bob, link } = await connectPair(browser);
  // Crash Bob's renderer: no pagehide, no goodbye, as when a tab or machine dies.
  const cdp = await bob.context.newCDPSession(bob.page);
  const crashed = Date.now();
  void cdp.send('Page.crash').catch(() => undefined);
  // The 5 s goal is measured by `npm run bench` (timing never gates a test). This wait is only
  // bounded below Trystero's own ~13 s, so it still fails if the heartbeat stopped working.
  // A crash and a network blip look the same from here: the call shows it is reconnecting.
  await expect(status(alice.page)).toHaveAttribute('data-status', 'reconnecting', { timeout: 10_000 });
  console.log(`[measure] crashed tab noticed: ${Date.now() - crashed} ms`);
  // Bob reloading is a new page with a new DTLS certificate: nothing shows it is the same person, so
  // during the window the seat stays Bob's. The newcomer waits, neither seated nor refused.
  const bobAgain = await joinPeer(browser, link);
  await expect(status(bobAgain.page)).toHaveAttribute('data-status', 'waiting');
  expect(await status(alice.page).getAttribute('data-status')).toBe('reconnecting');
  // The window passes without the old connection: the seat goes to the newcomer, and both screens
  // say this is someone new and the call is not verified.
  await expect(status(bobAgain.page)).toHaveAttribute('data-status', 'connected', { timeout: 45_000 });
  await expect(status(alice.page)).toHaveAttribute('data-status', 'connected');
  await expect(alice.page.getByTestId('someone-new')).toHaveAttribute('data-someone-new', 'them');
  await expect(bobAgain.page.getByTestId('someone-new')).toHaveAttribute('data-someone-new', 'us');
  for (const p of [alice, bobAgain])
    await expect(p.page.getByTestId('someone-new')).toContainText('This call is not verified');
  await expectRemoteVideoPlaying(alice.page);
  await expectRemoteVideoPlaying(bobAgain.page);
  await closeAll(alice, bob, bobAgain);
});

test('a partner flooding the data channel does not break the call', async ({ browser }) => {
  test.setTimeout(180_000);
  const { alice, bob } = await connectPair(browser);
  await expectRemoteVideoPlaying(alice.page);
  // Every data-channel message Bob's page sends goes out up to 1,500 times: his twice-a-second
  // heartbeat becomes thousands of messages a second through the real WebRTC stack. Like a
  // competent attacker he keeps his own send buffer under 1 MB: Chromium closes a channel whose
  // buffer overflows, which would only end his own call.
  await bob.page.evaluate(() => {
    const send = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
      for (let i = 0; i < 1500 && this.bufferedAmount < 1_000_000; i++) send.call(this, data);
    };
  });
  const start = Date.now();
  // How fast 10,000 messages arrive depends on the machine (2,700/s on a quiet one, a tenth of that
  // on a loaded one): wait for the count, however long the real stack takes to deliver it.
  await expect
    .poll(() => alice.page.locator('main.call').getAttribute('data-dropped-rate').then(Number), { timeout: 90_000 })
    .toBeGreaterThan(10_000);
  const dropped = Number(await alice.page.locator('main.call').getAttribute('data-dropped-rate'));
  console.log(
    `[measure] flood: ${dropped} messages dropped over ${Date.now() - start} ms (${Math.round((dropped * 1000) / (Date.now() - start))}/s)`,
  );
  // The call goes on: video advances, the status holds, and the page still answers a click at once.
  await expectRemoteVideoPlaying(alice.page);
  await expect(status(alice.page)).toHaveAttribute('data-status', 'connected');
  await alice.page.getByRole('button', { name: 'Mute' }).click();
  await expect(alice.page.getByRole('button', { name: 'Unmute' })).toBeVisible({ timeout: 1_000 });
  await closeAll(alice, bob);
});

test.describe('over relays that do not cap rooms (public Nostr relays)', () => {
  // Our relay refuses a third peer itself; public relays do not, so the pair must refuse it.
  const relay = relayProcess(18830, ['--max-peers-per-topic', '0']);
  // Three people, each through a lobby with a live preview, on a shared machine: more than the default minute.
  test.describe.configure({ timeout: 120_000 });
  test.beforeAll(() => relay.start());
  test.afterAll(() => relay.kill());

  test('the pair tells a late third the room is full and closes it, undisturbed', async ({ browser }) => {
    const { alice, bob, link } = await connectPair(browser, relay.url);
    await Promise.all([watchStatus(alice.page), watchStatus(bob.page)]);
    const carol = await joinPeer(browser, link);
    await expect(status(carol.page)).toHaveAttribute('data-status', 'full');
    await expectRemoteVideoPlaying(alice.page);
    expect(await statusesSeen(alice.page)).toEqual([]);
    expect(await statusesSeen(bob.page)).toEqual([]);
    await closeAll(alice, bob, carol);
  });

  test('three at once end with one pair, the same on every screen', ({ browser }) => threeAtOnce(browser, relay.url));
});
