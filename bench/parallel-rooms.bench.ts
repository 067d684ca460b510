import { test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { lobbyJoinButton } from '../tests/e2e/helpers';
import { GOALS, reportGoal } from './goals';
import { appPort } from './playwright.config';

/** Rounds of "4 rooms at once" (each beside 4 single-room connects in the same run). */
const RUNS = Number(process.env['PARALLEL_RUNS'] ?? 2);
const ROOMS = 4;
/** A room not connected by then counts as not connected (the issue saw one never connect within 45 s). */
const CONNECT_LIMIT_MS = 45_000;
const origin = `http://127.0.0.1:${appPort}`;

/** A room whose first person waits in it and whose second person stands in the lobby, ready to click "Join now". */
interface ReadyRoom {
  contexts: BrowserContext[];
  alice: Page;
  bob: Page;
}

const readyRoom = async (browser: Browser): Promise<ReadyRoom> => {
  const contexts = [await browser.newContext(), await browser.newContext()];
  const [ca, cb] = contexts as [BrowserContext, BrowserContext];
  const alice = await ca.newPage();
  await alice.goto(`${origin}/`);
  await alice.getByRole('button', { name: 'Start a call' }).click();
  await alice.locator('[data-testid="lobby"][data-ready="true"]').waitFor();
  await lobbyJoinButton(alice).click();
  await alice.locator('[data-testid="status"][data-status="waiting"]').waitFor({ timeout: 30_000 });
  const bob = await cb.newPage();
  await bob.goto(alice.url());
  await bob.locator('[data-testid="lobby"][data-ready="true"]').waitFor();
  return { contexts, alice, bob };
};

/** Clicks Bob's "Join now" and returns ms until both sides say "connected", or null past the limit. */
const joinAndTime = async (room: ReadyRoom): Promise<number | null> => {
  const t0 = Date.now();
  await lobbyJoinButton(room.bob).click();
  try {
    await Promise.all(
      [room.alice, room.bob].map((p) =>
        p.locator('[data-testid="status"][data-status="connected"]').waitFor({ timeout: CONNECT_LIMIT_MS }),
      ),
    );
    return Date.now() - t0;
  } catch {
    return null;
  }
};

const closeRoom = async (room: ReadyRoom) => {
  for (const c of room.contexts) await c.close();
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
    parallel.push(...(await Promise.all(rooms.map(joinAndTime))));
    for (const r of rooms) await closeRoom(r);
  }
  const connected = parallel.filter((x): x is number => x !== null);
  const total = RUNS * ROOMS;
  console.log(
    [
      `parallel rooms (${RUNS} rounds of ${ROOMS} at once, one browser, one address): ${connected.length} of ${total} connected within ${CONNECT_LIMIT_MS / 1000} s`,
      `  at once (ms): ${parallel.map((x) => x ?? 'none').join(', ')}`,
      `  one room alone, same run (ms): ${single.join(', ')}`,
    ].join('\n'),
  );
  const ref = median(single);
  if (connected.length === 0) {
    reportGoal({ goal: GOALS.parallelRooms, figure: `0 of ${total} connected`, met: false });
    return;
  }
  const ratio = median(connected) / ref;
  reportGoal({
    goal: GOALS.parallelRooms,
    figure: `${connected.length} of ${total} connected; median ${median(connected)} ms vs ${ref} ms alone: ${ratio.toFixed(2)}×`,
    met: connected.length === total && ratio <= 1.5,
  });
});
