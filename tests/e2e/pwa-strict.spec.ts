import { expect, test } from '@playwright/test';
import { baseURL } from '../../playwright.config';
import { expectRemoteVideoPlaying, passLobby, startCall } from './helpers';
import { openWatchedPeer } from './pwa-helpers';

// The relay serves the app and signaling on one origin (as `npm start` does): a whole call must
// touch nothing else and trip no part of the page's Content-Security-Policy.
test('a whole call stays on its own origin and raises no CSP or Trusted Types violation', async ({ browser }) => {
  const alice = await openWatchedPeer(browser, '/');
  const link = await startCall(alice);
  const bob = await openWatchedPeer(browser, link);
  await passLobby(bob.page);
  for (const p of [alice, bob]) {
    await expect(p.page.getByTestId('status')).toHaveAttribute('data-status', 'connected');
    await expectRemoteVideoPlaying(p.page);
    await expect(p.page.getByTestId('verify-panel')).toBeVisible();
  }
  await alice.page.getByRole('button', { name: 'Hang up' }).click();
  await expect(bob.page.getByTestId('status')).toHaveText(/They hung up/);

  const origin = new URL(baseURL).origin;
  for (const p of [alice, bob]) {
    expect(await p.violations()).toEqual([]);
    expect(p.errors).toEqual([]);
    expect(p.requests.filter((u) => new URL(u).origin !== origin)).toEqual([]);
    expect(p.sockets.length).toBeGreaterThan(0);
    expect(p.sockets.filter((u) => new URL(u).host !== new URL(origin).host)).toEqual([]);
  }
  await alice.context.close();
  await bob.context.close();
});

test('the page carries its CSP and enforces Trusted Types: a markup string is refused', async ({ browser }) => {
  const peer = await openWatchedPeer(browser, '/');
  await expect(peer.page.getByRole('heading', { name: 'Parley' })).toBeVisible();
  const csp = await peer.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  for (const directive of [
    "script-src 'self'",
    "style-src 'self';",
    "object-src 'none'",
    "base-uri 'none'",
    "require-trusted-types-for 'script'",
  ]) {
    expect(csp).toContain(directive);
  }
  // (eval cannot be probed from here: DevTools-evaluated code is exempt from the page's CSP.)
  const outcome = await peer.page.evaluate(() => {
    try {
      document.createElement('div').innerHTML = '<img src=x>';
      return 'accepted';
    } catch (e) {
      return e instanceof TypeError ? 'refused' : 'other error';
    }
  });
  expect(outcome).toBe('refused');
  // The watcher the call test relies on does see violations.
  await expect.poll(() => peer.violations()).toEqual([expect.stringMatching(/^require-trusted-types-for /)]);
  await peer.context.close();
});
