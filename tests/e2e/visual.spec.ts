import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import ar from '../../src/ui/i18n/locales/ar';
import type { Message } from '../../src/ui/i18n/message';
import { type FileTestWindow, withInstruments } from './file-gate';
import { expectRemoteVideoPlaying, openPeer } from './helpers';

// Visual baselines of every screen of a call at a phone (portrait and landscape) and a laptop size.
// Deterministic: fake media with the videos hidden (their black tiles show), everything random or
// time-bound masked (room code, QR, the code's emoji and numbers) or hidden (quality, join window),
// animations off, fonts of this machine. The transfer in progress is held still by a gate on the
// sender's file channel (file-gate.ts); its speed and time left change by the second and are hidden. Baselines live beside this file (visual.spec.ts-snapshots/).
test.describe.configure({ timeout: 180_000 });

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'phone-landscape', width: 844, height: 390 },
  { name: 'laptop', width: 1280, height: 800 },
];

/** Through the lobby by its test id, in any language (helpers' passLobby finds "Join now" by name). */
const passLobby = async (page: Page) => {
  await expect(page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('lobby-join').click();
};

const say = (m: Message) => (typeof m === 'string' ? m : m.other);

/**
 * Each set of baselines: English (the names as before) and Arabic, right to left (names with "-ar"),
 * a browser whose language is Arabic. The words the test looks for come from the catalog of that set.
 */
const SETS = [
  {
    suffix: '',
    locale: undefined,
    words: {
      start: 'Start a call',
      connected: 'Connected',
      match: 'They match',
      verified: 'Verified',
      chat: /^Chat/,
      message: 'Message',
      unread: '1 unread',
      accept: 'Accept',
    },
  },
  {
    suffix: '-ar',
    locale: 'ar',
    words: {
      start: say(ar['home.start']),
      connected: say(ar['status.connected']),
      match: say(ar['verify.match']),
      verified: say(ar['verify.badge.verified']),
      chat: new RegExp(`^${say(ar['controls.chat'])}`),
      message: say(ar['chat.message']),
      unread: say(ar['controls.unread']),
      accept: say(ar['files.accept']),
    },
  },
] as const;

const shot = async (page: Page, name: string, mask: Locator[] = []) => {
  // Fonts ready and no image still loading: a half-drawn frame is not a baseline.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(() => [...document.images].every((i) => i.complete))).toBe(true);
  // The fake camera's moving picture differs in every frame: hide every video (through the CSSOM, as
  // the page's CSP refuses the <style> element Playwright's stylePath would add). The quality word
  // follows live measurements and the join window counts down: their text changes width and lines
  // (a mask would too), so they are taken out of the shot.
  await page.evaluate(() => {
    for (const v of document.querySelectorAll('video')) v.style.visibility = 'hidden';
    // The code's emoji names change with every call, and some scripts' marks overhang any mask box by
    // a pixel or two: hidden, their place kept.
    for (const n of document.querySelectorAll<HTMLElement>('.verify__name')) n.style.visibility = 'hidden';
    for (const q of document.querySelectorAll<HTMLElement>(
      '[data-testid="quality"], [data-testid="join-window"], [data-testid="file-status"]',
    ))
      q.style.display = 'none';
  });
  // A loaded machine may take seconds per frame: room for two stable frames.
  await expect(page).toHaveScreenshot(`${name}.png`, { mask, animations: 'disabled', caret: 'hide', timeout: 45_000 });
  // Back as it was: the call goes on being checked (a video kept hidden may be left unpainted).
  await page.evaluate(() => {
    for (const v of document.querySelectorAll('video')) v.style.visibility = '';
    for (const n of document.querySelectorAll<HTMLElement>('.verify__name')) n.style.visibility = '';
    for (const q of document.querySelectorAll<HTMLElement>(
      '[data-testid="quality"], [data-testid="join-window"], [data-testid="file-status"]',
    ))
      q.style.display = '';
  });
};

for (const { suffix, locale, words } of SETS)
  for (const size of SIZES) {
    test(`visual${suffix}: home, lobby, waiting, verification sheet, verified, chat and a file transfer at ${size.name} (${size.width}×${size.height})`, async ({
      browser,
    }) => {
      const viewport = { width: size.width, height: size.height };
      // The Arabic set: the language the browser asks for is Arabic (as a context's `locale` would say;
      // openPeer makes the context, so its preference is set the way the picker remembers it).
      const setUp = async (context: BrowserContext) => {
        await withInstruments(context);
        if (locale)
          await context.addInitScript((l) => localStorage.setItem('parley.language', JSON.stringify(l)), locale);
      };
      const alice = await openPeer(browser, '/', setUp);
      const bob = await openPeer(browser, '/', setUp);
      const name = (screen: string) => `${size.name}${suffix}-${screen}`;
      for (const p of [alice, bob]) await p.page.setViewportSize(viewport);
      const { page } = alice;
      const masks = (p: Page) => [
        p.getByTestId('room-code'),
        p.getByTestId('qr'),
        p.getByTestId('verify-emoji'),
        p.getByTestId('verify-numbers'),
      ];

      await expect(page.getByRole('button', { name: words.start })).toBeEnabled();
      await shot(page, name('home'));

      await page.getByRole('button', { name: words.start }).click();
      await expect(page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
      await shot(page, name('lobby'));

      await passLobby(page);
      const status = page.getByTestId('status');
      await expect(status).toHaveAttribute('data-status', 'waiting');
      await expect(status).toHaveAttribute('data-signaling', 'online');
      await expect(page.getByTestId('qr')).toBeVisible();
      await shot(page, name('waiting'), masks(page));

      await bob.page.goto(page.url());
      await passLobby(bob.page);
      for (const p of [alice, bob]) await expect(p.page.getByTestId('verify-panel')).toBeVisible({ timeout: 60_000 });
      await expectRemoteVideoPlaying(page);
      await expect(status).toHaveText(words.connected);
      await expect(page.locator('img.verify__glyph')).toHaveCount(7);
      await shot(page, name('verification-sheet'), masks(page));

      for (const p of [alice, bob]) await p.page.getByRole('button', { name: words.match }).click();
      for (const p of [alice, bob]) await expect(p.page.getByTestId('verify-state')).toHaveText(words.verified);
      await shot(page, name('verified'), masks(page));

      await bob.page.getByRole('button', { name: words.chat }).click();
      await bob.page.getByRole('textbox', { name: words.message }).fill('Can you hear me?');
      await bob.page.getByRole('textbox', { name: words.message }).press('Enter');
      await expect(page.getByTestId('chat-unread')).toContainText(words.unread);
      await page.getByRole('button', { name: words.chat }).click();
      await page.getByRole('textbox', { name: words.message }).fill('Yes, loud and clear.');
      await page.getByRole('textbox', { name: words.message }).press('Enter');
      await expect(page.getByTestId('chat-text')).toHaveCount(2);
      await shot(page, name('chat'), masks(page));

      // Bob sends Alice a file; his file channel lets 24 chunks through and holds the rest, so the
      // transfer stands still part-way, on both screens alike.
      await bob.page.evaluate(() => {
        (window as unknown as FileTestWindow).__gate = { limit: 24, sent: 0, held: [] };
      });
      await bob.page.getByTestId('file-input').setInputFiles({
        name: 'holiday-photos.zip',
        mimeType: 'application/zip',
        buffer: randomBytes(8 * 1024 * 1024),
      });
      const incoming = page.locator('[data-testid="file-transfer"][data-direction="receive"]');
      await incoming.getByRole('button', { name: words.accept }).click();
      // Held at the gate: 1.6 MB of 8.4 MB (the bar's bytes, whatever the language writes them in).
      await expect(incoming.getByTestId('file-progress')).toHaveAttribute('value', String(24 * 64 * 1024));
      if (!locale) await expect(incoming.getByTestId('file-status')).toContainText('1.6 MB of 8.4 MB');
      await shot(page, name('file-transfer'), masks(page));

      expect(alice.errors).toEqual([]);
      expect(bob.errors).toEqual([]);
      await Promise.all([alice.context.close(), bob.context.close()]);
    });
  }
