import type { Browser, BrowserContext, Page } from '@playwright/test';
import { passLobby } from '../tests/e2e/helpers';

export interface BenchPair {
  alice: BrowserContext;
  bob: BrowserContext;
  a: Page;
  b: Page;
  close(): Promise<void>;
}

/** Two people in a call at `origin`: Alice starts it, Bob opens her link; both through the lobby, both connected. */
export const connectedPair = async (
  browser: Browser,
  origin: string,
  aliceInit?: () => void,
  bobInit?: () => void,
): Promise<BenchPair> => {
  const alice = await browser.newContext();
  const bob = await browser.newContext();
  const close = async () => {
    await alice.close();
    await bob.close();
  };
  try {
    if (aliceInit) await alice.addInitScript(aliceInit);
    if (bobInit) await bob.addInitScript(bobInit);
    const a = await alice.newPage();
    await a.goto(`${origin}/`);
    await a.getByRole('button', { name: 'Start a call' }).click();
    await passLobby(a);
    await a.locator('[data-testid="status"][data-status="waiting"]').waitFor();
    const b = await bob.newPage();
    await b.goto(a.url());
    await passLobby(b);
    for (const p of [a, b])
      await p.locator('[data-testid="status"][data-status="connected"]').waitFor({ timeout: 30_000 });
    return { alice, bob, a, b, close };
  } catch (e) {
    await close();
    throw e;
  }
};
