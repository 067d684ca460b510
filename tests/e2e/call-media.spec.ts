import { expect, test, type Browser } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../playwright.config';
import {
  expectRemoteVideoPlaying,
  joinPeer,
  openPeer,
  remoteAudioTracks,
  startCall,
  statusesSeen,
  watchStatus,
  type Peer,
} from './helpers';
import { expectStillPlaying, localTracks, remoteAspect, remoteVideoTrackIds } from './media-helpers';

// Two fake cameras (fake_device_0 and fake_device_1) to switch between; the fake microphones are
// already three. Only this file's browser gets them: every other spec keeps the shared flags.
test.use({
  launchOptions: {
    executablePath: chromiumPath,
    args: chromiumArgs.map((a) =>
      a === '--use-fake-device-for-media-stream' ? '--use-fake-device-for-media-stream=device-count=2' : a,
    ),
  },
});

const status = (p: Peer) => p.page.getByTestId('status');

const connectedPair = async (browser: Browser) => {
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  const bob = await joinPeer(browser, link);
  for (const p of [alice, bob]) await expect(status(p)).toHaveAttribute('data-status', 'connected');
  await expectRemoteVideoPlaying(alice.page);
  await expectRemoteVideoPlaying(bob.page);
  return { alice, bob, link };
};

test('switching camera and microphone mid-call keeps video flowing on the far side, on the same receiver, without a status flicker', async ({
  browser,
}) => {
  const { alice, bob } = await connectedPair(browser);
  expect(await localTracks(bob.page)).toEqual(['audio:Fake Default Audio Input', 'video:fake_device_0']);
  const receiverBefore = await remoteVideoTrackIds(alice.page);
  expect(receiverBefore).toHaveLength(1);
  await Promise.all([watchStatus(alice.page), watchStatus(bob.page)]);

  // Devices live in the details sheet, beside the connection figures.
  await bob.page.getByRole('button', { name: 'Connection details' }).click();
  await bob.page.getByRole('button', { name: 'Devices' }).click();
  await bob.page.getByLabel('Camera', { exact: true }).selectOption({ label: 'fake_device_1' });
  await expect.poll(() => localTracks(bob.page)).toEqual(['audio:Fake Default Audio Input', 'video:fake_device_1']);
  await bob.page.getByLabel('Microphone', { exact: true }).selectOption({ label: 'Fake Audio Input 1' });
  await expect.poll(() => localTracks(bob.page)).toEqual(['audio:Fake Audio Input 1', 'video:fake_device_1']);

  // The far side: same video track (replaceTrack, no new transceiver), still advancing, audio still live.
  await expectStillPlaying(alice.page);
  expect(await remoteVideoTrackIds(alice.page)).toEqual(receiverBefore);
  expect(await remoteAspect(alice.page)).toBe('4:3');
  expect(await remoteAudioTracks(alice.page)).toBe(1);
  expect(await statusesSeen(alice.page)).toEqual([]);
  expect(await statusesSeen(bob.page)).toEqual([]);
  // The old camera was released: only the new one is open.
  expect(
    await bob.page.getByLabel('Camera', { exact: true }).evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text),
  ).toBe('fake_device_1');
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('a shared screen reaches the far side in place of the camera (with its sound), and stopping returns to the camera', async ({
  browser,
}) => {
  const { alice, bob } = await connectedPair(browser);
  expect(await remoteAspect(alice.page)).toBe('4:3');
  const receiverBefore = await remoteVideoTrackIds(alice.page);
  await Promise.all([watchStatus(alice.page), watchStatus(bob.page)]);

  await bob.page.getByRole('button', { name: 'Share screen' }).click();
  await expect(bob.page.getByTestId('sharing-notice')).toHaveText(/You are sharing your screen/);
  // The fake screen is 16:9 (1280×720), the fake camera 4:3 (640×480): the far side shows frames from the share.
  await expect.poll(() => remoteAspect(alice.page), { timeout: 20_000 }).toBe('16:9');
  await expectStillPlaying(alice.page);
  expect(await remoteVideoTrackIds(alice.page)).toEqual(receiverBefore);
  // The screen's sound arrives as a second audio track beside the microphone.
  await expect.poll(() => remoteAudioTracks(alice.page), { timeout: 20_000 }).toBe(2);
  // While the screen stands in for the camera, the camera button cannot blank it.
  await expect(bob.page.getByRole('button', { name: 'Camera off' })).toBeDisabled();

  await bob.page.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(bob.page.getByTestId('sharing-notice')).toBeHidden();
  await expect.poll(() => remoteAspect(alice.page), { timeout: 20_000 }).toBe('4:3');
  await expect.poll(() => remoteAudioTracks(alice.page), { timeout: 20_000 }).toBe(1);
  await expectStillPlaying(alice.page);
  expect(await localTracks(bob.page)).toEqual(['audio:Fake Default Audio Input', 'video:fake_device_0']);
  await expect(bob.page.getByRole('button', { name: 'Camera off' })).toBeEnabled();
  expect(await statusesSeen(alice.page)).toEqual([]);
  expect(await statusesSeen(bob.page)).toEqual([]);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('keyboard: M and V toggle mute and camera, not while typing; ? and the button open the shortcuts list, Escape closes it and focus returns', async ({
  browser,
}) => {
  const { alice, bob } = await connectedPair(browser);
  const { page } = alice;
  const mute = page.getByRole('button', { name: /^(Mute|Unmute)$/ });
  const camera = page.getByRole('button', { name: /^Camera (off|on)$/ });
  await expect(mute).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('m');
  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  await expect(mute).toHaveText('Unmute');
  await page.keyboard.press('v');
  await expect(camera).toHaveAttribute('aria-pressed', 'true');
  // The tracks really changed, not just the buttons.
  expect(
    await page
      .getByTestId('local-video')
      .evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream).getTracks().map((t) => t.enabled)),
  ).toEqual([false, false]);
  await page.keyboard.press('M');
  await page.keyboard.press('V');
  await expect(mute).toHaveAttribute('aria-pressed', 'false');
  await expect(camera).toHaveAttribute('aria-pressed', 'false');

  // ? opens the list; it names both shortcuts; Escape closes it.
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('MMute or unmute your microphone');
  await expect(dialog).toContainText('VTurn your camera off or on');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // Opened from its button (in the details sheet), closed with Escape: focus is back on the button.
  await page.getByRole('button', { name: 'Connection details' }).click();
  const helpButton = page.getByRole('button', { name: 'Keyboard shortcuts' });
  await helpButton.click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(helpButton).toBeFocused();
  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('typing M or V in a text field of the call (the password prompt) toggles nothing', async ({ browser }) => {
  const alice = await openPeer(browser);
  await alice.page.getByLabel('Password (optional)').fill('correct horse');
  const link = await startCall(alice);
  const bob = await joinPeer(browser, link);
  await expect(status(bob)).toHaveAttribute('data-status', 'password');
  const field = bob.page.getByLabel('This room is protected by a password');
  await field.pressSequentially('mvm?v');
  await expect(field).toHaveValue('mvm?v');
  await expect(bob.page.getByRole('button', { name: 'Mute' })).toHaveAttribute('aria-pressed', 'false');
  await expect(bob.page.getByRole('button', { name: 'Camera off' })).toHaveAttribute('aria-pressed', 'false');
  await expect(bob.page.getByRole('dialog')).toBeHidden();
  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('picture-in-picture pops the remote video out where the browser supports it', async ({ browser }) => {
  const { alice, bob } = await connectedPair(browser);
  expect(await alice.page.evaluate(() => document.pictureInPictureEnabled)).toBe(true);
  await alice.page.getByRole('button', { name: 'Connection details' }).click();
  const pip = alice.page.getByRole('button', { name: 'Picture-in-picture' });
  await expect(pip).toHaveAttribute('aria-pressed', 'false');
  await pip.click();
  await expect
    .poll(() => alice.page.evaluate(() => (document.pictureInPictureElement as HTMLElement | null)?.dataset['testid']))
    .toBe('remote-video');
  await expect(pip).toHaveAttribute('aria-pressed', 'true');
  await pip.click();
  await expect.poll(() => alice.page.evaluate(() => document.pictureInPictureElement)).toBeNull();
  await expect(pip).toHaveAttribute('aria-pressed', 'false');
  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('with two cameras, "Flip camera" switches to the other one and back, the far side still playing on the same receiver', async ({
  browser,
}) => {
  const { alice, bob } = await connectedPair(browser);
  const receiverBefore = await remoteVideoTrackIds(alice.page);
  const flip = bob.page.getByRole('button', { name: 'Flip camera' });
  await flip.click();
  await expect.poll(() => localTracks(bob.page)).toEqual(['audio:Fake Default Audio Input', 'video:fake_device_1']);
  await expectStillPlaying(alice.page);
  expect(await remoteVideoTrackIds(alice.page)).toEqual(receiverBefore);
  await flip.click();
  await expect.poll(() => localTracks(bob.page)).toEqual(['audio:Fake Default Audio Input', 'video:fake_device_0']);
  await expectStillPlaying(alice.page);
  // While the screen stands in for the camera there is nothing to flip.
  await bob.page.getByRole('button', { name: 'Share screen' }).click();
  await expect(flip).toHaveCount(0);
  await bob.page.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(flip).toBeVisible();
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
  await Promise.all([alice.context.close(), bob.context.close()]);
});
