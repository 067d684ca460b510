import { expect, test, type Page } from '@playwright/test';
import { expectRemoteVideoPlaying, joinPeer, openPeer, startCall, type Peer } from './helpers';

// The call screen fits the window at every size: no page scroll, the whole control bar and the video on
// screen, thumb-sized buttons. Each state is checked at phone, phone-on-its-side, laptop and desktop sizes.
test.describe.configure({ timeout: 150_000 });

const SIZES = [
  { width: 320, height: 568 },
  { width: 568, height: 320 },
  { width: 390, height: 844 },
  { width: 844, height: 390 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

/** What fits where, measured in the page. */
const measure = (page: Page) =>
  page.evaluate(() => {
    const box = (sel: string) => {
      const r = document.querySelector(sel)?.getBoundingClientRect();
      return r
        ? { top: r.top, left: r.left, bottom: r.bottom, right: r.right, width: r.width, height: r.height }
        : null;
    };
    const scroller = document.scrollingElement ?? document.documentElement;
    const buttons = [...document.querySelectorAll<HTMLElement>('.callbar button')].map((b) => {
      const r = b.getBoundingClientRect();
      return { name: b.getAttribute('aria-label') ?? b.textContent ?? '', width: r.width, height: r.height };
    });
    return {
      scrollHeight: scroller.scrollHeight,
      scrollWidth: scroller.scrollWidth,
      innerHeight,
      innerWidth,
      bar: box('.callbar'),
      view: box('.call__view'),
      sheets: box('.call__sheets'),
      buttons,
    };
  });

const expectFits = async (page: Page, state: string) => {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    const where = `${state} at ${size.width}×${size.height}`;
    // Layout follows the resize in the next frame: wait for the page to take the new size.
    await expect.poll(() => page.evaluate(() => innerWidth)).toBe(size.width);
    const m = await measure(page);
    expect(m.scrollHeight, `${where}: the page scrolls vertically`).toBeLessThanOrEqual(m.innerHeight);
    expect(m.scrollWidth, `${where}: the page scrolls sideways`).toBeLessThanOrEqual(m.innerWidth);
    expect(m.bar, `${where}: no control bar`).not.toBeNull();
    expect(m.bar!.top, `${where}: control bar`).toBeGreaterThanOrEqual(0);
    expect(m.bar!.bottom, `${where}: control bar`).toBeLessThanOrEqual(m.innerHeight);
    // The video keeps a real share of the screen, above the bar.
    expect(m.view!.bottom, `${where}: video`).toBeLessThanOrEqual(m.bar!.top + 0.5);
    expect(m.view!.height, `${where}: video height`).toBeGreaterThanOrEqual(m.innerHeight * 0.4);
    if (m.sheets) expect(m.sheets.bottom, `${where}: sheets`).toBeLessThanOrEqual(m.bar!.top + 0.5);
    for (const b of m.buttons) {
      expect(b.width, `${where}: ${b.name} width`).toBeGreaterThanOrEqual(44);
      expect(b.height, `${where}: ${b.name} height`).toBeGreaterThanOrEqual(44);
    }
  }
};

test('no call state scrolls the page, at 320 to 1920 px wide, portrait and landscape', async ({ browser }) => {
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  await expect(alice.page.getByTestId('qr')).toBeVisible();
  await expectFits(alice.page, 'waiting');
  await alice.page.getByRole('button', { name: 'Connection details' }).click();
  await alice.page.getByRole('button', { name: 'Devices' }).click();
  await expectFits(alice.page, 'waiting with details and devices');
  await alice.page.getByRole('button', { name: 'Connection details' }).click();

  const bob: Peer = await joinPeer(browser, link);
  for (const p of [alice, bob]) await expect(p.page.getByTestId('verify-panel')).toBeVisible({ timeout: 60_000 });
  await expectRemoteVideoPlaying(alice.page);
  await expectFits(alice.page, 'connected with the verification sheet');

  for (const p of [alice, bob]) await p.page.getByRole('button', { name: 'They match' }).click();
  await expect(alice.page.getByTestId('verify-state')).toHaveText('Verified');
  await expectFits(alice.page, 'verified');

  await alice.page.getByRole('button', { name: /^Chat/ }).click();
  // Twelve long messages, at the pace the chat allows (a burst of 5, then one a second): a message
  // sent too fast keeps its draft, and Enter is pressed again until it goes.
  const box = alice.page.getByRole('textbox', { name: 'Message' });
  for (let i = 0; i < 12; i++) {
    await box.fill(`message ${i}: ${'words '.repeat(20)}`);
    await expect(async () => {
      if ((await box.inputValue()) !== '') await box.press('Enter');
      await expect(alice.page.getByTestId('chat-text')).toHaveCount(i + 1, { timeout: 500 });
    }).toPass({ timeout: 20_000 });
  }
  await alice.page.getByRole('button', { name: 'Connection details' }).click();
  await expect(alice.page.getByTestId('details-rtt')).toHaveText(/ms$/);
  await expectFits(alice.page, 'chat and details open');

  await alice.page.getByRole('button', { name: 'Hang up' }).click();
  await expect(alice.page.getByTestId('status')).toHaveText('Call ended.');
  const ended = await measure(alice.page);
  expect(ended.scrollHeight).toBeLessThanOrEqual(ended.innerHeight);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('the self view moves to another corner by keyboard and by dragging, and the code sheet hides and comes back', async ({
  browser,
}) => {
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  const { page } = alice;
  const self = page.getByTestId('self-view');
  await expect(self).toHaveAttribute('data-corner', 'top-right');
  const move = page.getByRole('button', { name: 'Move your video' });
  await move.focus();
  await page.keyboard.press('ArrowDown');
  await expect(self).toHaveAttribute('data-corner', 'bottom-right');
  await page.keyboard.press('ArrowLeft');
  await expect(self).toHaveAttribute('data-corner', 'bottom-left');
  await page.keyboard.press('Enter');
  await expect(self).toHaveAttribute('data-corner', 'top-left');

  // Drag from the top-left to the far right, lower half: it lands in the bottom-right corner.
  const view = (await page.locator('.call__view').boundingBox())!;
  const tile = (await self.boundingBox())!;
  await page.mouse.move(tile.x + 10, tile.y + 10);
  await page.mouse.down();
  await page.mouse.move(view.x + view.width - 20, view.y + view.height - 20, { steps: 5 });
  await page.mouse.up();
  await expect(self).toHaveAttribute('data-corner', 'bottom-right');

  const bob = await joinPeer(browser, link);
  const sheet = page.getByTestId('verify-panel');
  await expect(sheet).toBeVisible({ timeout: 60_000 });
  // The emoji are pictures (SVG files), each loaded, with its name beside it.
  const pictures = sheet.locator('img.verify__glyph');
  await expect(pictures).toHaveCount(7);
  await expect
    .poll(() => pictures.evaluateAll((all) => all.every((i) => (i as HTMLImageElement).naturalWidth > 0)))
    .toBe(true);
  await expect(sheet.locator('.verify__name')).toHaveCount(7);
  await page.getByRole('button', { name: 'Hide code' }).click();
  await expect(sheet).toHaveCount(0);
  await page.getByRole('button', { name: 'Compare codes' }).click();
  await expect(sheet).toBeVisible();
  for (const p of [alice, bob]) await p.page.getByRole('button', { name: 'They match' }).click();
  // Done: the sheet goes, and the code can still be looked at again.
  await expect(page.getByTestId('verify-state')).toHaveText('Verified');
  await expect(sheet).toHaveCount(0);
  await page.getByRole('button', { name: 'Show code' }).click();
  await expect(sheet).toBeVisible();
  expect(alice.errors).toEqual([]);
  await Promise.all([alice.context.close(), bob.context.close()]);
});
