import { expect, test, type Browser, type Page } from '@playwright/test';
import { english } from '../../src/ui/i18n/catalog-check';
import type { Message } from '../../src/ui/i18n/message';
import ar from '../../src/ui/i18n/locales/ar';
import de from '../../src/ui/i18n/locales/de';
import { expectRemoteVideoPlaying, type Peer } from './helpers';
import { serveStatic } from './static-host';

// Parley in German and Arabic, in real Chromium contexts whose browser language is de-DE or ar (what
// navigator.languages says): no English word of the catalog may show, in text or in aria labels.

const textsOf = (m: Message): string[] =>
  typeof m === 'string' ? [m] : Object.values(m).filter((s) => s !== undefined);

/**
 * The English phrases that must not appear in a page in `target`'s language: every English catalog value,
 * cut at its placeholders (what fills them is not catalog text). Left out, and why:
 * - pieces with fewer than 4 letters ("s", "min", "You: "): too short to tell a language by;
 * - a piece the target's own catalog uses as a word: it is a word of that language too ("Parley"
 *   everywhere, German "Details", the emoji "Panda"), so finding it proves nothing.
 * Each phrase is matched as whole words, so "Send" is not found inside the German "Senden".
 */
const forbiddenPhrases = (target: Readonly<Record<string, Message>>) => {
  const own = Object.values(target).flatMap(textsOf).join('\n');
  const phrases = new Map<string, string>();
  for (const [key, value] of Object.entries(english))
    for (const text of textsOf(value))
      for (const piece of text.split(/\{\w+\}/)) {
        const phrase = piece.trim();
        if ((phrase.match(/\p{L}/gu) ?? []).length < 4) continue;
        if (wordIn(phrase).test(own)) continue;
        phrases.set(phrase, key);
      }
  return phrases;
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const wordIn = (phrase: string) => new RegExp(`(?<![\\p{L}])${escapeRegExp(phrase)}(?![\\p{L}])`, 'u');

/** What a person sees or hears of the page: its visible text and every label given to assistive tech. */
const pageWords = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const labels = [...document.querySelectorAll('[aria-label], [placeholder], [title], img[alt]')].map((el) =>
      ['aria-label', 'placeholder', 'title', 'alt'].map((a) => el.getAttribute(a) ?? '').join('\n'),
    );
    return [document.title, document.body.innerText, ...labels].join('\n');
  });

const expectNoEnglish = async (page: Page, target: Readonly<Record<string, Message>>, where: string) => {
  const words = await pageWords(page);
  const found = [...forbiddenPhrases(target)].filter(([phrase]) => wordIn(phrase).test(words));
  expect(
    found.map(([phrase, key]) => `${key}: "${phrase}"`),
    `English on ${where}`,
  ).toEqual([]);
};

/** A person whose browser speaks `locale`, with the page open at `path`. */
const openIn = async (browser: Browser, locale: string, path = '/'): Promise<Peer> => {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/setRemoteDescription.*wrong state: stable/i.test(m.text())) errors.push(m.text());
  });
  await page.goto(path);
  return { context, page, errors };
};

