import { test, type Browser } from '@playwright/test';
import { passLobby } from '../tests/e2e/helpers';
import { appPort } from './playwright.config';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 7);
const GOAL_MS = 5000;

/** Records (wall clock) when the status first reads "connection lost", or shows the call reconnecting (a silent partner). */
const recordLost = () => {
  const w = window as unknown as { __lostAt: number | null };
  w.__lostAt = null;
  new MutationObserver(() => {
    const el = document.querySelector('[data-testid="status"]');
    if (el?.textContent?.includes('connection lost') || el?.getAttribute('data-status') === 'reconnecting') w.__lostAt ??= Date.now();
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

/** One sample: ms from a connected partner's renderer crashing (no goodbye) to "They left (connection lost)". */
const sample = async (browser: Browser): Promise<number> => {
  const alice = await browser.newContext();
  const bob = await browser.newContext();
  try {
    await alice.addInitScript(recordLost);
    const a = await alice.newPage();
    await a.goto(`http://127.0.0.1:${appPort}/`);
    await a.getByRole('button', { name: 'Start a call' }).click();
    await passLobby(a);
    await a.locator('[data-testid="status"][data-status="waiting"]').waitFor();
    const b = await bob.newPage();
    await b.goto(a.url());
    await passLobby(b);
    await a.locator('[data-testid="status"][data-status="connected"]').waitFor({ timeout: 30_000 });
    await b.locator('[data-testid="status"][data-status="connected"]').waitFor({ timeout: 30_000 });
    const cdp = await bob.newCDPSession(b);
    const crashed = Date.now();
    void cdp.send('Page.crash').catch(() => undefined);
    await a.waitForFunction(() => (window as unknown as { __lostAt: number | null }).__lostAt !== null, null, { timeout: 30_000 });
    return (await a.evaluate(() => (window as unknown as { __lostAt: number }).__lostAt)) - crashed;
  } finally {
    await alice.close();
    await bob.close();
  }
};

test('leave detection: a partner whose tab crashes without a goodbye', async ({ browser }) => {
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await sample(browser));
  const s = [...xs].sort((p, q) => p - q);
  const median = s[Math.floor(s.length / 2)] ?? NaN;
  const max = s[s.length - 1] ?? NaN;
  console.log(
    [
      '',
      `leave detection: crashed partner → "Reconnecting…", ${RUNS} runs (ms)`,
      `  median ${median}  min ${s[0]}  max ${max}   [${xs.join(', ')}]   goal ≤ ${GOAL_MS}: ${max <= GOAL_MS ? 'met' : 'NOT met'}`,
      '',
    ].join('\n'),
  );
});
