import { startFlooder } from '../../tests/relay/flooder.js';
import { joinAsTrysteroPage, type SimulatedPage } from '../../tests/relay/trystero-page.js';
import { startRelay } from './relay-process.js';

// Issue 13's honest neighbours, timed: simulated Trystero pages on 127.0.0.1 (the address a
// neighbour floods from, at 1,000 frames/s over 8 connections), one room of two, then eight rooms
// of two joining in the same second. The figure is when the last page finished its exchange.

const DEADLINE_MS = 20_000;
const ADDRESS = '127.0.0.1';

const round = (n: number): number => Math.round(n);

/** Ms until every page finished, or how many did not within the deadline. */
const roomsTime = async (rooms: number): Promise<{ slowest: number; unfinished: number }> => {
  const relay = await startRelay([]);
  const flooder = startFlooder(relay.url, ADDRESS, 1000, 8);
  // Let the flood run before anyone joins (bounded).
  const floodUntil = performance.now() + 3000;
  while (flooder.stats.sent < 500 && performance.now() < floodUntil) await new Promise((r) => setTimeout(r, 20));
  const pages: SimulatedPage[] = [];
  for (let room = 0; room < rooms; room += 1) {
    for (let i = 0; i < 2; i += 1)
      pages.push(
        joinAsTrysteroPage({ url: relay.url, appId: 'parley-bench', roomId: `room-${room}`, localAddress: ADDRESS }),
      );
  }
  const times = await Promise.all(
    pages.map((p) =>
      Promise.race([p.exchanged, new Promise<number>((r) => setTimeout(() => r(Infinity), DEADLINE_MS))]),
    ),
  );
  for (const p of pages) p.leave();
  await flooder.stop();
  await relay.stop();
  return { slowest: Math.max(...times), unfinished: times.filter((t) => !Number.isFinite(t)).length };
};

export const parallelRoomsBench = async (): Promise<void> => {
  const single = await roomsTime(1);
  const eight = await roomsTime(8);
  const text = (r: { slowest: number; unfinished: number }, pages: number): string =>
    r.unfinished > 0
      ? `${r.unfinished} of ${pages} pages unfinished after ${DEADLINE_MS / 1000} s`
      : `all ${pages} done in ${round(r.slowest)} ms`;
  const met = single.unfinished === 0 && eight.unfinished === 0 && eight.slowest <= 2 * single.slowest + 500;
  console.log(
    `parallel rooms while a neighbour on the same address floods: one room ${text(single, 2)}; eight rooms ${text(eight, 16)} (goal: eight rooms at the single room's speed, ≤ 2× + 0.5 s: ${met ? 'met' : 'NOT met'})`,
  );
};
