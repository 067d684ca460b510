import { test, type Browser, type Page } from '@playwright/test';
import { generateRoomCode } from '../src/core/room-code';
import { measureBundle } from './bundle-size';
import { passLobby } from '../tests/e2e/helpers';
import { appPort, barePort } from './playwright.config';
import {
  BOTH_SIDES_PHASE,
  PHASES,
  breakdown,
  recordMilestones,
  type Breakdown,
  type Kind,
  type Milestones,
} from './connect-timeline';
import { GOALS, reportGoal } from './goals';
import { FIRST_LOAD_BUDGET_BYTES as BUDGET } from '../scripts/bundle-budget';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 7);
// The first person has been waiting a moment (as anyone would) before the second arrives.
const FIRST_PERSON_HEAD_START_MS = 1500;
// And the second looks at their preview for a moment before clicking "Join now", as anyone does.
const LOBBY_LOOK_MS = 1000;

const openPage = async (browser: Browser) => {
  const context = await browser.newContext();
  await context.addInitScript(recordMilestones);
  return { context, page: await context.newPage() };
};

const milestonesWhenFramed = async (page: Page): Promise<Milestones> => {
  await page.waitForFunction(() => window.__milestones.firstRemoteFrame !== undefined, null, { timeout: 30_000 });
  return page.evaluate(() => window.__milestones);
};

/**
 * One sample: ms from the second person's join until both sides show a remote frame, split into
 * phases (connect-timeline.ts). In the app a join is the click on the lobby's "Join now" (the page is
 * loaded and the preview running by then); the bare baseline has no lobby, so there it is the
 * navigation (its page load counts against it). `harness`: the same end, timed from the test process.
 */
const sample = async (browser: Browser, kind: Kind): Promise<{ breakdown: Breakdown; harness: number }> => {
  const a = await openPage(browser);
  const b = await openPage(browser);
  try {
    let link: string;
    if (kind === 'app') {
      await a.page.goto(`http://127.0.0.1:${appPort}/`);
      await a.page.getByRole('button', { name: 'Start a call' }).click();
      await passLobby(a.page);
      await a.page.getByTestId('status').and(a.page.locator('[data-status="waiting"]')).waitFor();
      link = a.page.url();
    } else {
      const room = crypto.randomUUID();
      link = `http://127.0.0.1:${barePort}/?relay=${encodeURIComponent(`ws://127.0.0.1:${appPort}/`)}&room=${room}`;
      await a.page.goto(link);
    }
    await a.page.waitForTimeout(FIRST_PERSON_HEAD_START_MS);
    let harnessT0 = Date.now();
    await b.page.goto(link);
    if (kind === 'app') {
      await b.page.locator('[data-testid="lobby"][data-ready="true"]').waitFor();
      await b.page.waitForTimeout(LOBBY_LOOK_MS);
      harnessT0 = await passLobby(b.page);
    }
    const [ma, mb] = await Promise.all([milestonesWhenFramed(a.page), milestonesWhenFramed(b.page)]);
    const result = breakdown(kind, mb, ma);
    const last = Math.max(ma.firstRemoteFrame ?? NaN, mb.firstRemoteFrame ?? NaN);
    return { breakdown: result, harness: last - harnessT0 };
  } finally {
    await a.context.close();
    await b.context.close();
  }
};

const stats = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
  return { median, min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
};

test('bundle size and connect time', async ({ browser }) => {
  const bundle = measureBundle('dist');
  if (bundle.firstLoadFiles.length === 0 || bundle.firstLoadGzip <= 0)
    throw new Error('bundle: dist/index.html references no JS or CSS (is dist built?)');
  const lines = [
    `first-load JS+CSS (gzip -9): ${bundle.firstLoadGzip} B (budget ${BUDGET} B, ${((100 * bundle.firstLoadGzip) / BUDGET).toFixed(0)}% used)`,
  ];
  for (const f of bundle.firstLoadFiles) lines.push(`  ${f.file}: ${f.gzip} B`);

  const app: Array<{ breakdown: Breakdown; harness: number }> = [];
  const bare: Array<{ breakdown: Breakdown; harness: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate so drift on the machine weighs on both alike.
    bare.push(await sample(browser, 'bare'));
    app.push(await sample(browser, 'app'));
  }
  const row = (label: string, xs: number[]) => {
    const s = stats(xs);
    return `  ${label.padEnd(15)}median ${s.median}  min ${s.min}  max ${s.max}   [${xs.join(', ')}]`;
  };
  lines.push(`connect: second person's join → first remote frame on both sides, ${RUNS} runs each (ms)`);
  lines.push(' from the join in the page (click event on "Join now" / the bare page\'s navigation start):');
  const appTotals = app.map((x) => x.breakdown.total);
  const bareTotals = bare.map((x) => x.breakdown.total);
  lines.push(row('parley app', appTotals));
  lines.push(row('bare trystero', bareTotals));
  const ratio = stats(appTotals).median / stats(bareTotals).median;
  if (!Number.isFinite(ratio)) throw new Error('connect bench: no ratio (a median is not a number)');
  lines.push(`  app / bare median ratio: ${ratio.toFixed(2)}`);
  // Where the milliseconds go: the median of each phase, on the joining side, per kind.
  lines.push(" where they go (median ms per phase; the joining side, then the first person's first frame):");
  lines.push(`  ${'phase'.padEnd(72)}${'app'.padStart(7)}${'bare'.padStart(7)}`);
  const names = [...PHASES.map((p) => p.name), BOTH_SIDES_PHASE];
  for (const name of names) {
    const xa = app.map((x) => x.breakdown.phases[name]).filter((v): v is number => v !== undefined);
    const xb = bare.map((x) => x.breakdown.phases[name]).filter((v): v is number => v !== undefined);
    const cell = (xs: number[]) => (xs.length === 0 ? '—' : String(stats(xs).median)).padStart(7);
    lines.push(`  ${name.padEnd(72)}${cell(xa)}${cell(xb)}`);
  }
  lines.push(
    " the same connect, timed from the test process (adds Playwright's click checks to the app, its goto to the bare page):",
  );
  lines.push(
    row(
      'parley app',
      app.map((x) => x.harness),
    ),
  );
  lines.push(
    row(
      'bare trystero',
      bare.map((x) => x.harness),
    ),
  );
  console.log(['', ...lines, ''].join('\n'));
  reportGoal({
    goal: GOALS.connect,
    figure: `${ratio.toFixed(2)}× (${stats(appTotals).median} ms vs ${stats(bareTotals).median} ms, ${RUNS} runs each)`,
    met: ratio <= 1.0,
  });
  const kb = bundle.firstLoadGzip / 1024;
  reportGoal({ goal: GOALS.firstLoad, figure: `${kb.toFixed(1)} KB`, met: bundle.firstLoadGzip <= 30 * 1024 });
});

