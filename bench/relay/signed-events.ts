import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { createWasmVerifier, jsVerifier, type EventVerifier } from '../../relay/schnorr-verifier.js';
import { cpuSeconds, startRelay } from './relay-process.js';
import { newKey, signEvent, type BenchEvent } from './sign.js';

// Signed Nostr events through the relay: every one is verified on arrival (id hash + BIP-340).
// Goal: ≥ 2,000 forwarded per second with p99 < 10 ms, with the WASM verifier; the JS fallback's
// figure beside it. Also the verifiers alone, in this process, per core.

const OFFERED_RATE = 2500;
const SECONDS = 3;
const PAIRS = 10;
const GOAL_RATE = 2000;
const GOAL_P99_MS = 10;
/** Relay limits opened up so the figure is the verifier's and the forwarding's, not the rate limiter's. */
const OPEN_LIMITS = ['--rate', '100000', '--ip-rate', '1000000', '--max-connections-per-ip', '1000', '--open-rate', '1000'];

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');

/** A Trystero-sized signal: an encrypted SDP of ~1.6 KB. */
const trysteroContent = (i: number): string => JSON.stringify({ peerId: 'p'.repeat(20), offerId: String(i).padStart(12, '0'), offer: 'o'.repeat(1600) });

const open = (url: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { localAddress: '127.0.0.1', perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

interface ThroughputFigures {
  engine: string;
  sent: number;
  received: number;
  perSecond: number;
  p99: number;
  /** Relay CPU seconds per forwarded event: what one event costs a core, however busy the machine. */
  cpuPerEvent: number;
}

const throughput = async (engine: 'wasm' | 'js'): Promise<ThroughputFigures> => {
  const relay = await startRelay(OPEN_LIMITS, { PARLEY_RELAY_VERIFIER: engine === 'js' ? 'js' : 'auto' });
  // The figure is only the engine's if the relay really runs it: read its start-up log line.
  const logged = new RegExp(`"event":"verifier","engine":"${engine}"`);
  const until = performance.now() + 3000;
  while (!logged.test(relay.log()) && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
  if (!logged.test(relay.log())) throw new Error(`the relay did not log the ${engine} verifier: ${relay.log().slice(-500)}`);
  const perPair = Math.round((OFFERED_RATE * SECONDS) / PAIRS);
  const pairs = await Promise.all(
    Array.from({ length: PAIRS }, async (_, p) => {
      const topic = `signed-${p}`.padEnd(40, '0');
      const key = newKey();
      const events = Array.from({ length: perPair }, (_, i) => signEvent(key, { kind: 24242, tags: [['x', topic]], content: trysteroContent(i) }));
      const [pub, sub] = await Promise.all([open(relay.url), open(relay.url)]);
      pub.on('message', () => {});
      await new Promise<void>((r) => {
        sub.once('message', () => r());
        sub.send(JSON.stringify(['REQ', 's', { kinds: [24242], '#x': [topic] }]));
      });
      return { pub, sub, events };
    }),
  );
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let lastArrival = 0;
  for (const { sub } of pairs) {
    sub.on('message', (data: Buffer) => {
      const at = performance.now();
      const m = JSON.parse(data.toString()) as [string, string, BenchEvent];
      if (m[0] !== 'EVENT') return;
      const t = sentAt.get(m[2].id);
      if (t === undefined) return;
      latencies.push(at - t);
      lastArrival = at;
    });
  }
  const total = perPair * PAIRS;
  const pid = relay.child.pid ?? 0;
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  let sent = 0;
  // 2 ms ticks, round-robin over the pairs: the offered rate, never a burst to catch up more than one tick.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * OFFERED_RATE));
      for (; sent < due; sent += 1) {
        const pair = pairs[sent % PAIRS];
        const event = pair?.events[Math.floor(sent / PAIRS)];
        if (pair === undefined || event === undefined) continue;
        sentAt.set(event.id, performance.now());
        pair.pub.send(JSON.stringify(['EVENT', event]));
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  const settleUntil = performance.now() + 5000;
  while (latencies.length < total && performance.now() < settleUntil) await new Promise((r) => setTimeout(r, 20));
  const cpu = cpuSeconds(pid) - cpu0;
  for (const { pub, sub } of pairs) {
    pub.terminate();
    sub.terminate();
  }
  await relay.stop();
  if (latencies.length === 0) throw new Error(`no signed event came through the relay (${engine} verifier): cannot measure`);
  const sorted = [...latencies, ...Array.from({ length: total - latencies.length }, () => Infinity)].sort((x, y) => x - y);
  return {
    engine,
    sent: total,
    received: latencies.length,
    perSecond: latencies.length / ((lastArrival - t0) / 1000),
    p99: sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? Infinity,
    cpuPerEvent: cpu / latencies.length,
  };
};

/** Events checked per CPU-second of this process by one engine (CPU time, not wall time: other jobs on the machine do not count). */
const verifierRate = (verifier: EventVerifier, events: BenchEvent[]): number => {
  const before = process.cpuUsage();
  for (const event of events) if (verifier.check(event) !== 'valid') throw new Error(`the ${verifier.engine} verifier rejected a valid event`);
  const used = process.cpuUsage(before);
  return events.length / ((used.user + used.system) / 1e6);
};

export const signedEventsBench = async (): Promise<void> => {
  const key = newKey();
  const events = Array.from({ length: 2000 }, (_, i) => signEvent(key, { kind: 24242, tags: [['x', 'v'.repeat(40)]], content: trysteroContent(i) }));
  const wasm = await createWasmVerifier();
  const wasmRate = verifierRate(wasm, events);
  const jsRate = verifierRate(jsVerifier, events.slice(0, 300));
  console.log(`verifier alone (per CPU-second, ~1.7 KB Trystero-sized events, id hash + Schnorr): WASM (libsecp256k1) ${round(wasmRate, 0)} events/s (${round(1e6 / wasmRate, 0)} µs each); JS (noble) ${round(jsRate, 0)} events/s (${round(1e6 / jsRate, 0)} µs each); ×${round(wasmRate / jsRate, 1)}`);
  const figures: ThroughputFigures[] = [];
  for (const engine of ['wasm', 'js'] as const) figures.push(await throughput(engine));
  for (const f of figures) {
    const lost = f.sent - f.received;
    const p99 = Number.isFinite(f.p99) ? `${round(f.p99)} ms` : `unbounded (${lost} not forwarded within 5 s)`;
    const goal = `goal ≥ ${GOAL_RATE}/s with p99 < ${GOAL_P99_MS} ms: ${verdict(f.perSecond >= GOAL_RATE && f.p99 < GOAL_P99_MS)}`;
    console.log(`signed Nostr events through the relay, ${f.engine === 'wasm' ? 'WASM verifier' : 'JS fallback (PARLEY_RELAY_VERIFIER=js)'}: offered ${OFFERED_RATE}/s for ${SECONDS} s over ${PAIRS} pairs, ${f.received}/${f.sent} forwarded at ${round(f.perSecond, 0)}/s, p99 ${p99} (${goal}); relay CPU ≤ ${round(f.cpuPerEvent * 1e6, 0)} µs per forwarded event (≥ ${round(1 / f.cpuPerEvent, 0)} events/s per busy core; the CPU includes work on events still queued at the end)`);
  }
};
