import { expect, test, type Browser } from '@playwright/test';
import { expectRemoteVideoPlaying, joinPeer, openPeer, startCall, type Peer } from './helpers';
import {
  expectFreshRemoteStream,
  expectRemoteFramesFlow,
  markRemoteStream,
  remoteFrames,
  startTurnRig,
  type TurnRig,
} from './turn-blip';

// Extra ports of this spec's own range (the default relay serves the rest of the suite);
// RECOVERY_PORT moves both, for a run beside another checkout's.
const RELAY_PORT = Number(process.env['RECOVERY_PORT'] ?? 18930);
const TURN_PORT = RELAY_PORT + 1;

let rig: TurnRig;
test.beforeAll(async () => (rig = await startTurnRig(RELAY_PORT, TURN_PORT)));
test.afterAll(async () => rig.stop());

const status = (p: Peer) => p.page.getByTestId('status');
/** How far into an outage the picture is checked to have stopped (see the outage tests). */
const STILL_UNTIL_MS = 4000;

/** Alice and Bob in a call whose media goes through our TURN server, and whom each sees as the partner. */
const pairThroughTurn = async (browser: Browser) => {
  const alice = await openPeer(browser, `${rig.relay.url}/`);
  const link = await startCall(alice);
  const bob = await joinPeer(browser, link);
  for (const p of [alice, bob]) {
    await expect(status(p)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
    await expectRemoteVideoPlaying(p.page);
  }
  // Media really goes through our TURN server (the config allows relay candidates only).
  const before = rig.turn.relayed;
  await expect.poll(() => rig.turn.relayed).toBeGreaterThan(before + 50);
  const partnerOfAlice = await alice.page.locator('main.call').getAttribute('data-peer-id');
  const partnerOfBob = await bob.page.locator('main.call').getAttribute('data-peer-id');
  return { alice, bob, partnerOfAlice, partnerOfBob };
};

for (const BLIP_MS of [5000, 12_000])
  test(`a ${BLIP_MS / 1000} s network outage on the media path: the call recovers by itself, with the same partner`, async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const { alice, bob, partnerOfAlice, partnerOfBob } = await pairThroughTurn(browser);

    // The outage: nothing gets through in either direction.
    const atCut = await remoteFrames(alice.page);
    rig.turn.pause();
    const cut = Date.now();
    // Both sides notice, and say so.
    for (const p of [alice, bob])
      await expect(status(p)).toHaveText('Connection interrupted. Reconnecting…', { timeout: 5000 });
    // The picture stops: over the half second ending 4 s into the outage no frame arrives, and before
    // that a few from the jitter buffer at most, not the outage's seconds (the fake camera sends 30
    // frames a second). That half second ends before anyone can re-dial (2 s after the silence is
    // noticed, 2.5-3 s in): a re-dial ends the old connection's track, and Chromium counts one more
    // frame as it does.
    await alice.page.waitForTimeout(Math.max(0, cut + STILL_UNTIL_MS - 500 - Date.now()));
    const stalledAt = await remoteFrames(alice.page);
    await alice.page.waitForTimeout(Math.max(0, cut + STILL_UNTIL_MS - Date.now()));
    expect(await remoteFrames(alice.page)).toBe(stalledAt);
    expect(stalledAt - atCut).toBeLessThan(30);
    // The outage lasts its full length (the scenario, not a wait for a condition).
    await alice.page.waitForTimeout(Math.max(0, cut + BLIP_MS - Date.now()));
    rig.turn.resume();
    const back = Date.now();

    // No user action: both sides come back to "Connected" with the same partner, and video flows.
    await Promise.all([expectRemoteFramesFlow(alice.page), expectRemoteFramesFlow(bob.page)]);
    const recovered = Date.now() - back;
    for (const p of [alice, bob])
      await expect(status(p)).toHaveAttribute('data-status', 'connected', { timeout: 20_000 });
    console.log(
      `[measure] recovery after a ${BLIP_MS / 1000} s blip: ${recovered} ms from the network coming back to both videos playing`,
    );
    expect(await alice.page.locator('main.call').getAttribute('data-peer-id')).toBe(partnerOfAlice);
    expect(await bob.page.locator('main.call').getAttribute('data-peer-id')).toBe(partnerOfBob);
    // And it stays up (heartbeats resumed; nobody was dropped late).
    await expectRemoteVideoPlaying(alice.page);
    await expect(status(alice)).toHaveAttribute('data-status', 'connected');

    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
    await Promise.all([alice.context.close(), bob.context.close()]);
  });

