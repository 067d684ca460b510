import { test, type Browser } from '@playwright/test';
import { connectedPair } from './pair';
import { appPort } from './playwright.config';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 7);
const GOAL_MS = 5000;

/** Records (wall clock) when the status first reads "connection lost", or shows the call reconnecting (a silent partner). */
const recordLost = () => {
  const w = window as unknown as { __lostAt: number | null };
  w.__lostAt = null;
  new MutationObserver(() => {
    const el = document.querySelector('[data-testid="status"]');
    if (el?.textContent?.includes('connection lost') || el?.getAttribute('data-status') === 'reconnecting')
      w.__lostAt ??= Date.now();
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

/** One sample: ms from a connected partner's renderer crashing (no goodbye) to "They left (connection lost)". */
const sample = async (browser: Browser): Promise<number> => {
  const { bob, a, b, close } = await connectedPair(browser, `http://127.0.0.1:${appPort}`, recordLost);
  try {
    const cdp = await bob.newCDPSession(b);
    const crashed = Date.now();
    void cdp.send('Page.crash').catch(() => undefined);
    await a.waitForFunction(() => (window as unknown as { __lostAt: number | null }).__lostAt !== null, null, {
      timeout: 30_000,
    });
    return (await a.evaluate(() => (window as unknown as { __lostAt: number }).__lostAt)) - crashed;
  } finally {
    await close();
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
