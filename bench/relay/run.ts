import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { ATTACKS, runAttack } from './attacks.js';
import { parallelRoomsBench } from './parallel-rooms.js';
import { OPEN_LIMITS, rssKb, startRelay } from './relay-process.js';
import { signedEventsBench } from './signed-events.js';

// `npm run bench:relay`: the relay runs as its own process (the built CLI) so its RSS and CPU are
// its own; this process is the honest clients, attackers run in processes of their own. Loopback
// only (127.0.0.1–3), every load bounded in count and time. Figures go to stdout; a figure that
// cannot be measured fails the run (exit 1) with the reason instead of printing a guess.
// BENCH_ONLY=idle,load,signed,rooms,attacks picks parts (all by default).

const IDLE_CONNECTIONS = Number(process.env['BENCH_IDLE'] ?? 10_000);
const OFFERED_RATE = 5000; // messages per second
const LOAD_SECONDS = 5;
const PAIRS = 50;

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const open = (url: string, localAddress?: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, localAddress === undefined ? {} : { localAddress });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

const metricsOf = async (port: number): Promise<string> => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
const metric = (text: string, name: string): number =>
  Number(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);

/** 1. Idle connections held and RSS per connection. */
const idleBench = async (): Promise<void> => {
  // --open-rate: the per-address new-connection rate (2/s by default) would refuse all but a few of these.
  const relay = await startRelay([
    '--max-connections',
    String(IDLE_CONNECTIONS + 100),
    '--max-connections-per-ip',
    String(IDLE_CONNECTIONS + 100),
    '--open-rate',
    String(IDLE_CONNECTIONS),
    '--heartbeat',
    '600',
  ]);
  const url = relay.url;
  await new Promise((r) => setTimeout(r, 500));
  const before = rssKb(relay.child.pid ?? 0);
  const sockets: WebSocket[] = [];
  const t0 = performance.now();
  const addresses = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
  for (let i = 0; i < IDLE_CONNECTIONS; i += 250) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(250, IDLE_CONNECTIONS - i) }, (_, j) =>
        open(url, addresses[(i + j) % addresses.length]),
      ),
    );
    for (const ws of batch) ws.on('error', () => {});
    sockets.push(...batch);
  }
  const openMs = performance.now() - t0;
  // Each waits like a page alone in a room: one subscription on its own topic.
  await Promise.all(
    sockets.map(
      (ws, i) =>
        new Promise<void>((r) => {
          ws.once('message', () => r());
          ws.send(JSON.stringify(['REQ', 's', { kinds: [24242], '#x': [`idle-${i}`] }]));
        }),
    ),
  );
  await new Promise((r) => setTimeout(r, 1000));
  const after = rssKb(relay.child.pid ?? 0);
  const held = metric(await metricsOf(relay.port), 'parley_relay_connections_open');
  console.log(`idle: ${held} connections held (opened in ${round(openMs / 1000, 1)} s), each with one subscription`);
  console.log(
    `idle: relay RSS ${round(before / 1024, 1)} MB before, ${round(after / 1024, 1)} MB with them: ${round((after - before) / held, 2)} KB per connection (goal: ${IDLE_CONNECTIONS} under 300 MB -> ${after / 1024 < 300 ? 'met' : 'NOT met'})`,
  );
  for (const ws of sockets) ws.terminate();
  await relay.stop();
};

interface LatencyRun {
  sent: number;
  received: number;
  seconds: number;
  latencies: number[];
}

/** Sender/receiver pairs on the tracker protocol: each answer is forwarded once; its sdp carries the send time. */
const trackerPairs = async (
  url: string,
  pairs: number,
  localAddress: string,
): Promise<{ send: (i: number) => void; run: LatencyRun }> => {
  const run: LatencyRun = { sent: 0, received: 0, seconds: 0, latencies: [] };
  const senders: { ws: WebSocket; infoHash: string; from: string; to: string }[] = [];
  for (let p = 0; p < pairs; p += 1) {
    const infoHash = `ih${localAddress.replace(/\D/g, '')}-${String(p).padStart(5, '0')}`.padEnd(20, '0');
    const from = `a${p}`.padEnd(20, 'a');
    const to = `b${p}`.padEnd(20, 'b');
    const [a, b] = await Promise.all([open(url, localAddress), open(url, localAddress)]);
    for (const [ws, id] of [
      [a, from],
      [b, to],
    ] as const) {
      await new Promise<void>((r) => {
        ws.once('message', () => r());
        ws.send(JSON.stringify({ action: 'announce', info_hash: infoHash, peer_id: id, numwant: 1, offers: [] }));
      });
    }
    b.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { answer?: { sdp: string } };
      if (m.answer === undefined) return;
      run.received += 1;
      run.latencies.push(performance.now() - Number(m.answer.sdp));
    });
    senders.push({ ws: a, infoHash, from, to });
  }
  const send = (i: number): void => {
    const s = senders[i % senders.length];
    if (s === undefined) return;
    run.sent += 1;
    s.ws.send(
      JSON.stringify({
        action: 'announce',
        info_hash: s.infoHash,
        peer_id: s.from,
        answer: { type: 'answer', sdp: String(performance.now()) },
        offer_id: 'o',
        to_peer_id: s.to,
      }),
    );
  };
  return { send, run };
};