/** Records every long main-thread task (> 50 ms, the browser's own threshold) with its start time. */
const recordLongTasks = () => {
  const w = window as unknown as { __longTasks: Array<[number, number]> };
  w.__longTasks = [];
  new PerformanceObserver((list) =>
    list.getEntries().forEach((e) => w.__longTasks.push([e.startTime, e.duration])),
  ).observe({ type: 'longtask' });
};

test('password KDF in the Worker and the main thread meanwhile', async ({ browser }) => {
  const runs: Array<{ kdf: number; longest: number }> = [];
  for (let i = 0; i < 3; i++) {
    const code = generateRoomCode({
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
      now: Date.now(),
      lifetimeMinutes: 15,
      hasPassword: true,
    });
    const context = await browser.newContext();
    await context.addInitScript(recordLongTasks);
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${appPort}/#/${code.text}`);
    await passLobby(page);
    await page.getByLabel('This room is protected by a password').fill('correct horse battery staple');
    // Only tasks from the click on count: page start-up is not what the Worker is meant to spare.
    const clickedAt = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByTestId('status').and(page.locator('[data-status="waiting"]')).waitFor();
    const figures = await page.evaluate((since) => {
      const tasks = (window as unknown as { __longTasks: Array<[number, number]> }).__longTasks;
      const kdf = performance.getEntriesByName('parley:password-kdf')[0];
      const kdfEnd = kdf ? kdf.startTime + kdf.duration : Infinity;
      // Only tasks that started while the KDF ran: joining the room afterwards is not the Worker's doing.
      return {
        kdf: kdf?.duration ?? NaN,
        longest: Math.max(0, ...tasks.filter(([t]) => t >= since && t < kdfEnd).map(([, d]) => d)),
      };
    }, clickedAt);
    runs.push(figures);
    await context.close();
  }
  const lines = ['password KDF (scrypt N=2^17 r=8 p=1) in a Worker, 3 runs:'];
  for (const r of runs)
    lines.push(
      `  KDF ${r.kdf.toFixed(0)} ms; longest main-thread task while it ran ${r.longest === 0 ? '< 50 ms (no long task)' : `${r.longest.toFixed(0)} ms`}`,
    );
  console.log(['', ...lines, ''].join('\n'));
});

/** Records (page clock) when the status first says "connected" and when the verification code first shows. */
const recordVerifyTimes = () => {
  const w = window as unknown as { __connectedAt?: number; __codeAt?: number };
  new MutationObserver(() => {
    const t = performance.now();
    if (w.__connectedAt === undefined && document.querySelector('[data-status="connected"]')) w.__connectedAt = t;
    if (w.__codeAt === undefined && document.querySelector('[data-testid="verify-numbers"]')) w.__codeAt = t;
  }).observe(document, { subtree: true, childList: true, attributes: true });
};

test('verification: time from "connected" to the code being shown', async ({ browser }) => {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const a = await browser.newContext();
    const b = await browser.newContext();
    await Promise.all([a.addInitScript(recordVerifyTimes), b.addInitScript(recordVerifyTimes)]);
    const pa = await a.newPage();
    await pa.goto(`http://127.0.0.1:${appPort}/`);
    await pa.getByRole('button', { name: 'Start a call' }).click();
    await passLobby(pa);
    await pa.getByTestId('status').and(pa.locator('[data-status="waiting"]')).waitFor();
    const pb = await b.newPage();
    await pb.goto(pa.url());
    await passLobby(pb);
    for (const p of [pa, pb]) await p.getByTestId('verify-numbers').waitFor({ timeout: 30_000 });
    for (const p of [pa, pb]) {
      const d = await p.evaluate(() => {
        const w = window as unknown as { __connectedAt?: number; __codeAt?: number };
        return (w.__codeAt ?? NaN) - (w.__connectedAt ?? NaN);
      });
      times.push(Math.round(d));
    }
    await Promise.all([a.close(), b.close()]);
  }
  const s = stats(times);
  console.log(
    `\nverification: "connected" → code shown, ${times.length} sides (ms): median ${s.median}  min ${s.min}  max ${s.max}   [${times.join(', ')}]\n`,
  );
});
