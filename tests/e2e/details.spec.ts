import { expect, test } from '@playwright/test';
import { expectRemoteVideoPlaying, joinPeer, openPeer, startCall } from './helpers';

// Two browsers per test on a shared, busy machine: room to finish, while each wait still has its own limit.
test.describe.configure({ timeout: 120_000 });

test('the details panel shows a direct route, RTT, DTLS version and cipher, SRTP profile, video formats, bitrate and verification', async ({
  browser,
}) => {
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  const bob = await joinPeer(browser, link);
  for (const p of [alice, bob]) await expectRemoteVideoPlaying(p.page);
  const { page } = alice;

  // The header's quality indicator is a word, not a colour alone.
  await expect(page.getByTestId('quality')).toHaveText(/^Connection: (good|fair|poor)$/);
  const toggle = page.getByRole('button', { name: 'Connection details' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const panel = page.getByRole('region', { name: 'Connection details' });
  await expect(panel).toBeVisible();

  // Loopback in the test: both ends offer host candidates, no TURN is configured.
  await expect(panel.getByTestId('details-route')).toHaveText(/^direct \(host ↔ host, udp\)$/);
  await expect(panel.getByTestId('details-rtt')).toHaveText(/^\d+ ms$/);
  await expect(panel.getByTestId('details-dtls')).toHaveText(/^DTLS 1\.[23], TLS_/);
  await expect(panel.getByTestId('details-dtls-cipher')).toHaveText(/^TLS_[A-Z0-9_]+$/);
  await expect(panel.getByTestId('details-srtp')).toHaveText(
    /^SRTP_(AES128_CM_HMAC_SHA1_(80|32)|AEAD_AES_(128|256)_GCM)$/,
  );
  // Chromium's fake camera sends 640×480; resolution and frame rate come from the RTP stats both ways.
  await expect(panel.getByTestId('details-video-in')).toHaveText(/^\d+×\d+ at \d+ fps$/);
  await expect(panel.getByTestId('details-video-out')).toHaveText(/^\d+×\d+ at \d+ fps$/);
  // Bitrate needs two samples (2 s apart): it moves from "measuring…" to real figures both ways.
  await expect(panel.getByTestId('details-bitrate')).toHaveText(/^\d+(\.\d)? [kM]bit\/s \/ \d+(\.\d)? [kM]bit\/s$/);
  await expect(panel.getByTestId('details-loss')).toHaveText(/^\d+\.\d %/);
  await expect(panel.getByTestId('details-verification')).toHaveText(/^Unverified: compare the codes$/);

  // The panel follows verification: once both say the codes match, it says so.
  for (const p of [alice, bob]) await p.page.getByRole('button', { name: 'They match' }).click();
  await expect(panel.getByTestId('details-verification')).toHaveText('Verified');

  await toggle.click();
  await expect(panel).toHaveCount(0);

  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
  await alice.context.close();
  await bob.context.close();
});

test('the quality indicator and details go away when the other person leaves (polling stops with the connection)', async ({
  browser,
}) => {
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  const bob = await joinPeer(browser, link);
  await expect(alice.page.getByTestId('quality')).toHaveText(/^Connection: (good|fair|poor)$/, { timeout: 30_000 });
  await alice.page.getByRole('button', { name: 'Connection details' }).click();
  await expect(alice.page.getByTestId('details-rtt')).toHaveText(/^\d+ ms$/);
  await bob.page.getByRole('button', { name: 'Hang up' }).click();
  await expect(alice.page.getByTestId('status')).toHaveText(/They hung up/);
  await expect(alice.page.getByTestId('quality')).toHaveCount(0);
  await expect(alice.page.getByTestId('details-panel')).toHaveCount(0);
  expect(alice.errors).toEqual([]);
  await alice.context.close();
  await bob.context.close();
});
