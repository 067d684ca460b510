import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { lobbyJoinButton } from '../tests/e2e/helpers';
import { GOALS, reportGoal } from './goals';
import { recordMilestones } from './connect-timeline';
import { appPort, barePort } from './playwright.config';

/** Rounds of "4 rooms at once" (each beside 4 single-room connects in the same run). */
const RUNS = Number(process.env['PARALLEL_RUNS'] ?? 2);
const ROOMS = 4;
/** A room not connected by then counts as not connected (the issue saw one never connect within 45 s). */
const CONNECT_LIMIT_MS = 45_000;
const origin = `http://127.0.0.1:${appPort}`;
/** How long the second person looks at the lobby's preview before clicking (connect.bench.ts: 1 s). */
const LOBBY_LOOK_MS = 2_000;

/** A room whose first person waits in it and whose second person stands in the lobby, ready to click "Join now". */
interface ReadyRoom {
  contexts: BrowserContext[];
  alice: Page;
  bob: Page;
}

/** Two people's browser contexts (separate storage, as two devices), each running `record` in its pages. */
const twoPeople = async (browser: Browser, record: () => void) => {
  const contexts = [await browser.newContext(), await browser.newContext()];
  for (const c of contexts) await c.addInitScript(record);
  return { contexts, ca: contexts[0] as BrowserContext, cb: contexts[1] as BrowserContext };
};

const readyRoom = async (browser: Browser): Promise<ReadyRoom> => {
  const { contexts, ca, cb } = await twoPeople(browser, recordJoinAndConnect);
  const alice = await ca.newPage();
  await alice.goto(`${origin}/`);
  await alice.getByRole('button', { name: 'Start a call' }).click();
  await alice.locator('[data-testid="lobby"][data-ready="true"]').waitFor();
  await lobbyJoinButton(alice).click();
  await alice.locator('[data-testid="status"][data-status="waiting"]').waitFor({ timeout: 30_000 });
  const bob = await cb.newPage();
  await bob.goto(alice.url());
  await bob.locator('[data-testid="lobby"][data-ready="true"]').waitFor();
  // Bob looks at his preview for a moment before "Join now", as anyone does: the same for a room
  // alone and for the four at once (the app uses that moment: see warmCallWhenIdle in src/app.tsx).
  await bob.waitForTimeout(LOBBY_LOOK_MS);
  return { contexts, alice, bob };
};

/**
 * Runs in each page before its scripts: notes (wall clock) the click on "Join now" and the moment the
 * status first says "connected". The figure is read from these, so the harness neither polls the
 * pages while they connect (Playwright's polling costs CPU in the very pages, and in the browser
 * process, that it would be timing) nor adds its own lag to noticing the change.
 */
