import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { WebSocket } from 'ws';

// `npm run bench:relay`: the relay runs as its own process (the built CLI) so its RSS is its own;
// this process is every client. Loopback only, bounded in count and time. Figures go to stdout.

const IDLE_CONNECTIONS = Number(process.env['BENCH_IDLE'] ?? 10_000);
const OFFERED_RATE = 5000; // messages per second
const LOAD_SECONDS = 5;
const PAIRS = 50;

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const rssKb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

interface RelayChild {
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

/** Relays started by this run, killed if the bench fails so none outlives it. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

const startRelay = (args: string[]): Promise<RelayChild> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['build/relay/cli.js', '--port', '0', '--static', 'dist', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    child.once('exit', () => children.delete(child));
    let out = '';
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}`)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const port = /127\.0\.0\.1:(\d+)\//.exec(out)?.[1];
      if (port !== undefined)
        resolve({
          child,
          port: Number(port),
          stop: () =>
            new Promise((r) => {
              child.removeAllListeners('exit');
              child.once('exit', () => r());
              child.kill('SIGTERM');
            }),
        });
    });
  });

const open = (url: string, localAddress?: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, localAddress === undefined ? {} : { localAddress });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

const metricsOf = async (port: number): Promise<string> => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
const metric = (text: string, name: string): number => Number(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);

/** 1. Idle connections held and RSS per connection. */
const idleBench = async (): Promise<void> => {
  const relay = await startRelay(['--max-connections', String(IDLE_CONNECTIONS + 100), '--max-connections-per-ip', String(IDLE_CONNECTIONS + 100), '--heartbeat', '600']);
  const url = `ws://127.0.0.1:${relay.port}/`;
  await new Promise((r) => setTimeout(r, 500));
  const before = rssKb(relay.child.pid ?? 0);
  const sockets: WebSocket[] = [];
  const t0 = performance.now();
  const addresses = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
  for (let i = 0; i < IDLE_CONNECTIONS; i += 250) {
    const batch = await Promise.all(Array.from({ length: Math.min(250, IDLE_CONNECTIONS - i) }, (_, j) => open(url, addresses[(i + j) % addresses.length])));
    for (const ws of batch) ws.on('error', () => {});
    sockets.push(...batch);
  }
  const openMs = performance.now() - t0;
  // Each waits like a page alone in a room: one subscription on its own topic.
  await Promise.all(sockets.map((ws, i) => new Promise<void>((r) => {
    ws.once('message', () => r());
    ws.send(JSON.stringify(['REQ', 's', { kinds: [24242], '#x': [`idle-${i}`] }]));
  })));
  await new Promise((r) => setTimeout(r, 1000));
  const after = rssKb(relay.child.pid ?? 0);
  const held = metric(await metricsOf(relay.port), 'parley_relay_connections_open');
  console.log(`idle: ${held} connections held (opened in ${round(openMs / 1000, 1)} s), each with one subscription`);
  console.log(`idle: relay RSS ${round(before / 1024, 1)} MB before, ${round(after / 1024, 1)} MB with them: ${round((after - before) / held, 2)} KB per connection (goal: ${IDLE_CONNECTIONS} under 300 MB -> ${after / 1024 < 300 ? 'met' : 'NOT met'})`);
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
const trackerPairs = async (url: string, pairs: number, localAddress: string): Promise<{ send: (i: number) => void; run: LatencyRun }> => {
  const run: LatencyRun = { sent: 0, received: 0, seconds: 0, latencies: [] };
  const senders: { ws: WebSocket; infoHash: string; from: string; to: string }[] = [];
  for (let p = 0; p < pairs; p += 1) {
    const infoHash = `ih${localAddress.replace(/\D/g, '')}-${String(p).padStart(5, '0')}`.padEnd(20, '0');
    const from = `a${p}`.padEnd(20, 'a');
    const to = `b${p}`.padEnd(20, 'b');
    const [a, b] = await Promise.all([open(url, localAddress), open(url, localAddress)]);
    for (const [ws, id] of [[a, from], [b, to]] as const) {
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
    s.ws.send(JSON.stringify({ action: 'announce', info_hash: s.infoHash, peer_id: s.from, answer: { type: 'answer', sdp: String(performance.now()) }, offer_id: 'o', to_peer_id: s.to }));
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
  const relay = await startRelay(['--rate', '100000', '--ip-rate', '1000000', '--max-connections-per-ip', '1000']);
  const url = `ws://127.0.0.1:${relay.port}/`;
  const { send, run } = await trackerPairs(url, PAIRS, '127.0.0.1');
  const t0 = performance.now();
  await offerLoad(send, OFFERED_RATE, LOAD_SECONDS);
  run.seconds = (performance.now() - t0) / 1000;
  await settle(run);
  console.log(describeRun(`load (tracker answers, ${PAIRS} pairs, offered ${OFFERED_RATE} msg/s for ${LOAD_SECONDS} s)`, run));
  const sorted = [...run.latencies].sort((x, y) => x - y);
  console.log(`load: goal p99 < 10 ms at ${OFFERED_RATE} msg/s -> ${percentile(sorted, 99) < 10 && run.received === run.sent ? 'met' : 'NOT met'}`);

  // Nostr events are Schnorr-verified on arrival (~1-3 ms each with noble on this machine): measured at a lower load.
  const nostrRate = 200;
  const nostrSeconds = 3;
  const key = schnorr.utils.randomSecretKey();
  const pubkey = bytesToHex(schnorr.getPublicKey(key));
  const topic = 'n'.repeat(40);
  const events = Array.from({ length: nostrRate * nostrSeconds }, (_, i) => {
    const fields = { pubkey, created_at: Math.floor(Date.now() / 1000), kind: 24242, tags: [['x', topic]], content: String(i) };
    const id = bytesToHex(sha256(utf8ToBytes(JSON.stringify([0, fields.pubkey, fields.created_at, fields.kind, fields.tags, fields.content]))));
    return { ...fields, id, sig: bytesToHex(schnorr.sign(hexToBytes(id), key)) };
  });
  const [pub, sub] = await Promise.all([open(url), open(url)]);
  await new Promise<void>((r) => {
    sub.once('message', () => r());
    sub.send(JSON.stringify(['REQ', 's', { kinds: [24242], '#x': [topic] }]));
  });
  const nostr: LatencyRun = { sent: 0, received: 0, seconds: 0, latencies: [] };
  const sentAt = new Map<string, number>();
  sub.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString()) as [string, string, { id: string }];
    if (m[0] !== 'EVENT') return;
    nostr.received += 1;
    nostr.latencies.push(performance.now() - (sentAt.get(m[2].id) ?? NaN));
  });
  const t1 = performance.now();
  await offerLoad((i) => {
    const e = events[i];
    if (e === undefined) return;
    sentAt.set(e.id, performance.now());
    nostr.sent += 1;
    pub.send(JSON.stringify(['EVENT', e]));
  }, nostrRate, nostrSeconds);
  nostr.seconds = (performance.now() - t1) / 1000;
  await settle(nostr);
  console.log(describeRun(`load (Nostr signed events, offered ${nostrRate} msg/s for ${nostrSeconds} s)`, nostr));
  await relay.stop();
};

/** 3. An honest pair's latency before and during a flood from one client, with the default limits. */
const floodBench = async (): Promise<void> => {
  const relay = await startRelay([]);
  const url = `ws://127.0.0.1:${relay.port}/`;
  const honest = await trackerPairs(url, 1, '127.0.0.2');
  const phase = async (label: string): Promise<void> => {
    honest.run.sent = 0;
    honest.run.received = 0;
    honest.run.latencies = [];
    const t0 = performance.now();
    await offerLoad(honest.send, 20, 3); // within the default 40 msg/s per connection
    honest.run.seconds = (performance.now() - t0) / 1000;
    await settle(honest.run);
    console.log(describeRun(`flood: honest pair ${label}`, honest.run));
  };
  await phase('before the flood');
  let flooding = true;
  let floodSent = 0;
  let reconnects = 0;
  let refusedReconnects = 0;
  const frame = JSON.stringify(['EVENT', { id: '0'.repeat(64), pubkey: '1'.repeat(64), created_at: 1, kind: 24242, tags: [['x', 'f']], content: 'flood', sig: '2'.repeat(128) }]);
  const flood = async (): Promise<void> => {
    while (flooding) {
      let ws: WebSocket;
      try {
        ws = await open(url, '127.0.0.3');
      } catch {
        refusedReconnects += 1; // 429 while the address is penalised: retry as a flooder would
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      ws.on('error', () => {});
      ws.on('message', () => {});
      const closed = new Promise<void>((r) => ws.once('close', () => r()));
      while (flooding && ws.readyState === WebSocket.OPEN) {
        if (ws.bufferedAmount < 1 << 20) {
          ws.send(frame);
          floodSent += 1;
        } else await new Promise((r) => setImmediate(r));
        if (floodSent % 200 === 0) await new Promise((r) => setImmediate(r));
      }
      ws.terminate();
      await closed;
      reconnects += 1;
    }
  };
  const flooder = flood();
  await phase('during a flood from one client');
  flooding = false;
  await flooder;
  const m = await metricsOf(relay.port);
  console.log(`flood: flooder sent ${floodSent} frames over ${reconnects} connections (${refusedReconnects} reconnects refused); relay refused ${metric(m, 'parley_relay_refusals_total{reason="rate"}')} for rate`);
  await relay.stop();
};

const main = async (): Promise<void> => {
  // Latency figures depend on what else runs on the machine: print its load with them.
  const load = (): string => `load average ${loadavg().map((n) => round(n, 1)).join(' ')}`;
  console.log(`Parley relay bench (Node ${process.version}, loopback, relay in its own process; ${load()})`);
  await idleBench();
  console.log(`(${load()})`);
  await loadBench();
  console.log(`(${load()})`);
  await floodBench();
};

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
