import { chromium, expect, test } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../playwright.config';
import { expectRemoteVideoPlaying, joinPeer, openPeer, passLobby, remoteAudioTracks, startCall } from './helpers';

test.describe('a two-person call through the local relay', () => {
  test('both sides see and hear each other, and hang-up is seen at once', async ({ browser }) => {
    const alice = await openPeer(browser);
    const link = await startCall(alice);
    expect(new URL(link).hash).toMatch(/^#\/[0-9A-Z-]+$/);
    expect(new URL(link).search).toBe('');
    // Waiting is when people switch to another tab: the opt-in to be told when they join is offered here too.
    const notifyOptIn = alice.page.getByRole('checkbox', { name: /^Notify me/ });
    await expect(notifyOptIn).toBeVisible();

    const bob = await joinPeer(browser, link);
    for (const p of [alice, bob]) {
      await expect(p.page.getByTestId('status')).toHaveAttribute('data-status', 'connected');
      await expectRemoteVideoPlaying(p.page);
      expect(await remoteAudioTracks(p.page)).toBe(1);
    }
    await expect(notifyOptIn).toHaveCount(0);

    await alice.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(alice.page.getByTestId('status')).toHaveText('Call ended.');
    await expect(bob.page.getByTestId('status')).toHaveText(/They hung up/, { timeout: 3_000 });
    await expect(bob.page.getByTestId('remote-video')).toBeHidden();

    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
    await alice.context.close();
    await bob.context.close();
  });

  test('joining by typing the code on Home, and leaving by closing the tab', async ({ browser }) => {
    const alice = await openPeer(browser);
    await startCall(alice);
    const code = await alice.page.getByTestId('room-code').innerText();

    const bob = await openPeer(browser);
    // Typed in lower case with spaces and the letter O for zero, as a person hearing it read aloud might.
    await bob.page
      .getByLabel('Have a link or code?')
      .fill(code.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o'));
    await bob.page.getByRole('button', { name: 'Join' }).click();
    await expect(bob.page).toHaveURL(new RegExp(`#/${code}$`));
    await passLobby(bob.page);
    await expectRemoteVideoPlaying(bob.page);
    await expectRemoteVideoPlaying(alice.page);

    // Closing the tab fires pagehide → room.leave(): the other side hears of it promptly.
    await bob.page.close({ runBeforeUnload: true });
    await expect(alice.page.getByTestId('status')).toHaveText(/They left/, { timeout: 5_000 });
    expect(alice.errors).toEqual([]);
    await alice.context.close();
    await bob.context.close();
  });

  test('a malformed code is refused with a clear message', async ({ browser }) => {
    const peer = await openPeer(browser);
    await peer.page.getByLabel('Have a link or code?').fill('ABCD-EFGH-!');
    await peer.page.getByRole('button', { name: 'Join' }).click();
    await expect(peer.page.getByRole('alert')).toHaveText(/"!" \(at position 9\) cannot appear in a room code/);
    await peer.page.goto('/#/TOO-SHORT');
    await expect(peer.page.getByRole('alert')).toHaveText(/has 34 letters and digits; this one has 8/);
    expect(new URL(peer.page.url()).hash).toBe('');
    await peer.context.close();
  });

  test('a person whose camera and microphone are denied still sees and hears the other', async ({ browser }) => {
    // A second browser whose fake permission UI says no, as a person clicking "Block" would.
    const denying = await chromium.launch({
      executablePath: chromiumPath,
      args: chromiumArgs.map((a) =>
        a === '--use-fake-ui-for-media-stream' ? '--use-fake-ui-for-media-stream=deny' : a,
      ),
    });
    try {
      const alice = await openPeer(browser);
      const link = await startCall(alice);
      const bob = await joinPeer(denying, link);
      await expect(bob.page.getByRole('alert')).toHaveText(/access was denied\. You can still see and hear/);
      await expectRemoteVideoPlaying(bob.page);
      expect(await remoteAudioTracks(bob.page)).toBe(1);
      await expect(alice.page.getByTestId('status')).toHaveText('Connected. Waiting for their video…');
      await expect(bob.page.getByRole('button', { name: 'Mute' })).toBeDisabled();
      await alice.context.close();
    } finally {
      await denying.close();
    }
  });
});
