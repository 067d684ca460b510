import { expect, test, type Page } from '@playwright/test';
import decodeQR from 'qr/decode.js';
import { generateRoomCode } from '../../src/core/room-code';
import { expectRemoteVideoPlaying, joinPeer, openPeer, passLobby, startCall } from './helpers';

const status = (page: Page) => page.getByTestId('status');

test('an expired link is refused, saying when it expired', async ({ browser }) => {
  const expired = generateRoomCode({
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    now: Date.now() - 3 * 3600_000,
    lifetimeMinutes: 60,
    hasPassword: false,
  });
  const peer = await openPeer(browser, `/#/${expired.text}`);
  const when = await peer.page.evaluate(
    (ms) => new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }),
    expired.expiresAt,
  );
  await expect(peer.page.getByRole('alert')).toHaveText(
    `This room expired at ${when}. Ask the other person to start a new call.`,
  );
  expect(new URL(peer.page.url()).hash).toBe('');
  await peer.context.close();
});

test('a link with a typo is refused as a typo', async ({ browser }) => {
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  const symbols = new URL(link).hash.slice(2);
  // Swap two neighbouring symbols that differ, as a hurried typist would.
  const i = [...symbols].findIndex(
    (c, k) => k + 1 < symbols.length && c !== '-' && symbols[k + 1] !== '-' && c !== symbols[k + 1],
  );
  const typo = symbols.slice(0, i) + symbols[i + 1] + symbols[i] + symbols.slice(i + 2);
  const bob = await openPeer(browser, `/#/${typo}`);
  await expect(bob.page.getByRole('alert')).toHaveText(/looks like it has a typo/);
  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('the invitation shows the code in groups and a QR code that decodes to the link', async ({ browser }) => {
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  await expect(alice.page.getByTestId('room-code')).toHaveText(/^([0-9A-Z]{4}-){8}[0-9A-Z]{2}$/);
  await expect(alice.page.getByTestId('join-window')).toHaveText(/Open for joining until .+ \(1 h left\)\./);
  const qr = alice.page.getByTestId('qr');
  await expect(qr).toBeVisible();
  // Rasterise the SVG in the page, then decode its pixels with an independent QR reader.
  const image = await qr.evaluate(async (svg: SVGSVGElement) => {
    const size = 400;
    const img = new Image();
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = size;
    const ctx = canvas.getContext('2d')!;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(img, 0, 0, size, size);
    return { width: size, height: size, data: Array.from(ctx.getImageData(0, 0, size, size).data) };
  });
  expect(decodeQR({ width: image.width, height: image.height, data: Uint8Array.from(image.data) })).toBe(link);
  await alice.context.close();
});

test.describe('password rooms', () => {
  test('the right password connects; a wrong one is told within seconds that nobody answered', async ({ browser }) => {
    const alice = await openPeer(browser);
    await alice.page.getByLabel('Password (optional)').fill('correct horse battery');
    const link = await startCall(alice);
    expect(link).not.toContain('horse');
    await expect(alice.page.getByText('Tell them the password another way')).toBeVisible();

    const mallory = await joinPeer(browser, link);
    await expect(status(mallory.page)).toHaveAttribute('data-status', 'password');
    await mallory.page.getByLabel('This room is protected by a password').fill('wrong horse');
    await mallory.page.getByRole('button', { name: 'Join' }).click();
    await expect(mallory.page.getByText(/No one with this password has answered yet/)).toBeVisible({ timeout: 20_000 });
    await expect(status(alice.page)).toHaveAttribute('data-status', 'waiting');
    await mallory.page.getByRole('button', { name: 'Enter the password again' }).click();
    await expect(mallory.page.getByText('No one with that password answered.')).toBeVisible();
    await mallory.context.close();

    const bob = await joinPeer(browser, link);
    await bob.page.getByLabel('This room is protected by a password').fill('correct horse battery');
    await bob.page.getByRole('button', { name: 'Join' }).click();
    await expect(status(bob.page)).toHaveAttribute('data-status', 'connected', { timeout: 20_000 });
    await expectRemoteVideoPlaying(bob.page);
    await expectRemoteVideoPlaying(alice.page);
    await Promise.all([alice.context.close(), bob.context.close()]);
  });
});

test('five room entries a minute per browser, remembered across reloads; the sixth says when to retry', async ({
  browser,
}) => {
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  const context = await browser.newContext();
  const page = await context.newPage();
  for (let i = 0; i < 5; i++) {
    await page.goto('about:blank');
    await page.goto(link);
    await passLobby(page);
    await expect(status(page)).toHaveAttribute('data-status', /waiting|connected/);
  }
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByRole('alert')).toHaveText(
    /^Too many join attempts in the last minute\. You can try again at .+\.$/,
  );
  await Promise.all([alice.context.close(), context.close()]);
});
