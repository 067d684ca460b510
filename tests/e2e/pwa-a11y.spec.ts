import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { joinPeer, openPeer, passLobby, startCall } from './helpers';

/** Runs axe-core (WCAG 2.x A/AA and best practices) on the page as it is now; returns the violations readably. */
const scan = async (page: Page) => {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
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

test('a call while waiting, the password prompt, a connected call with its verification panel, and the ended call have no axe violations', async ({ browser }) => {
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

test('the lobby, the keyboard shortcuts overlay and the in-call device pickers have no axe violations', async ({ browser }) => {
  const alice = await openPeer(browser, '/');
  await alice.page.getByRole('button', { name: 'Start a call' }).click();
  // The lobby, with its preview running and the device lists filled in.
  await expect(alice.page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  await expect(alice.page.getByLabel('Camera', { exact: true })).toBeVisible();
  expect(await scan(alice.page)).toEqual([]);
  await passLobby(alice.page);
  await expect(alice.page.getByTestId('status')).toHaveAttribute('data-status', 'waiting');

  await alice.page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(alice.page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  expect(await scan(alice.page)).toEqual([]);
  await alice.page.keyboard.press('Escape');
  await alice.page.getByRole('button', { name: 'Devices' }).click();
  await expect(alice.page.getByLabel('Microphone', { exact: true })).toBeVisible();
  expect(await scan(alice.page)).toEqual([]);
  await alice.context.close();
});

test('every control on Home is reachable by keyboard and shows a visible focus ring', async ({ browser }) => {
  const peer = await openPeer(browser, '/');
  const { page } = peer;
  await expect(page.getByRole('button', { name: 'Start a call' })).toBeEnabled();
  const expected = await page.evaluate(() => document.querySelectorAll('main button:not([disabled]), main input, main select').length);
  const reached = new Set<string>();
  for (let i = 0; i < expected + 2; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement;
      if (!(el instanceof HTMLElement) || el === document.body) return null;
      const style = getComputedStyle(el);
      return { id: `${el.tagName} ${el.id || el.textContent}`, outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
    });
    if (!focus) continue;
    expect(focus.outline, `${focus.id} has no visible focus outline`).toBe(true);
    reached.add(focus.id);
  }
  expect(reached.size).toBe(expected);
  await peer.context.close();
});
