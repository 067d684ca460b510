import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { joinPeer, openPeer, passLobby, startCall } from './helpers';

/** Runs axe-core (WCAG 2.x A/AA and best practices) on the page as it is now; returns the violations readably. */
const scan = async (page: Page) => {
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  return violations.map((v) => `${v.id}: ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
};

test('Home, and Home showing a refused link, have no axe violations', async ({ browser }) => {
  const peer = await openPeer(browser, '/');
  await expect(peer.page.getByRole('button', { name: 'Start a call' })).toBeEnabled();
  expect(await scan(peer.page)).toEqual([]);

  await peer.page.goto('/#/NOT-A-ROOM-CODE');
  await expect(peer.page.getByRole('alert')).toContainText('That link does not hold a valid room code');
  expect(await scan(peer.page)).toEqual([]);
  await peer.context.close();
});

test('a call while waiting, the password prompt, a connected call with its verification panel, and the ended call have no axe violations', async ({
  browser,
}) => {
  // Six scans of pages with live video, and two lobbies to pass: slow on a loaded machine.
  test.setTimeout(150_000);
  const alice = await openPeer(browser, '/');
  const link = await startCall(alice);
  await expect(alice.page.getByTestId('qr')).toBeVisible();
  expect(await scan(alice.page)).toEqual([]);

  const bob = await joinPeer(browser, link);
  for (const p of [alice, bob]) await expect(p.page.getByTestId('verify-panel')).toBeVisible();
  for (const p of [alice, bob]) expect(await scan(p.page)).toEqual([]);

  await alice.page.getByRole('button', { name: 'Hang up' }).click();
  await expect(alice.page.getByTestId('status')).toHaveText('Call ended.');
  expect(await scan(alice.page)).toEqual([]);
  await alice.context.close();
  await bob.context.close();

  const carol = await openPeer(browser, '/');
  await carol.page.getByLabel('Password (optional)').fill('correct horse');
  await carol.page.getByRole('button', { name: 'Start a call' }).click();
  await passLobby(carol.page);
  await expect(carol.page.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
  const dave = await joinPeer(browser, carol.page.url());
  await expect(dave.page.getByTestId('status')).toHaveAttribute('data-status', 'password');
  expect(await scan(dave.page)).toEqual([]);
  await carol.context.close();
  await dave.context.close();
});

test('the lobby, the keyboard shortcuts overlay and the in-call device pickers have no axe violations', async ({
  browser,
}) => {
  const alice = await openPeer(browser, '/');
  await alice.page.getByRole('button', { name: 'Start a call' }).click();
  // The lobby, with its preview running and the device lists filled in.
  await expect(alice.page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  await expect(alice.page.getByLabel('Camera', { exact: true })).toBeVisible();
  expect(await scan(alice.page)).toEqual([]);
  await passLobby(alice.page);
  await expect(alice.page.getByTestId('status')).toHaveAttribute('data-status', 'waiting');

  await alice.page.getByRole('button', { name: 'Connection details' }).click();
  await alice.page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(alice.page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  expect(await scan(alice.page)).toEqual([]);
  await alice.page.keyboard.press('Escape');
  await alice.page.getByRole('button', { name: 'Devices' }).click();
  await expect(alice.page.getByLabel('Microphone', { exact: true })).toBeVisible();
  expect(await scan(alice.page)).toEqual([]);
  await alice.context.close();
});

/** Whatever has keyboard focus now, and whether it shows a clear focus ring (≥ 2 px outline). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!(el instanceof HTMLElement) || el === document.body) return null;
    const style = getComputedStyle(el);
    const name = el.getAttribute('aria-label') ?? (el.textContent ?? '').trim();
    return {
      id: `${el.tagName} ${el.id || name}`,
      name,
      inMain: el.closest('main') !== null,
      ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });

/** Tabs through the whole page: every visible, enabled control inside <main> is reached and shows its focus ring. */
const expectAllReachableByTab = async (page: Page) => {
  const expected = await page.evaluate(() => {
    const all = document.querySelectorAll<HTMLElement>(
      'main button:not([disabled]), main input:not([disabled]), main select:not([disabled]), main a[href], main textarea',
    );
    return [...all].filter((el) => el.checkVisibility() && el.tabIndex >= 0).length;
  });
  const reached = new Set<string>();
  // Focus also visits controls outside <main> (the shell bar, the browser UI): go round more than once.
  for (let i = 0; i < 2 * expected + 10; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (!f) continue;
    expect(f.ring, `${f.id} has no visible focus ring`).toBe(true);
    if (f.inMain) reached.add(f.id);
  }
  expect(reached.size, `reached ${[...reached].join(' | ')}`).toBe(expected);
};

/** Moves focus with Tab alone to the control named `name` and presses Enter, as a keyboard user does. */
const activateByKeyboard = async (page: Page, name: string) => {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if ((await focused(page))?.name === name) {
      await page.keyboard.press('Enter');
      return;
    }
  }
  throw new Error(`"${name}" cannot be reached with Tab`);
};

test('every control on Home is reachable by keyboard and shows a visible focus ring', async ({ browser }) => {
  const peer = await openPeer(browser, '/');
  await expect(peer.page.getByRole('button', { name: 'Start a call' })).toBeEnabled();
  await expectAllReachableByTab(peer.page);
  await peer.context.close();
});

test('a whole call by keyboard alone: start, lobby, verify, hang up, back home; every screen tabs through with visible focus', async ({
  browser,
}) => {
  const alice = await openPeer(browser, '/');
  await expect(alice.page.getByRole('button', { name: 'Start a call' })).toBeEnabled();
  await activateByKeyboard(alice.page, 'Start a call');
  await expect(alice.page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  await expectAllReachableByTab(alice.page);
  await activateByKeyboard(alice.page, 'Join now');
  await expect(alice.page.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
  await expect(alice.page.getByTestId('qr')).toBeVisible();
  await expectAllReachableByTab(alice.page);

  const bob = await openPeer(browser, alice.page.url());
  await expect(bob.page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  await activateByKeyboard(bob.page, 'Join now');
  for (const p of [alice, bob]) await expect(p.page.getByRole('button', { name: 'They match' })).toBeVisible();
  await expectAllReachableByTab(bob.page);
  for (const p of [alice, bob]) await activateByKeyboard(p.page, 'They match');
  for (const p of [alice, bob]) await expect(p.page.getByTestId('verify-state')).toHaveText('Verified');

  await activateByKeyboard(alice.page, 'Hang up');
  await expect(alice.page.getByTestId('status')).toHaveText('Call ended.');
  await expectAllReachableByTab(alice.page);
  await activateByKeyboard(alice.page, 'Back to home');
  await expect(alice.page.getByRole('button', { name: 'Start a call' })).toBeVisible();
  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('a connected call with the chat (holding messages and a hint) and connection details open has no axe violations', async ({
  browser,
}) => {
  // Two connected browsers and two full scans: well over a minute on a loaded machine.
  test.slow();
  const alice = await openPeer(browser, '/');
  const link = await startCall(alice);
  const bob = await joinPeer(browser, link);
  const { page } = alice;
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Connection details' }).click();
  await expect(page.getByTestId('details-rtt')).toHaveText(/ms$/);
  await page.getByRole('button', { name: /^Chat/ }).click();
  await page.getByRole('textbox', { name: 'Message' }).fill('hello <b>there</b>');
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await bob.page.getByRole('button', { name: /^Chat/ }).click();
  await bob.page.getByRole('textbox', { name: 'Message' }).fill('hi');
  await bob.page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(page.getByTestId('chat-text')).toHaveCount(2);
  await page.getByRole('textbox', { name: 'Message' }).fill('x'.repeat(2001));
  await expect(page.getByTestId('chat-hint')).toHaveText(/Too long/);
  expect(await scan(page)).toEqual([]);
  // Bob's closed panel with its unread badge, too.
  await bob.page.getByRole('button', { name: /^Chat/ }).click();
  await page.getByRole('textbox', { name: 'Message' }).fill('another');
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(bob.page.getByTestId('chat-unread')).toHaveText('1 unread');
  expect(await scan(bob.page)).toEqual([]);
  await alice.context.close();
  await bob.context.close();
});
