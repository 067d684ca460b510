import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { createWasmVerifier, jsVerifier, type EventVerifier } from '../../relay/schnorr-verifier.js';
import { cpuSeconds, OPEN_LIMITS, rssKb, startRelay } from './relay-process.js';
import { newKey, signEvent, type BenchEvent } from './sign.js';

// Signed Nostr events through the relay: every one is verified on arrival (id hash + BIP-340).
// Goal: ≥ 2,000 forwarded per second with p99 < 10 ms. The relay is offered exactly that rate for a
// fixed time (events signed before the clock starts, sent on a 2 ms timer by the clock, never a
// catch-up burst), once per verification path: on the verify worker thread (the default), on the
// main thread (PARLEY_RELAY_VERIFY_WORKERS=0), and with the JS fallback (PARLEY_RELAY_VERIFIER=js,
// on the worker). Also the verifiers alone, in this process, per core.

const GOAL_RATE = 2000;
const GOAL_P99_MS = 10;
const OFFERED_RATE = GOAL_RATE;
const SECONDS = 5;
/**
 * Sent first at the same rate and not counted in the figures (their worst latency is printed apart):
 * a fresh relay process's first ~250 ms are its JIT warming up and each page's one full signature
 * check, which a relay pays once in its life, not once per 5 s. Measured: every one of the 100
 * slowest events of a cold run was sent in its first 250 ms.
 */
const WARMUP_SECONDS = 1;
const PAIRS = 10;
/** How long events still on their way after the offering may take before they count as lost. */
const SETTLE_MS = 5000;

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
const verdict = (ok: boolean): string => (ok ? 'met' : 'not met');
const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Infinity;

/** A Trystero-sized signal: an encrypted SDP of ~1.6 KB. */
const trysteroContent = (i: number): string =>
  JSON.stringify({ peerId: 'p'.repeat(20), offerId: String(i).padStart(12, '0'), offer: 'o'.repeat(1600) });

