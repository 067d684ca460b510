import { connectedPair } from './pair';
import { test, type Browser } from '@playwright/test';
import { startTurnRig, expectFreshRemoteStream, expectRemoteFramesFlow, markRemoteStream } from '../tests/e2e/turn-blip';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const BLIP_MS = 5000;
// Its own relay (with --turn-only) and test TURN server, beside the two of playwright.config.ts.
const RELAY_PORT = Number(process.env['BENCH_TURN_RELAY_PORT'] ?? 18801);
const TURN_PORT = Number(process.env['BENCH_TURN_PORT'] ?? 18802);

/**
 * One sample: two people in a call whose media goes through a TURN server; the server drops
 * everything for 5 s; ms from it forwarding again to both remote videos decoding new frames.
 */
type Rig = Awaited<ReturnType<typeof startTurnRig>>;

const sample = async (browser: Browser, rig: Rig): Promise<number> => {
  const { a, b, close } = await connectedPair(browser, rig.relay.url);
  try {
    await Promise.all([expectRemoteFramesFlow(a), expectRemoteFramesFlow(b)]);
    rig.turn.pause();
    const cut = Date.now();
    for (const p of [a, b]) await p.locator('[data-testid="status"][data-status="reconnecting"]').waitFor({ timeout: 15_000 });
    await a.waitForTimeout(Math.max(0, cut + BLIP_MS - Date.now()));
    rig.turn.resume();
    const back = Date.now();
    await Promise.all([expectRemoteFramesFlow(a), expectRemoteFramesFlow(b)]);
    return Date.now() - back;
  } finally {
    rig.turn.resume();
    await close();
  }
};

/**
 * One sample: the TURN server forgets both allocations for good (a new network); ms from that loss to
 * both remote videos decoding a fresh connection's stream (both sides re-dial through the relay).
 */
const lostPathSample = async (browser: Browser, rig: Rig): Promise<number> => {
  const { a, b, close } = await connectedPair(browser, rig.relay.url);
  try {
    await Promise.all([expectRemoteFramesFlow(a), expectRemoteFramesFlow(b)]);
    await Promise.all([markRemoteStream(a), markRemoteStream(b)]);
    rig.turn.forget();
    const cut = Date.now();
    await Promise.all([expectFreshRemoteStream(a), expectFreshRemoteStream(b)]);
    return Date.now() - cut;
  } finally {
    await close();
  }
};

const line = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  return `  median ${s[Math.floor(s.length / 2)]}  min ${s[0]}  max ${s[s.length - 1]}   [${xs.join(', ')}]`;
};

test('recovery: call through TURN, 5 s outage, time until video flows again both ways; and a path lost for good', async ({ browser }) => {
  const rig = await startTurnRig(RELAY_PORT, TURN_PORT);
  try {
    const blips: number[] = [];
    for (let i = 0; i < RUNS; i++) blips.push(await sample(browser, rig));
    const lost: number[] = [];
    for (let i = 0; i < RUNS; i++) lost.push(await lostPathSample(browser, rig));
    console.log(
      [
        '',
        `recovery after a ${BLIP_MS / 1000} s media outage (TURN server paused): network back → both videos decoding again, ${RUNS} runs (ms)`,
        line(blips),
        `media path lost for good (TURN allocations forgotten; both re-dial through the relay): loss → both videos decoding a fresh connection's stream, ${RUNS} runs (ms)`,
        line(lost),
        '',
      ].join('\n'),
    );
  } finally {
    await rig.stop();
  }
});