const recordJoinAndConnect = () => {
  const w = window as unknown as { __joinedAt?: number; __connectedAt?: number };
  document.addEventListener(
    'click',
    (e) => {
      if (e.target instanceof Element && e.target.closest('[data-testid="lobby-join"]')) w.__joinedAt ??= Date.now();
    },
    true,
  );
  new MutationObserver(() => {
    if (w.__connectedAt === undefined && document.querySelector('[data-testid="status"][data-status="connected"]'))
      w.__connectedAt = Date.now();
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
};

/** Resolves with the page's "connected" time once it has one; null if it has none within the limit. No polling. */
const connectedAt = (page: Page) =>
  page.evaluate(
    (limit) =>
      new Promise<number | null>((resolve) => {
        const w = window as unknown as { __connectedAt?: number };
        const check = () => {
          if (w.__connectedAt === undefined) return false;
          resolve(w.__connectedAt);
          return true;
        };
        if (check()) return;
        const seen = new MutationObserver(() => check() && seen.disconnect());
        seen.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
        setTimeout(() => {
          seen.disconnect();
          resolve(check() ? (w.__connectedAt ?? null) : null);
        }, limit);
      }),
    CONNECT_LIMIT_MS,
  );

/**
 * Clicks Bob's "Join now" and returns ms from that click (as Bob's page saw it) until both pages say
 * "connected", or null past the limit. The click is dispatched in the page: Playwright's own click
 * first waits for the button to be stable over animation frames, which on four busy pages spread
 * the "same second" clicks over more than a second.
 */
const joinAndTime = async (room: ReadyRoom): Promise<number | null> => {
  await lobbyJoinButton(room.bob).dispatchEvent('click');
  const [a, b] = await Promise.all([connectedAt(room.alice), connectedAt(room.bob)]);
  const joined = await room.bob.evaluate(() => (window as unknown as { __joinedAt?: number }).__joinedAt ?? null);
  if (a === null || b === null) return null;
  if (joined === null) throw new Error('parallel-rooms bench: the click on "Join now" never reached the page');
  return Math.max(a, b) - joined;
};

/** Busy CPU time of the whole machine (all cores, ms), from /proc/stat; null where there is none (not Linux). */
const busyMs = (): number | null => {
  try {
    const [, ...fields] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
    const ticks = fields.map(Number);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    // USER_HZ is 100 on every Linux we run on: one tick is 10 ms.
    return (ticks.reduce((a, b) => a + b, 0) - idle) * 10;
  } catch {
    return null;
  }
};

/** How many cores' worth the machine was busy over the next `ms` (context for the figure), or null. */
const coresBusy = async (ms: number): Promise<number | null> => {
  const a = busyMs();
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, ms));
  const b = busyMs();
  return a === null || b === null ? null : (b - a) / (Date.now() - t0);
};

const closeRoom = async (room: ReadyRoom) => {
  for (const c of room.contexts) await c.close();
};

/**
 * The same question asked of bare Trystero (bench/bare: joinRoom + addStream, nothing else) on the same
 * relay, browser and machine: the floor the app's ratio sits on. Its first person has joined and is
 * connected to the relay; its second person's join is the navigation (the bare page joins on load);
 * "connected" is Trystero's own peer-joined point, the data channel open on both sides.
 */
interface BareRoom extends ReadyRoom {
  link: string;
}

const readyBareRoom = async (browser: Browser): Promise<BareRoom> => {
  const { contexts, ca, cb } = await twoPeople(browser, recordMilestones);
  const link = `http://127.0.0.1:${barePort}/?relay=${encodeURIComponent(`ws://127.0.0.1:${appPort}/`)}&room=${crypto.randomUUID()}`;
  const alice = await ca.newPage();
  await alice.goto(link);
  await alice.waitForFunction(() => window.__milestones.announceSent !== undefined, null, { polling: 100 });
  return { contexts, alice, bob: await cb.newPage(), link };
};

/** Resolves with when the page's first data channel opened, once it has; null past the limit. Polls 10× a second. */
const channelOpenAt = (page: Page) =>
  page
    .waitForFunction(() => window.__milestones.channelOpen ?? false, null, { polling: 100, timeout: CONNECT_LIMIT_MS })
    .then((h) => h.jsonValue() as Promise<number>)
    .catch(() => null);

const joinBareAndTime = async (room: BareRoom): Promise<number | null> => {
  await room.bob.goto(room.link);
  const [a, b] = await Promise.all([channelOpenAt(room.alice), channelOpenAt(room.bob)]);
  const joined = await room.bob.evaluate(() => window.__milestones.joinedAt ?? null);
  if (a === null || b === null) return null;
  if (joined === null) throw new Error('parallel-rooms bench: the bare page did not note its navigation');
  return Math.max(a, b) - joined;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? Number.NaN) + (s[mid] ?? Number.NaN)) / 2;
};

