// Issue 14 item 1 in real Chromium: someone on the data channel drops every verification message one side
// sends (a man in the middle that stalls the check rather than lose the code comparison). Both screens must
// say plainly that the call could not be verified — not a neutral "unverified" — and once the path is honest
// again, "Verify again" gives both people matching codes and "Verified".
//
// The attacker is an init script in Bob's page: it wraps RTCDataChannel.prototype.send and drops every
// Trystero action frame whose payload is a verification message while `__dropVerify` is set. Trystero 0.25.4
// frames an action as 32 bytes of action type, 2 of nonce, 1 tag, 1 progress, then the payload
// (@trystero-p2p/core dist/action-wire.mjs); a verification message fits in one frame.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { openPeer, passLobby, startCall, type Peer } from './helpers';

type AttackWindow = typeof globalThis & { __dropVerify: boolean; __droppedVerify: number };

/** Runs in the page before any app code. */
const dropVerificationFrames = () => {
  const w = globalThis as AttackWindow;
  w.__dropVerify = true;
  w.__droppedVerify = 0;
  const PAYLOAD_AT = 36;
  const decoder = new TextDecoder();
  const send = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: unknown) {
    if (w.__dropVerify && ArrayBuffer.isView(data) && data.byteLength > PAYLOAD_AT) {
      const bytes = new Uint8Array(data.buffer, data.byteOffset + PAYLOAD_AT, data.byteLength - PAYLOAD_AT);
      if (decoder.decode(bytes).includes('"type":"verify.')) {
        w.__droppedVerify += 1;
        return;
      }
    }
    send.call(this, data);
  } as RTCDataChannel['send'];
};

/** Like helpers' joinPeer, with the attacker installed in the page before it loads. */
const joinAttacked = async (browser: Browser, link: string): Promise<Peer> => {
  const context = await browser.newContext();
  await context.addInitScript(dropVerificationFrames);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(link);
  await passLobby(page);
  return { context, page, errors };
};

const codeOf = async (page: Page) => ({
  emoji: await page.getByTestId('verify-emoji').innerText(),
  numbers: await page.getByTestId('verify-numbers').innerText(),
});

test('verification messages dropped on one side: both screens warn; Verify again verifies once the path is honest', async ({
  browser,
}) => {
  // The check gives up after its 60 s timeout: that wait is the attack's whole effect, so it is part of the test.
  test.setTimeout(180_000);
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  const bob = await joinAttacked(browser, link);
  for (const p of [alice, bob])
    await expect(p.page.getByTestId('status')).toHaveAttribute('data-status', 'connected', { timeout: 20_000 });

  // While the check cannot finish, nobody is shown a code, and nobody is told "verified".
  for (const p of [alice, bob]) {
    await expect(p.page.getByTestId('verify-state')).toHaveText('Unverified: checking…');
    await expect(p.page.getByTestId('verify-panel')).toHaveCount(0);
  }
  await expect.poll(() => bob.page.evaluate(() => (globalThis as AttackWindow).__droppedVerify)).toBeGreaterThan(0);

  // After the timeout, both screens say so plainly, with why it matters, and offer a new check.
  for (const p of [alice, bob]) {
    const warning = p.page.getByTestId('verify-warning');
    await expect(warning).toBeVisible({ timeout: 90_000 });
    await expect(warning).toContainText('This call could not be verified');
    await expect(warning).toContainText('Someone may be in the middle');
    await expect(p.page.getByTestId('verify-state')).toHaveText('Not verified: the check did not finish');
    await expect(p.page.getByTestId('verify-state')).toHaveClass(/badge--warn/);
    // The call itself goes on.
    await expect(p.page.getByTestId('status')).toHaveAttribute('data-status', 'connected');
  }

  // The path is honest again; Alice asks to verify again. Bob is told, and his own new run starts.
  await bob.page.evaluate(() => ((globalThis as AttackWindow).__dropVerify = false));
  await alice.page.getByRole('button', { name: 'Verify again' }).click();
  for (const p of [alice, bob]) await expect(p.page.getByTestId('verify-panel')).toBeVisible({ timeout: 20_000 });
  await expect(bob.page.getByTestId('verify-restarted')).toContainText('The other person asked to verify again');
  for (const p of [alice, bob]) await expect(p.page.getByTestId('verify-warning')).toHaveCount(0);
  expect(await codeOf(alice.page)).toEqual(await codeOf(bob.page));

  await alice.page.getByRole('button', { name: 'They match' }).click();
  await bob.page.getByRole('button', { name: 'They match' }).click();
  for (const p of [alice, bob]) await expect(p.page.getByTestId('verify-state')).toHaveText('Verified');
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
  await Promise.all([alice.context.close(), bob.context.close()]);
});