/** Offers `rate` messages/s for `seconds`, in 5 ms ticks. */
const offerLoad = async (send: (i: number) => void, rate: number, seconds: number): Promise<void> => {
  const t0 = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - t0) / 1000;
      const due = Math.min(rate * seconds, Math.floor(elapsed * rate));
      while (sent < due) send(sent++);
      if (elapsed >= seconds) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
};

const settle = async (run: LatencyRun): Promise<void> => {
  const deadline = performance.now() + 3000;
  while (run.received < run.sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};

const describeRun = (label: string, run: LatencyRun): string => {
  const sorted = [...run.latencies].sort((x, y) => x - y);
  return `${label}: ${run.received}/${run.sent} forwarded (${round(run.received / run.seconds, 0)} msg/s), latency p50 ${round(percentile(sorted, 50))} ms, p99 ${round(percentile(sorted, 99))} ms, max ${round(sorted.at(-1) ?? NaN)} ms`;
};

/** 2. Forwarding throughput and latency at a fixed offered load. */
const loadBench = async (): Promise<void> => {
  const relay = await startRelay(OPEN_LIMITS);
  const url = relay.url;
  const { send, run } = await trackerPairs(url, PAIRS, '127.0.0.1');
  const t0 = performance.now();
  await offerLoad(send, OFFERED_RATE, LOAD_SECONDS);
  run.seconds = (performance.now() - t0) / 1000;
  await settle(run);
  console.log(
    describeRun(`load (tracker answers, ${PAIRS} pairs, offered ${OFFERED_RATE} msg/s for ${LOAD_SECONDS} s)`, run),
  );
  const sorted = [...run.latencies].sort((x, y) => x - y);
  console.log(
    `load: goal p99 < 10 ms at ${OFFERED_RATE} msg/s -> ${percentile(sorted, 99) < 10 && run.received === run.sent ? 'met' : 'NOT met'}`,
  );

  await relay.stop();
};

/** Binding 127.0.0.2 and .3 is what "from two addresses" and the honest pair's own address rest on. */
const checkAddresses = async (port: number): Promise<void> => {
  for (const localAddress of ['127.0.0.2', '127.0.0.3']) {
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { localAddress });
      ws.once('open', () => {
        ws.terminate();
        resolve();
      });
      ws.once('error', (e) =>
        reject(new Error(`cannot connect from ${localAddress} (is 127.0.0.0/8 on lo?): ${e.message}`)),
      );
    });
  }
};

const main = async (): Promise<void> => {
  const only = new Set((process.env['BENCH_ONLY'] ?? 'idle,load,signed,rooms,attacks').split(','));
  // Latency figures depend on what else runs on the machine: print its load with them.
  const load = (): string =>
    `load average ${loadavg()
      .map((n) => round(n, 1))
      .join(' ')}`;
  const t0 = performance.now();
  console.log(`Parley relay bench (Node ${process.version}, loopback, relay in its own process; ${load()})`);
  const probe = await startRelay([]);
  await checkAddresses(probe.port);
  await probe.stop();
  if (only.has('idle')) {
    await idleBench();
    console.log(`(${load()})`);
  }
  if (only.has('load')) {
    await loadBench();
    console.log(`(${load()})`);
  }
  if (only.has('signed')) {
    await signedEventsBench();
    console.log(`(${load()})`);
  }
  if (only.has('rooms')) {
    await parallelRoomsBench();
    console.log(`(${load()})`);
  }
  const unmeasured: string[] = [];
  if (only.has('attacks')) {
    console.log(
      'attacks (default limits but --open-rate 8; honest pair on 127.0.0.3 sending 6 signed events/s; attackers at nice 19; goals: honest p99 < 50 ms, RSS growth < 64 MiB, replays out/in ≤ 10):',
    );
    const pick = process.env['BENCH_ATTACKS']?.split(',');
    for (const attack of ATTACKS.filter((a) => pick === undefined || pick.includes(a.name))) {
      for (const addresses of [['127.0.0.1'], ['127.0.0.1', '127.0.0.2']]) {
        const result = await runAttack(attack, addresses);
        if (result.unmeasured !== undefined) unmeasured.push(result.unmeasured);
      }
    }
    console.log(`(${load()})`);
  }
  console.log(`bench took ${round((performance.now() - t0) / 1000, 0)} s`);
  if (unmeasured.length > 0) throw new Error(`figures that could not be measured:\n  ${unmeasured.join('\n  ')}`);
};

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