/** Through the lobby by its test id (helpers' passLobby finds "Join now" by its English name). */
const passLobby = async (page: Page) => {
  await expect(page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('lobby-join').click();
};

const text = (m: Message) => (typeof m === 'string' ? m : m.other);

for (const { locale, lang, dir, catalog } of [
  { locale: 'de-DE', lang: 'de', dir: 'ltr', catalog: de },
  { locale: 'ar', lang: 'ar', dir: 'rtl', catalog: ar },
] as const) {
  test(`${locale}: Home, a refused code, the lobby, a verified call and its end, with no English`, async ({
    browser,
  }) => {
    const alice = await openIn(browser, locale);
    const { page } = alice;
    // The language follows the browser's; <html lang dir> follow it.
    await expect(page.locator('h1')).toHaveText('Parley');
    await expect(page.getByText(text(catalog['home.lede']))).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await expect(page.locator('html')).toHaveAttribute('dir', dir);
    await expectNoEnglish(page, catalog, 'Home');

    // An error: a code that cannot be one.
    await page.getByLabel(text(catalog['home.haveCode'])).fill('cup');
    await page.getByRole('button', { name: text(catalog['common.join']), exact: true }).click();
    await expect(page.getByRole('alert')).toContainText(text(catalog['code.character']).split('{char}')[0] ?? '');
    await expectNoEnglish(page, catalog, 'Home with a refused code');

    // The lobby.
    await page.getByRole('button', { name: text(catalog['home.start']) }).click();
    await expect(page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
    await expectNoEnglish(page, catalog, 'the lobby');
    await passLobby(page);
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
    await expectNoEnglish(page, catalog, 'the waiting call');

    // A whole call: the other person (same language) joins, both see the code in their language, both confirm.
    const bob = await openIn(browser, locale, page.url());
    await passLobby(bob.page);
    for (const p of [alice, bob]) {
      await expect(p.page.getByTestId('verify-panel')).toBeVisible({ timeout: 20_000 });
      await expectRemoteVideoPlaying(p.page);
    }
    const names = await page.locator('.verify__name').allInnerTexts();
    expect(names).toHaveLength(7);
    const matrixNames = new Set(Object.entries(catalog).flatMap(([k, v]) => (k.startsWith('emoji.') ? [text(v)] : [])));
    for (const n of names) expect(matrixNames, `emoji name "${n}"`).toContain(n);
    expect(await bob.page.locator('.verify__name').allInnerTexts()).toEqual(names);
    await expectNoEnglish(page, catalog, 'the call with its verification code');
    await expectNoEnglish(bob.page, catalog, 'the joining side of the call');

    for (const p of [alice, bob]) await p.page.getByRole('button', { name: text(catalog['verify.match']) }).click();
    for (const p of [alice, bob])
      await expect(p.page.getByTestId('verify-state')).toHaveText(text(catalog['verify.badge.verified']));
    await expectNoEnglish(page, catalog, 'the verified call');

    // The details sheet and the chat, opened.
    await page.getByRole('button', { name: text(catalog['controls.connectionDetails']) }).click();
    await expect(page.getByTestId('details-panel')).toBeVisible();
    await page.getByRole('button', { name: text(catalog['controls.chat']) }).click();
    await expect(page.getByTestId('chat-panel')).toBeVisible();
    await expectNoEnglish(page, catalog, 'the details and chat sheets');

    // Errors the models hand over typed, worded here: a nickname refused, and a file the other person declined.
    const remember = page.getByTestId('remember-prompt');
    await remember.getByRole('button', { name: text(catalog['remember.submit']) }).click();
    await expect(remember.getByRole('alert')).toHaveText(text(catalog['nickname.empty']));
    await page
      .getByTestId('file-input')
      .setInputFiles({ name: 'bericht.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(1024) });
    const offer = bob.page.locator('[data-testid="file-transfer"][data-direction="receive"]');
    await offer.getByRole('button', { name: text(catalog['files.decline']) }).click();
    const sent = page.locator('[data-testid="file-transfer"][data-direction="send"]');
    await expect(sent).toHaveAttribute('data-state', 'refused');
    await expect(sent).toContainText(text(catalog['files.reject.declined']));
    await expectNoEnglish(page, catalog, 'a refused nickname and a declined file');
    await expectNoEnglish(bob.page, catalog, 'the side that declined the file');

    // The end: hanging up leaves the other person waiting, in their language.
    await page.getByRole('button', { name: text(catalog['controls.hangUp']) }).click();
    await expect(bob.page.getByTestId('status')).toHaveText(text(catalog['status.hungUp']));
    await expectNoEnglish(bob.page, catalog, 'the call after they hung up');
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
    await Promise.all([alice.context.close(), bob.context.close()]);
  });
}

// A deploy whose only relay is down (nothing listens on its port): the connection test's line and the
// waiting screen's diagnosis, typed by the probe and worded by the page.
const HOST_PORT = 18951;
const DEAD_RELAY = 'ws://127.0.0.1:18952/';
for (const { locale, catalog } of [
  { locale: 'de-DE', catalog: de },
  { locale: 'ar', catalog: ar },
] as const) {
  test(`${locale}: a relay that cannot be reached, on the connection test and the waiting screen`, async ({
    browser,
  }) => {
    const host = await serveStatic({
      root: 'dist',
      prefix: '/',
      port: HOST_PORT,
      config: { strategy: 'nostr', relays: [DEAD_RELAY], iceServers: [] },
    });
    const { context, page } = await openIn(browser, locale, host.url);
    await page.getByRole('button', { name: text(catalog['connectionTest.run']) }).click();
    const lines = page.getByTestId('connection-test').getByRole('listitem');
    await expect(lines.first()).toHaveText(`✗ ${DEAD_RELAY}: ${text(catalog['relay.noWebSocket'])}`);
    await expect(lines.nth(1)).toContainText(text(catalog['relay.noIce']));
    await expectNoEnglish(page, catalog, 'the connection test');

    await page.getByRole('button', { name: text(catalog['home.start']) }).click();
    await passLobby(page);
    await expect(page.getByTestId('relay-problem')).toHaveText(text(catalog['waiting.unreachable']));
    await expectNoEnglish(page, catalog, 'the waiting screen with its relay diagnosis');
    await context.close();
    await host.close();
  });
}

test('an expired link is refused in German', async ({ browser }) => {
  // A room code that expired: the same words a person with an old link sees.
  const { generateRoomCode } = await import('../../src/core/room-code');
  const code = generateRoomCode({
    randomBytes: (n) => new Uint8Array(n).fill(7),
    now: Date.now() - 3 * 3600_000,
    lifetimeMinutes: 60,
    hasPassword: false,
  });
  const peer = await openIn(browser, 'de-DE', `/#/${code.text}`);
  await expect(peer.page.getByRole('alert')).toContainText('Dieser Raum ist um');
  await expectNoEnglish(peer.page, de, 'Home with an expired link');
  await peer.context.close();
});

test('the picker on Home switches the language at once and is remembered across a reload', async ({ browser }) => {
  // Playwright's default locale (en-US): the page starts in English, as every other e2e test expects.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Start a call' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.getByLabel('Language').selectOption('ar');
  await expect(page.getByRole('button', { name: text(ar['home.start']) })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expectNoEnglish(page, ar, 'Home after picking Arabic');
  // The web manifest follows: installing now names and describes Parley in Arabic.
  const manifest = page.locator('link[rel="manifest"]');
  await expect(manifest).toHaveAttribute('href', 'manifest-ar.webmanifest');
  const served = await (await page.request.get(new URL('manifest-ar.webmanifest', page.url()).href)).json();
  expect(served).toMatchObject({ lang: 'ar', dir: 'rtl', description: text(ar['app.description']) });

  await page.reload();
  await expect(page.getByRole('button', { name: text(ar['home.start']) })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await expect(page.getByLabel(text(ar['home.language']))).toHaveValue('ar');

  // Another choice replaces the first, and is remembered in its turn.
  await page.getByLabel(text(ar['home.language'])).selectOption('de');
  await expect(page.getByRole('button', { name: text(de['home.start']) })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await page.reload();
  await expect(page.getByRole('button', { name: text(de['home.start']) })).toBeVisible();
  await context.close();
});
