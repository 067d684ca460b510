import { connectedPair } from './pair';
import { test, type Browser } from '@playwright/test';
import {
  startTurnRig,
  expectFreshRemoteStream,
  expectRemoteFramesFlow,
  markRemoteStream,
} from '../tests/e2e/turn-blip';
import { GOALS, reportGoal } from './goals';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
/** Issue 16: 20 lost-path samples, 20 recoveries. */
const LOST_RUNS = Number(process.env['BENCH_LOST_RUNS'] ?? 20);
const BLIP_MS = 5000;
// Its own relay (with --turn-only) and test TURN server, beside the two of playwright.config.ts.
const RELAY_PORT = Number(process.env['BENCH_TURN_RELAY_PORT'] ?? 18801);
const TURN_PORT = Number(process.env['BENCH_TURN_PORT'] ?? 18802);

/**
 * One sample: two people in a call whose media goes through a TURN server; the server drops
 * everything for 5 s; ms from it forwarding again to both remote videos decoding new frames.
 */
type Rig = Awaited<ReturnType<typeof startTurnRig>>;

const sample = async (browser: Browser, rig: Rig): Promise<number | { failed: string }> => {
  const { a, b, close } = await connectedPair(browser, rig.relay.url);
  let back: number | null = null;
  try {
    await Promise.all([expectRemoteFramesFlow(a), expectRemoteFramesFlow(b)]);
    rig.turn.pause();
    const cut = Date.now();
    for (const p of [a, b])
      await p.locator('[data-testid="status"][data-status="reconnecting"]').waitFor({ timeout: 15_000 });
    await a.waitForTimeout(Math.max(0, cut + BLIP_MS - Date.now()));
    rig.turn.resume();
    back = Date.now();
    await Promise.all([expectRemoteFramesFlow(a), expectRemoteFramesFlow(b)]);
    return Date.now() - back;
  } catch (e) {
    // Past the outage, no video again is a measured failure of recovery, counted against the goal
    // (as a lost-path sample's is); before it, the bench itself could not run: that throws.
    if (back === null) throw e;
    return {
      failed: `no video again within 20 s of the network returning (${e instanceof Error ? e.message.split('\n')[0] : e})`,
    };
  } finally {
    rig.turn.resume();
    await close();
  }
};

/**
 * One sample: the TURN server forgets both allocations for good (a new network); ms from the loss
 * being noticed (either side shows "reconnecting") to both remote videos decoding a fresh
 * connection's stream (both sides re-dial through the relay), and from the loss itself.
 * A sample that does not come back is returned as such with the reason, not thrown: it is a measured
 * failure of recovery, counted against the goal.
 */
const lostPathSample = async (
  browser: Browser,
  rig: Rig,
): Promise<{ fromNoticed: number; fromLoss: number } | { failed: string }> => {
  const { a, b, close } = await connectedPair(browser, rig.relay.url);
  try {
    await Promise.all([expectRemoteFramesFlow(a), expectRemoteFramesFlow(b)]);
    await Promise.all([markRemoteStream(a), markRemoteStream(b)]);
    rig.turn.forget();
    const cut = Date.now();
    const reconnecting = (p: typeof a) =>
      p.locator('[data-testid="status"][data-status="reconnecting"]').waitFor({ timeout: 15_000 });
    let noticed: number;
    try {
      await Promise.any([reconnecting(a), reconnecting(b)]);
      noticed = Date.now();
    } catch {
      return { failed: 'neither side showed "reconnecting" within 15 s of the loss' };
    }
    try {
      await Promise.all([expectFreshRemoteStream(a), expectFreshRemoteStream(b)]);
    } catch (e) {
      return {
        failed: `no fresh stream on both sides within 30 s: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
      };
    }
    const back = Date.now();
    return { fromNoticed: back - noticed, fromLoss: back - cut };
  } finally {
    await close();
  }
};

const line = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  return `  median ${s[Math.floor(s.length / 2)]}  min ${s[0]}  max ${s[s.length - 1]}   [${xs.join(', ')}]`;
};

test('recovery: call through TURN, 5 s outage, time until video flows again both ways; and a path lost for good', async ({
  browser,
}) => {
  test.setTimeout((RUNS + LOST_RUNS) * 90_000);
  const rig = await startTurnRig(RELAY_PORT, TURN_PORT);
  try {
    const blips: number[] = [];
    const failures: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await sample(browser, rig);
      if (typeof r === 'number') blips.push(r);
      else failures.push(`blip ${i + 1}: ${r.failed}`);
    }
    const lost: Array<{ fromNoticed: number; fromLoss: number }> = [];
    for (let i = 0; i < LOST_RUNS; i++) {
      const r = await lostPathSample(browser, rig);
      if ('failed' in r) failures.push(`sample ${i + 1}: ${r.failed}`);
      else lost.push(r);
    }
    const lines = [
      '',
      `recovery after a ${BLIP_MS / 1000} s media outage (TURN server paused): network back → both videos decoding again, ${RUNS} runs (ms)`,
      line(blips),
      `media path lost for good (TURN allocations forgotten; both re-dial through the relay), ${LOST_RUNS} samples, ${lost.length} came back (ms):`,
    ];
    if (lost.length > 0) {
      lines.push(
        ' loss noticed ("reconnecting") → both videos decoding a fresh connection\'s stream:',
        line(lost.map((x) => x.fromNoticed)),
      );
      lines.push(' the loss itself → the same:', line(lost.map((x) => x.fromLoss)));
    }
    for (const f of failures) lines.push(`  did not come back: ${f}`);
    console.log([...lines, ''].join('\n'));
    const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)] ?? NaN;
    const blipMedian = median(blips);
    const blipFailures = RUNS - blips.length;
    reportGoal({
      goal: GOALS.blip,
      figure:
        blips.length > 0
          ? `${blipMedian} ms (${blips.length} of ${RUNS} runs recovered)`
          : `0 of ${RUNS} runs recovered`,
      met: blipFailures === 0 && blipMedian <= 3000,
    });
    reportGoal({
      goal: GOALS.lostRecovers,
      figure: `${lost.length} of ${LOST_RUNS}`,
      met: LOST_RUNS >= 20 && lost.length === LOST_RUNS,
    });
    if (lost.length > 0) {
      const m = median(lost.map((x) => x.fromNoticed));
      reportGoal({ goal: GOALS.lostFast, figure: `${m} ms`, met: m <= 5000 });
    }
  } finally {
    await rig.stop();
  }
});
