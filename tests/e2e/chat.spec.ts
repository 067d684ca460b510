import { expect, test, type Browser, type Page } from '@playwright/test';
import { joinPeer, openPeer, startCall, type Peer } from './helpers';

// Two browsers per test on a shared, busy machine: room to finish, while each wait still has its own limit.
test.describe.configure({ timeout: 120_000 });

/** Alice starts a call, Bob joins by her link; both connected. Always through the shared helpers. */
const connectedPair = async (browser: Browser): Promise<[Peer, Peer]> => {
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  const bob = await joinPeer(browser, link);
  for (const p of [alice, bob])
    await expect(p.page.getByTestId('status')).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
  return [alice, bob];
};

const chatToggle = (page: Page) => page.getByRole('button', { name: /^Chat/ });
const messageBox = (page: Page) => page.getByRole('textbox', { name: 'Message' });
const log = (page: Page) => page.getByRole('log', { name: 'Messages' });

/** Types a message and presses Enter, as a person would. */
const say = async (page: Page, text: string) => {
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
  await expect(messageBox(page)).toHaveValue('');
};

test('chat messages arrive in order; the unread badge shows on the closed panel and clears on open', async ({
  browser,
}) => {
  const [alice, bob] = await connectedPair(browser);
  await chatToggle(alice.page).click();
  await expect(messageBox(alice.page)).toBeFocused();
  const sent = ['one', 'two', 'three', 'four', 'five'].map((w) => `message ${w}`);
  for (const text of sent) await say(alice.page, text);
  await expect(log(alice.page).getByTestId('chat-text')).toHaveText(sent);

  // Bob's panel is closed: the badge counts what arrived, and the toggle's name says so.
  await expect(bob.page.getByTestId('chat-unread')).toHaveText('5 unread');
  await expect(chatToggle(bob.page)).toHaveAccessibleName('Chat 5 unread');
  await chatToggle(bob.page).click();
  await expect(bob.page.getByTestId('chat-unread')).toHaveCount(0);
  await expect(log(bob.page).getByTestId('chat-text')).toHaveText(sent);
  expect(
    await log(bob.page)
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-from'))),
  ).toEqual(sent.map(() => 'peer'));

  // A reply with a newline keeps it (Shift+Enter), and arrives on the open panel without a badge.
  await messageBox(bob.page).fill('got them');
  await messageBox(bob.page).press('Shift+Enter');
  await messageBox(bob.page).pressSequentially('all five');
  await messageBox(bob.page).press('Enter');
  await expect(log(alice.page).getByTestId('chat-text').last()).toHaveText('got them\nall five');
  await expect(alice.page.getByTestId('chat-unread')).toHaveCount(0);

  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
  await alice.context.close();
  await bob.context.close();
});

test('an HTML/script payload is shown as literal text and never executes', async ({ browser }) => {
  const [alice, bob] = await connectedPair(browser);
  // Listening from now on is enough: the payload only arrives after this.
  for (const p of [alice, bob]) {
    await p.page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __csp: string[] }).__csp = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });
  }
  const payload = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script><b>bold</b>`;
  await chatToggle(alice.page).click();
  await say(alice.page, payload);
  await chatToggle(bob.page).click();
  for (const p of [alice, bob]) {
    const text = log(p.page).getByTestId('chat-text');
    await expect(text).toHaveText(payload);
    // Text nodes only: no element was made from the payload.
    await expect(log(p.page).locator('img, script, b')).toHaveCount(0);
    expect(await p.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await p.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(p.errors).toEqual([]);
  }
  await alice.context.close();
  await bob.context.close();
});

test('a message over the length cap is refused at the sender with a visible hint, and the draft is kept', async ({
  browser,
}) => {
  const [alice, bob] = await connectedPair(browser);
  await chatToggle(alice.page).click();
  const long = 'x'.repeat(2001);
  await messageBox(alice.page).fill(long);
  await expect(alice.page.getByTestId('chat-hint')).toHaveText('Too long: 2,001 of at most 2,000 characters.');
  await expect(messageBox(alice.page)).toHaveAttribute('aria-invalid', 'true');
  await messageBox(alice.page).press('Enter');
  await expect(alice.page.getByTestId('chat-hint')).toHaveText(/too long/i);
  await expect(messageBox(alice.page)).toHaveValue(long);
  // Exactly at the cap goes through, and it is the only thing Bob ever receives.
  await messageBox(alice.page).press('Backspace');
  await messageBox(alice.page).press('Enter');
  await expect(messageBox(alice.page)).toHaveValue('');
  await expect(bob.page.getByTestId('chat-unread')).toHaveText('1 unread');
  await chatToggle(bob.page).click();
  await expect(log(bob.page).getByTestId('chat-text')).toHaveText(['x'.repeat(2000)]);
  await alice.context.close();
  await bob.context.close();
});