test('parallel rooms: 4 rooms whose second person joins in the same second, from one address, against one room alone', async ({
  browser,
}) => {
  const single: number[] = [];
  const parallel: Array<number | null> = [];
  /** Cores busy with the 8 waiting pages alone (cameras, previews), just before each round's clicks. */
  const load: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // One room at a time: the reference, measured in this same run.
    for (let i = 0; i < ROOMS; i++) {
      const room = await readyRoom(browser);
      const ms = await joinAndTime(room);
      await closeRoom(room);
      if (ms === null)
        throw new Error('parallel-rooms bench: a single room did not connect: no reference to compare with');
      single.push(ms);
    }
    // Four rooms made ready one after another, then all four "Join now" clicks at once.
    const rooms: ReadyRoom[] = [];
    for (let i = 0; i < ROOMS; i++) rooms.push(await readyRoom(browser));
    const busy = await coresBusy(2_000);
    if (busy !== null) load.push(busy);
    parallel.push(...(await Promise.all(rooms.map(joinAndTime))));
    for (const r of rooms) await closeRoom(r);
  }
  // The floor: bare Trystero, alone and four at once, as many samples of each.
  const bareSingle: Array<number | null> = [];
  const bareParallel: Array<number | null> = [];
  for (let run = 0; run < RUNS; run++) {
    for (let i = 0; i < ROOMS; i++) {
      const room = await readyBareRoom(browser);
      bareSingle.push(await joinBareAndTime(room));
      await closeRoom(room);
    }
    const rooms: BareRoom[] = [];
    for (let i = 0; i < ROOMS; i++) rooms.push(await readyBareRoom(browser));
    bareParallel.push(...(await Promise.all(rooms.map(joinBareAndTime))));
    for (const r of rooms) await closeRoom(r);
  }
  const done = (xs: Array<number | null>) => xs.filter((x): x is number => x !== null);
  const connected = done(parallel);
  const bareAtOnce = done(bareParallel);
  const bareAlone = done(bareSingle);
  // Context, not the verdict: what the same machine gives bare Trystero (the floor under the app).
  const bareRatio = bareAtOnce.length && bareAlone.length ? median(bareAtOnce) / median(bareAlone) : null;
  const total = RUNS * ROOMS;
  console.log(
    [
      `parallel rooms (${RUNS} rounds of ${ROOMS} at once, one browser, one address): ${connected.length} of ${total} connected within ${CONNECT_LIMIT_MS / 1000} s`,
      `  at once (ms): ${parallel.map((x) => x ?? 'none').join(', ')}`,
      `  one room alone, same run (ms): ${single.join(', ')}`,
      load.length
        ? `  before each round's clicks, the ${2 * ROOMS} waiting pages kept ${load.map((x) => x.toFixed(2)).join(', ')} of ${availableParallelism()} cores busy`
        : '  (machine load not measured: no /proc/stat)',
      `  bare Trystero, same relay and browser (join → data channel open on both sides), ms:`,
      `    at once: ${bareParallel.map((x) => x ?? 'none').join(', ')}`,
      `    alone:   ${bareSingle.map((x) => x ?? 'none').join(', ')}`,
      bareRatio !== null
        ? `    bare Trystero's own ratio: ${bareRatio.toFixed(2)}× (median ${median(bareAtOnce)} vs ${median(bareAlone)} ms; ${bareAtOnce.length} of ${total} connected at once)`
        : '    bare Trystero: no ratio (a side connected in none of its samples)',
    ].join('\n'),
  );
  const ref = median(single);
  if (connected.length === 0) {
    reportGoal({ goal: GOALS.parallelRooms, figure: `0 of ${total} connected`, met: false });
    return;
  }
  const ratio = median(connected) / ref;
  const floor = bareRatio !== null ? `; bare Trystero on this machine: ${bareRatio.toFixed(2)}×` : '';
  reportGoal({
    goal: GOALS.parallelRooms,
    figure: `${connected.length} of ${total} connected; median ${median(connected)} ms vs ${ref} ms alone: ${ratio.toFixed(2)}×${floor}`,
    met: connected.length === total && ratio <= 1.5,
  });
});