const open = (url: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { localAddress: '127.0.0.1', perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

/** A way the relay checks signatures, and how to tell from its log that it really runs it. */
interface VerifyPath {
  label: string;
  env: NodeJS.ProcessEnv;
  logged: RegExp;
}

const PATHS: readonly VerifyPath[] = [
  {
    label: 'WASM on the verify worker (default: a key proven on its socket has only its id checked after that)',
    env: {},
    logged: /"event":"verifier","engine":"wasm","thread":"worker"/,
  },
  {
    label:
      'WASM on the verify worker, every signature checked (PARLEY_RELAY_CHECK_EVERY_SIGNATURE=1: also those of keys already proven on their socket)',
    env: { PARLEY_RELAY_CHECK_EVERY_SIGNATURE: '1' },
    logged: /"event":"verifier","engine":"wasm","thread":"worker"/,
  },
  {
    label:
      'WASM on the main thread, every signature checked (PARLEY_RELAY_VERIFY_WORKERS=0 PARLEY_RELAY_CHECK_EVERY_SIGNATURE=1)',
    env: { PARLEY_RELAY_VERIFY_WORKERS: '0', PARLEY_RELAY_CHECK_EVERY_SIGNATURE: '1' },
    logged: /"event":"verifier","engine":"wasm","thread":"main"/,
  },
  {
    label: 'WASM on the main thread (PARLEY_RELAY_VERIFY_WORKERS=0)',
    env: { PARLEY_RELAY_VERIFY_WORKERS: '0' },
    logged: /"event":"verifier","engine":"wasm","thread":"main"/,
  },
  {
    label: 'JS fallback on the verify worker (PARLEY_RELAY_VERIFIER=js)',
    env: { PARLEY_RELAY_VERIFIER: 'js' },
    logged: /"event":"verifier","engine":"js","thread":"worker"/,
  },
];

interface ThroughputFigures {
  path: VerifyPath;
  sent: number;
  received: number;
  /** The first WARMUP_SECONDS, not in the other figures. */
  warmup: { sent: number; received: number; worstMs: number };
  /** Forwarded events per second of offering. */
  perSecond: number;
  p50: number;
  p99: number;
  /** Relay CPU seconds (all its threads) per forwarded event. */
  cpuPerEvent: number;
  rssStartMiB: number;
  rssPeakMiB: number;
  /** Publishers' `OK false` answers, by reason. */
  refused: Map<string, number>;
}

const throughput = async (path: VerifyPath): Promise<ThroughputFigures> => {
  const relay = await startRelay(OPEN_LIMITS, path.env);
  // The figure is only the path's if the relay really runs it: read its start-up log.
  const until = performance.now() + 5000;
  while (!path.logged.test(relay.log()) && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
  if (!path.logged.test(relay.log()))
    throw new Error(`the relay did not log ${path.logged.source} (${path.label}): ${relay.log().slice(-500)}`);
  const perPair = Math.round((OFFERED_RATE * (WARMUP_SECONDS + SECONDS)) / PAIRS);
  const refused = new Map<string, number>();
  const pairs = await Promise.all(
    Array.from({ length: PAIRS }, async (_, p) => {
      const topic = `signed-${p}`.padEnd(40, '0');
      const key = newKey();
      const events = Array.from({ length: perPair }, (_, i) =>
        signEvent(key, { kind: 24242, tags: [['x', topic]], content: trysteroContent(i) }),
      );
      const [pub, sub] = await Promise.all([open(relay.url), open(relay.url)]);
      pub.on('message', (data: Buffer) => {
        const m = JSON.parse(data.toString()) as unknown[];
        if (m[0] !== 'OK' || m[2] !== false) return;
        // The reason up to its first ';' (e.g. "rate-limited: too many events are waiting for their signature check").
        const prefix = String(m[3]).split(';')[0] ?? '';
        refused.set(prefix, (refused.get(prefix) ?? 0) + 1);
      });
      await new Promise<void>((r) => {
        sub.once('message', () => r());
        sub.send(JSON.stringify(['REQ', 's', { kinds: [24242], '#x': [topic] }]));
      });
      return { pub, sub, frames: events.map((e) => ({ id: e.id, frame: JSON.stringify(['EVENT', e]) })) };
    }),
  );
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  /** Ids sent during the warm-up: their latencies go to `warmupWorst` only. */
  const warmupIds = new Set<string>();
  let warmupWorst = 0;
  let warmupReceived = 0;
  for (const { sub } of pairs) {
    sub.on('message', (data: Buffer) => {
      const at = performance.now();
      const m = JSON.parse(data.toString()) as [string, string, BenchEvent];
      if (m[0] !== 'EVENT') return;
      const t = sentAt.get(m[2].id);
      if (t === undefined) return;
      if (!warmupIds.has(m[2].id)) latencies.push(at - t);
      else {
        warmupReceived += 1;
        warmupWorst = Math.max(warmupWorst, at - t);
      }
    });
  }
  const total = perPair * PAIRS;
  const warmupTotal = OFFERED_RATE * WARMUP_SECONDS;
  const measuredTotal = total - warmupTotal;
  const pid = relay.child.pid ?? 0;
  const rssStart = rssKb(pid) / 1024;
  let rssPeak = rssStart;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssKb(pid) / 1024);
  }, 100);
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  let sent = 0;
  // 2 ms ticks, round-robin over the pairs: each tick sends what the clock says is due by now.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * OFFERED_RATE));
      for (; sent < due; sent += 1) {
        const pair = pairs[sent % PAIRS];
        const item = pair?.frames[Math.floor(sent / PAIRS)];
        if (pair === undefined || item === undefined) continue;
        if (sent < warmupTotal) warmupIds.add(item.id);
        sentAt.set(item.id, performance.now());
        pair.pub.send(item.frame);
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  const settleUntil = performance.now() + SETTLE_MS;
  while (latencies.length < measuredTotal && performance.now() < settleUntil)
    await new Promise((r) => setTimeout(r, 20));
  clearInterval(sampler);
  const cpu = cpuSeconds(pid) - cpu0;
  for (const { pub, sub } of pairs) {
    pub.terminate();
    sub.terminate();
  }
  await relay.stop();
  if (latencies.length === 0) throw new Error(`no signed event came through the relay (${path.label}): cannot measure`);
  // Events never forwarded count as infinitely late.
  const sorted = [...latencies, ...Array.from({ length: measuredTotal - latencies.length }, () => Infinity)].sort(
    (x, y) => x - y,
  );
  return {
    path,
    sent: measuredTotal,
    received: latencies.length,
    warmup: { sent: warmupTotal, received: warmupReceived, worstMs: warmupWorst },
    perSecond: latencies.length / SECONDS,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    cpuPerEvent: cpu / (latencies.length + warmupReceived),
    rssStartMiB: rssStart,
    rssPeakMiB: rssPeak,
    refused,
  };
};

/** Events checked per CPU-second of this process by one engine (CPU time, not wall time: other jobs on the machine do not count). */
const verifierRate = (verifier: EventVerifier, events: BenchEvent[]): number => {
  const before = process.cpuUsage();
  for (const event of events)
    if (verifier.check(event) !== 'valid') throw new Error(`the ${verifier.engine} verifier rejected a valid event`);
  const used = process.cpuUsage(before);
  return events.length / ((used.user + used.system) / 1e6);
};

export const signedEventsBench = async (): Promise<void> => {
  const key = newKey();
  const events = Array.from({ length: 2000 }, (_, i) =>
    signEvent(key, { kind: 24242, tags: [['x', 'v'.repeat(40)]], content: trysteroContent(i) }),
  );
  const wasm = await createWasmVerifier();
  const wasmRate = verifierRate(wasm, events);
  const jsRate = verifierRate(jsVerifier, events.slice(0, 300));
  console.log(
    `verifier alone (per CPU-second, ~1.7 KB Trystero-sized events, id hash + Schnorr): WASM (libsecp256k1) ${round(wasmRate, 0)} events/s (${round(1e6 / wasmRate, 0)} µs each); JS (noble) ${round(jsRate, 0)} events/s (${round(1e6 / jsRate, 0)} µs each); ×${round(wasmRate / jsRate, 1)}`,
  );
  for (const path of PATHS) {
    const f = await throughput(path);
    const lost = f.sent - f.received;
    const ms = (v: number): string => (Number.isFinite(v) ? `${round(v)} ms` : 'unbounded');
    const refusals = [...f.refused].map(([reason, n]) => `${n} "${reason}"`).join(', ');
    const met =
      f.received === f.sent && f.warmup.received === f.warmup.sent && f.perSecond >= GOAL_RATE && f.p99 < GOAL_P99_MS;
    console.log(
      `signed Nostr events through the relay, ${f.path.label}: offered ${OFFERED_RATE}/s for ${WARMUP_SECONDS} s of warm-up ` +
        `(${f.warmup.received}/${f.warmup.sent} forwarded, worst ${ms(f.warmup.worstMs)}; not counted below), then for ${SECONDS} s over ${PAIRS} pairs; ` +
        `${f.received}/${f.sent} forwarded (${round(f.perSecond, 0)}/s${lost > 0 ? `, ${lost} not within ${SETTLE_MS / 1000} s of the end` : ''}${refusals === '' ? '' : `; publishers refused: ${refusals}`}), ` +
        `latency p50 ${ms(f.p50)}, p99 ${ms(f.p99)}; relay CPU ${round(f.cpuPerEvent * 1e6, 0)} µs per forwarded event (all threads); relay RSS ${round(f.rssStartMiB)} MiB at the start, peak ${round(f.rssPeakMiB)} MiB ` +
        `-> goal ≥ ${GOAL_RATE}/s forwarded with p99 < ${GOAL_P99_MS} ms: ${verdict(met)}`,
    );
  }
};