test('the media path is lost for good (a new network): both sides re-dial through the relay and the call comes back with the same partner', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { alice, bob, partnerOfAlice, partnerOfBob } = await pairThroughTurn(browser);
  // Mark the stream each side shows now, to see a fresh connection's stream replace it.
  await Promise.all([markRemoteStream(alice.page), markRemoteStream(bob.page)]);
  const allocationsBefore = rig.turn.allocations;
  // Something said before the loss, to see it kept.
  const messageBox = (p: Peer) => p.page.getByRole('textbox', { name: 'Message' });
  const chatLog = (p: Peer) => p.page.getByRole('log', { name: 'Messages' }).getByTestId('chat-text');
  for (const p of [alice, bob]) await p.page.getByRole('button', { name: /^Chat/ }).click();
  await messageBox(alice).fill('before the loss');
  await messageBox(alice).press('Enter');
  await expect(chatLog(bob)).toHaveText(['before the loss']);
  // And both people verified the call.
  for (const p of [alice, bob]) await p.page.getByRole('button', { name: 'They match' }).click();
  for (const p of [alice, bob]) await expect(p.page.getByTestId('verify-state')).toHaveText('Verified');

  // The old path is gone and never comes back; new connections get through.
  rig.turn.forget();
  const cut = Date.now();
  for (const p of [alice, bob])
    await expect(status(p)).toHaveText('Connection interrupted. Reconnecting…', { timeout: 10_000 });
  // Typed while the path is down: kept, shown as on its way, and not lost.
  await messageBox(alice).fill('typed while down');
  await messageBox(alice).press('Enter');
  await messageBox(bob).fill('bob, also while down');
  await messageBox(bob).press('Enter');
  await expect(alice.page.getByTestId('chat-delivery')).toHaveText('(sending…)');

  // No user action: a fresh connection (new TURN allocations: fresh ICE) brings both back, to the same partner.
  await Promise.all([expectFreshRemoteStream(alice.page), expectFreshRemoteStream(bob.page)]);
  const recovered = Date.now() - cut;
  for (const p of [alice, bob]) await expect(status(p)).toHaveAttribute('data-status', 'connected');
  expect(rig.turn.allocations).toBeGreaterThan(allocationsBefore);
  console.log(
    `[measure] media path lost for good: ${recovered} ms from the loss to both videos playing over a re-dialled connection`,
  );
  expect(await alice.page.locator('main.call').getAttribute('data-peer-id')).toBe(partnerOfAlice);
  expect(await bob.page.locator('main.call').getAttribute('data-peer-id')).toBe(partnerOfBob);
  // Same certificates on the fresh connection (checked by its own verification run): still verified,
  // with nobody reading codes again.
  for (const p of [alice, bob]) await expect(p.page.getByTestId('verify-state')).toHaveText('Verified');
  // The conversation is kept; what was typed during the loss arrives once, and it goes on over the fresh connection.
  await expect(chatLog(bob)).toHaveText(['before the loss', 'bob, also while down', 'typed while down']);
  await expect(chatLog(alice)).toHaveText(['before the loss', 'typed while down', 'bob, also while down']);
  await expect(alice.page.getByTestId('chat-delivery')).toHaveCount(0);
  await messageBox(alice).fill('still here');
  await messageBox(alice).press('Enter');
  await expect(chatLog(bob)).toHaveText(['before the loss', 'bob, also while down', 'typed while down', 'still here']);

  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
  await Promise.all([alice.context.close(), bob.context.close()]);
});
