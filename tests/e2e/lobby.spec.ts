import { expect, test, type BrowserContext } from '@playwright/test';
import {
  expectRemoteVideoPlaying,
  lobbyJoinButton,
  openPeer,
  remoteAudioTracks,
  startCall,
  type Peer,
} from './helpers';
import { localTracks, remoteBrightness } from './media-helpers';

const status = (p: Peer) => p.page.getByTestId('status');

/** Records every getUserMedia request the page makes (to prove an audio-only call never asks for the camera). */
const recordMediaRequests = (context: BrowserContext) =>
  context.addInitScript(() => {
    const requests: unknown[] = [];
    (window as unknown as { __mediaRequests: unknown[] }).__mediaRequests = requests;
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => {
      requests.push(constraints ?? null);
      return original(constraints);
    };
  });

test('a link opens the lobby: a live preview, device pickers, and nobody is joined until "Join now"', async ({
  browser,
}) => {
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  const bob = await openPeer(browser, link);
  const { page } = bob;
  await expect(page.getByRole('heading', { name: 'Ready to join?' })).toBeVisible();
  await expect(page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  const preview = page.getByTestId('lobby-video');
  await expect.poll(() => preview.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
  expect(await localTracks(page, 'lobby-video')).toEqual(['audio:Fake Default Audio Input', 'video:fake_device_0']);
  // The fake devices: three microphones, one camera, three speakers (setSinkId is supported).
  await expect(page.getByLabel('Microphone', { exact: true }).locator('option')).toHaveText([
    'Fake Default Audio Input',
    'Fake Audio Input 1',
    'Fake Audio Input 2',
  ]);
  await expect(page.getByLabel('Camera', { exact: true }).locator('option')).toHaveText(['fake_device_0']);
  await expect(page.getByLabel('Speaker', { exact: true }).locator('option')).toHaveCount(3);
  // In the lobby Alice is still alone.
  await expect(status(alice)).toHaveAttribute('data-status', 'waiting');

  // Another microphone: the preview switches to it, and the choice is remembered across a reload.
  await page.getByLabel('Microphone', { exact: true }).selectOption({ label: 'Fake Audio Input 1' });
  await expect
    .poll(() => localTracks(page, 'lobby-video'))
    .toEqual(['audio:Fake Audio Input 1', 'video:fake_device_0']);
  await page.reload();
  await expect(page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  await expect
    .poll(() => localTracks(page, 'lobby-video'))
    .toEqual(['audio:Fake Audio Input 1', 'video:fake_device_0']);
  await expect(page.getByLabel('Microphone', { exact: true })).toHaveJSProperty(
    'selectedOptions.0.text',
    'Fake Audio Input 1',
  );

  await lobbyJoinButton(page).click();
  for (const p of [alice, bob]) await expect(status(p)).toHaveAttribute('data-status', 'connected');
  await expectRemoteVideoPlaying(alice.page);
  // The call sends what the lobby previewed (the chosen microphone), not a fresh default.
  expect(await localTracks(page)).toEqual(['audio:Fake Audio Input 1', 'video:fake_device_0']);
  expect(bob.errors).toEqual([]);
  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('"Back to home" from the lobby closes the camera and joins nothing', async ({ browser }) => {
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  const bob = await openPeer(browser, link);
  await expect(bob.page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  const tracks = await bob.page
    .getByTestId('lobby-video')
    .evaluateHandle((v: HTMLVideoElement) => (v.srcObject as MediaStream).getTracks());
  await bob.page.getByRole('button', { name: 'Back to home' }).click();
  await expect(bob.page.getByRole('button', { name: 'Start a call' })).toBeVisible();
  expect(await tracks.evaluate((ts) => ts.map((t) => t.readyState))).toEqual(['ended', 'ended']);
  await expect(status(alice)).toHaveAttribute('data-status', 'waiting');
  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('joining with the camera off sends black until the camera is turned on; joining muted stays muted', async ({
  browser,
}) => {
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  const bob = await openPeer(browser, link);
  await expect(bob.page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  await bob.page.getByRole('button', { name: 'Camera off' }).click();
  await bob.page.getByRole('button', { name: 'Mute' }).click();
  await expect(bob.page.getByText('Your camera is off')).toBeVisible();
  await lobbyJoinButton(bob.page).click();

  for (const p of [alice, bob]) await expect(status(p)).toHaveAttribute('data-status', 'connected');
  await expect(bob.page.getByRole('button', { name: 'Camera on' })).toHaveAttribute('aria-pressed', 'true');
  await expect(bob.page.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
  expect(
    await bob.page
      .getByTestId('local-video')
      .evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream).getTracks().map((t) => t.enabled)),
  ).toEqual([false, false]);
  // Alice receives Bob's video track, but only black frames; the fake camera's pattern is bright.
  await expectRemoteVideoPlaying(alice.page);
  expect(await remoteBrightness(alice.page)).toBeLessThan(5);
  await bob.page.getByRole('button', { name: 'Camera on' }).click();
  await expect.poll(() => remoteBrightness(alice.page)).toBeGreaterThan(30);
  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('an audio-only call connects: audio flows, no video is sent, and the camera is never asked for', async ({
  browser,
}) => {
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  const context = await browser.newContext();
  await recordMediaRequests(context);
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  await page.getByLabel('Audio only (the camera is not used at all)').check();
  await expect(page.getByText('Audio only: your camera stays off')).toBeVisible();
  await expect(page.getByLabel('Camera', { exact: true })).toHaveCount(0);
  await lobbyJoinButton(page).click();
  const bob: Peer = { context, page, errors: [] };

  for (const p of [alice, bob]) await expect(status(p)).toHaveAttribute('data-status', 'connected');
  // Bob hears and sees Alice.
  await expectRemoteVideoPlaying(page);
  expect(await remoteAudioTracks(page)).toBe(1);
  // Alice hears Bob, and gets no video track from him at all.
  await expect.poll(() => remoteAudioTracks(alice.page)).toBe(1);
  expect(
    await alice.page
      .getByTestId('remote-video')
      .evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream).getVideoTracks().length),
  ).toBe(0);
  expect(await localTracks(page)).toEqual(['audio:Fake Default Audio Input']);
  await expect(page.getByRole('button', { name: 'Camera off' })).toBeDisabled();
  // The lobby opened both at first (a preview); once audio-only was chosen, the camera was closed, and
  // the next visit never asks for it (the choice is remembered).
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  const requests = await page.evaluate(() => (window as unknown as { __mediaRequests: unknown[] }).__mediaRequests);
  expect(requests).toHaveLength(1);
  expect(requests[0]).toMatchObject({ video: false });
  await expect(page.getByLabel('Audio only (the camera is not used at all)')).toBeChecked();
  await Promise.all([alice.context.close(), context.close()]);
});
