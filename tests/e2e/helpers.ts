import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

/** Console errors that are not ours: Chromium logs this one during offer glare and Trystero recovers. */
const BENIGN = [/setRemoteDescription.*wrong state: stable/i];

/** A page plus the console errors and uncaught exceptions it produced. */
export interface Peer {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

/**
 * A fresh browser context (a separate person) with its page open at `path`; `beforeGoto` runs just
 * before navigating (and may install init scripts on the context).
 */
export const openPeer = async (
  browser: Browser,
  path = '/',
  beforeGoto?: (context: BrowserContext) => void | Promise<void>,
): Promise<Peer> => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !BENIGN.some((re) => re.test(m.text()))) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await beforeGoto?.(context);
  await page.goto(path);
  return { context, page, errors };
};

/** The lobby's "Join now" (every room is entered through the lobby): the moment a join starts. */
export const lobbyJoinButton = (page: Page) => page.getByTestId('lobby').getByRole('button', { name: 'Join now' });

/** Passes the lobby with whatever it previews (camera and microphone on, default devices); returns when the click began (Date.now()), for timing joins. */
export const passLobby = async (page: Page): Promise<number> => {
  const button = lobbyJoinButton(page);
  // As a person does: join once the preview shows (the devices answered).
  await expect(page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  const t0 = Date.now();
  await button.click();
  return t0;
};

/** Clicks "Start a call", passes the lobby, and returns the link with the room code in its fragment. */
export const startCall = async (peer: Peer): Promise<string> => {
  await peer.page.getByRole('button', { name: 'Start a call' }).click();
  await passLobby(peer.page);
  await expect(peer.page.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
  return peer.page.url();
};

/** Like openPeer at a call link, then through the lobby into the room. */
export const joinPeer = async (
  browser: Browser,
  link: string,
  beforeGoto?: (context: BrowserContext) => void | Promise<void>,
): Promise<Peer> => {
  const peer = await openPeer(browser, link, beforeGoto);
  await passLobby(peer.page);
  return peer;
};

/** Waits until the remote <video> shows real frames: a size, and a clock that moves. */
export const expectRemoteVideoPlaying = async (page: Page): Promise<void> => {
  const video = page.getByTestId('remote-video');
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 })
    .toBeGreaterThan(0);
  const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(t0);
};

/** Whether the remote stream carries a live audio track (the fake device sends a beep). */
export const remoteAudioTracks = (page: Page): Promise<number> =>
  page
    .getByTestId('remote-video')
    .evaluate((v: HTMLVideoElement) =>
      v.srcObject instanceof MediaStream
        ? v.srcObject.getAudioTracks().filter((t) => t.readyState === 'live').length
        : 0,
    );

/** Records every status the page shows from now on, to prove a pair is never disturbed. */
export const watchStatus = (page: Page) =>
  page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __statuses: string[] }).__statuses = seen;
    const el = document.querySelector('[data-testid="status"]')!;
    new MutationObserver(() => seen.push(el.getAttribute('data-status') ?? '')).observe(el, {
      attributes: true,
      attributeFilter: ['data-status'],
    });
  });
export const statusesSeen = (page: Page) =>
  page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);
