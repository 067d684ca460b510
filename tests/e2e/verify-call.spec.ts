import { expect, test, type Page } from '@playwright/test';
import { joinPeer, openPeer, startCall } from './helpers';

const codeOf = async (page: Page) => ({
  emoji: await page.getByTestId('verify-emoji').innerText(),
  numbers: await page.getByTestId('verify-numbers').innerText(),
});

const connect = async (browser: Parameters<typeof openPeer>[0]) => {
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  const bob = await joinPeer(browser, link);
  for (const p of [alice, bob]) await expect(p.page.getByTestId('verify-panel')).toBeVisible({ timeout: 20_000 });
  return { alice, bob };
};

test('both people see the same code; when both say it matches, both are verified', async ({ browser }) => {
  const { alice, bob } = await connect(browser);
  const [a, b] = [await codeOf(alice.page), await codeOf(bob.page)];
  expect(a).toEqual(b);
  expect(a.numbers).toMatch(/^\d{4} \d{4} \d{4}$/);
  // Seven emoji, each with its name for screen readers.
  expect(await alice.page.locator('.verify__name').count()).toBe(7);
  for (const p of [alice, bob])
    await expect(p.page.getByTestId('verify-state')).toHaveText('Unverified: compare the codes');

  await alice.page.getByRole('button', { name: 'They match' }).click();
  await expect(alice.page.getByTestId('verify-state')).toHaveText('Unverified: waiting for them to confirm');
  await expect(bob.page.getByTestId('verify-state')).toHaveText('Unverified: compare the codes');
  await bob.page.getByRole('button', { name: 'They match' }).click();
  for (const p of [alice, bob]) await expect(p.page.getByTestId('verify-state')).toHaveText('Verified');
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('when one person says the codes differ, both are warned and the call ends', async ({ browser }) => {
  const { alice, bob } = await connect(browser);
  await bob.page.getByRole('button', { name: "They don't match" }).click();
  await expect(bob.page.getByTestId('status')).toHaveText(
    /Call ended: you said the codes differ\. Someone may be in the middle/,
  );
  await expect(alice.page.getByTestId('status')).toHaveText(/Call ended: the other person said the codes differ/);
  for (const p of [alice, bob]) {
    await expect(p.page.getByTestId('remote-video')).toHaveCount(0);
    await expect(p.page.getByRole('button', { name: 'Back to home' })).toBeVisible();
  }
  await Promise.all([alice.context.close(), bob.context.close()]);
});
