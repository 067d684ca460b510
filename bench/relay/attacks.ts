import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { openHonestPair, HONEST_ADDRESS, type HonestPair } from './honest-pair.js';
import { cpuSeconds, rssKb, startRelay, type RelayChild } from './relay-process.js';

// Issue 13's attack table, each played by attacker processes (attacker.ts) from one address
// (127.0.0.1) and then from two (127.0.0.1 and 127.0.0.2), against a fresh relay with its default
// limits, while the honest pair on 127.0.0.3 keeps talking. Printed per attack: the honest pair's
// p99, the relay's RSS growth and CPU during the attack, and what the attack got.

const ATTACK_SECONDS = 4;
const HALF_OPEN_SECONDS = 12;
const SETTLE_MS = 2000;
const BASELINE_SECONDS = 1.5;
const GOAL_P99_MS = 50;
const GOAL_RSS_MIB = 64;
const GOAL_REPLAY_RATIO = 10;

type Outcome = Record<string, number | string | boolean>;

interface Attack {
  name: string;
  label: string;
  seconds?: number;
  /** Relay flags instead of the default `--open-rate 8` (see runAttack). */
  relayArgs?: string[];
  /** Per-attack setup on the honest side; returns the JSON args handed to each attacker. */
  setup?: (ctx: {
    relay: RelayChild;
    honest: HonestPair;
  }) => Promise<{ args: Record<string, unknown>; observe?: () => Outcome; stop?: () => void }>;
  /** Attack-specific figures and goals from the attackers' outcomes and the honest side's observation. */
  judge?: (outcomes: Outcome[], observed: Outcome, honest: HonestPair) => string[];
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
const sum = (outcomes: Outcome[], key: string): number =>
  outcomes.reduce((s, o) => s + (typeof o[key] === 'number' ? o[key] : 0), 0);
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');

const ratioLine = (bytesIn: number, bytesOut: number): string => {
  if (bytesIn === 0) throw new Error('the replay attack sent nothing: cannot measure its output/input ratio');
  const ratio = bytesOut / bytesIn;
  return `out/in ${round(ratio, 2)} (${round(bytesIn / 2 ** 20, 2)} MiB in, ${round(bytesOut / 2 ** 20, 1)} MiB out; goal ≤ ${GOAL_REPLAY_RATIO}: ${verdict(ratio <= GOAL_REPLAY_RATIO)})`;
};

/** A WebTorrent-tracker pair on the honest address (for the peer_id takeover). */
const trackerPair = async (
  url: string,
): Promise<{ infoHash: string; memberId: string; observe: () => Outcome; stop: () => void }> => {
  const infoHash = `takeover-${Math.random().toString(36).slice(2, 10)}`.padEnd(20, '0').slice(0, 20);
  const aId = 'A'.repeat(20);
  const bId = 'B'.repeat(20);
  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { localAddress: HONEST_ADDRESS });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  const [a, b] = await Promise.all([open(), open()]);
  let aGot = 0;
  let bSent = 0;
  a.on('message', (data: Buffer) => {
    if ((JSON.parse(data.toString()) as { answer?: unknown }).answer !== undefined) aGot += 1;
  });
  b.on('message', () => {});
  for (const [ws, id] of [
    [a, aId],
    [b, bId],
  ] as const) {
    await new Promise<void>((r) => {
      ws.once('message', () => r());
      ws.send(JSON.stringify({ action: 'announce', info_hash: infoHash, peer_id: id, numwant: 1, offers: [] }));
    });
  }
  // B keeps answering A, as a pair mid-negotiation does; an impostor holding A's seat would get these.
  const timer = setInterval(() => {
    bSent += 1;
    b.send(
      JSON.stringify({
        action: 'announce',
        info_hash: infoHash,
        peer_id: bId,
        to_peer_id: aId,
        offer_id: `o${bSent}`,
        answer: { type: 'answer', sdp: 'v=0' },
      }),
    );
  }, 50);
  return {
    infoHash,
    memberId: aId,
    observe: () => ({ bSent, aGot }),
    stop: () => {
      clearInterval(timer);
      a.terminate();
      b.terminate();
    },
  };
};

export const ATTACKS: Attack[] = [
  {
    name: 'malformed-upgrades',
    label: 'malformed upgrade targets (//, http://a:99999/, …)',
    judge: (outcomes) => [`answers ${outcomes.map((o) => String(o['answers'])).join(' | ')}`],
  },
  {
    name: 'replay-fanout',
    label: 'replay fan-out: 64 readers × 16 subs, one 120 KiB event × 30',
    setup: async () => ({ args: { topic: 'fanout'.padEnd(40, 'f') } }),
    judge: (outcomes) => [ratioLine(sum(outcomes, 'bytesIn'), sum(outcomes, 'bytesOut'))],
  },
  {
    name: 'non-x-filters',
    label: 'REQs full of non-#x tag values, 64 conns × 16 REQs',
    judge: (outcomes) => [
      `${sum(outcomes, 'reqs')} REQs, ${round(sum(outcomes, 'bytesIn') / 2 ** 20)} MiB sent (written to the sockets), ${sum(outcomes, 'closedByRelay')} of ${sum(outcomes, 'connections')} connections cut by the relay`,
    ],
  },
  {
    name: 'max-size',
    label: 'max-size REQs + valid/forged max-size EVENTs at 200 frames/s',
    judge: (outcomes) => [
      `${sum(outcomes, 'frames')} frames, ${round(sum(outcomes, 'bytesIn') / 2 ** 20)} MiB sent, ${sum(outcomes, 'reqSocketsCut')} REQ sockets cut`,
    ],
  },
  {
    name: 'peer-id-takeover',
    label: "tracker: a third peer announces with a member's peer_id",
    setup: async ({ relay }) => {
      const pair = await trackerPair(relay.url);
      return { args: { infoHash: pair.infoHash, memberId: pair.memberId }, observe: pair.observe, stop: pair.stop };
    },
    judge: (outcomes, observed) => {
      const stolen = sum(outcomes, 'stolen');
      return [
        `impostor got ${stolen} of ${String(observed['bSent'])} answers meant for the member, member got ${String(observed['aGot'])} (goal: seat never moves: ${verdict(stolen === 0)})`,
      ];
    },
  },
  {
    name: 'nostr-replay',
    label: "Nostr: a member's old signed event (and one dated 2001) replayed",
    setup: async ({ honest }) => {
      const old = honest.signAsA({ content: JSON.stringify({ peerId: 'honest', offer: 'o'.repeat(1000) }) });
      await honest.sendAndWait(old, 5000);
      const dated2001 = honest.signAsA({ content: JSON.stringify({ peerId: 'honest' }), created_at: 978_307_200 });
      const oldCount = honest.receivedIds.get(old.id) ?? 0;
      const oldBytes = honest.receivedBytes.get(old.id) ?? 0;
      return {
        args: { frames: [JSON.stringify(['EVENT', old]), JSON.stringify(['EVENT', dated2001])] },
        // B already had the original; every arrival beyond that is a forwarded replay.
        observe: () => ({
          forwarded: (honest.receivedIds.get(old.id) ?? 0) - oldCount + (honest.receivedIds.get(dated2001.id) ?? 0),
          bytesOut: (honest.receivedBytes.get(old.id) ?? 0) - oldBytes + (honest.receivedBytes.get(dated2001.id) ?? 0),
        }),
      };
    },
    judge: (outcomes, observed) => {
      const forwarded = Number(observed['forwarded']);
      return [
        `${forwarded} of ${sum(outcomes, 'sent')} replays forwarded to the member (goal 0: ${verdict(forwarded === 0)})`,
        ratioLine(sum(outcomes, 'bytesIn'), Number(observed['bytesOut'])),
      ];
    },
  },
  {
    name: 'dns-rebinding',
    label: 'DNS rebinding: Host + Origin evil.example',
    judge: (outcomes) => {
      const accepted = sum(outcomes, 'upgradesAccepted');
      const echoed = sum(outcomes, 'configEchoes');
      return [
        `${accepted} of ${sum(outcomes, 'tries')} upgrades accepted, /config.json echoed the host ${echoed} times (goal 0 and 0: ${verdict(accepted === 0 && echoed === 0)})`,
      ];
    },
  },
  {
    name: 'unfinished-fragments',
    label: 'unfinished fragments: 16,000 × 64 connections',
    judge: (outcomes) => [
      `${sum(outcomes, 'fragments')} fragments on ${sum(outcomes, 'connections')} connections, ${sum(outcomes, 'closedByRelay')} closed by the relay`,
    ],
  },
  {
    name: 'half-open',
    label: 'half-sent upgrade requests × 2,000',
    seconds: HALF_OPEN_SECONDS,
    judge: (outcomes) => [
      `${sum(outcomes, 'heldAtEnd')} of ${sum(outcomes, 'opened')} still held after ${HALF_OPEN_SECONDS} s`,
    ],
  },
  {
    name: 'reconnect-storm',
    label: '64 sockets reconnecting as fast as they can (default new-connection rate: 2/s, burst 32)',
    relayArgs: [],
    setup: async ({ relay }) => {
      // While the storm runs, a page from another address (the honest one) opens a socket and subscribes, twice a second.
      const joins: number[] = [];
      const failures: string[] = [];
      let stopped = false;
      const loop = (async () => {
        while (!stopped) {
          const t0 = performance.now();
          try {
            const ws = await new Promise<WebSocket>((resolve, reject) => {
              const socket = new WebSocket(relay.url, { localAddress: HONEST_ADDRESS, perMessageDeflate: false });
              socket.once('open', () => resolve(socket));
              socket.once('error', reject);
              socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode ?? 0}`)));
            });
            await new Promise<void>((resolve) => {
              ws.once('message', () => resolve());
              ws.send(JSON.stringify(['REQ', 'join', { kinds: [24242], '#x': ['storm'.padEnd(40, '0')] }]));
            });
            joins.push(performance.now() - t0);
            ws.terminate();
          } catch (e) {
            failures.push(e instanceof Error ? e.message : String(e));
          }
          await new Promise((r) => setTimeout(r, 500));
        }
      })();
      return {
        args: {},
        observe: () => ({ joins: JSON.stringify(joins), failures: failures.join(', ') }),
        stop: () => {
          stopped = true;
          void loop;
        },
      };
    },
    judge: (outcomes, observed) => {
      const joins = (JSON.parse(String(observed['joins'])) as number[]).sort((a, b) => a - b);
      if (joins.length === 0)
        throw new Error(`no page from another address could join during the storm (${String(observed['failures'])})`);
      const worst = joins.at(-1) ?? Infinity;
      const seconds = ATTACK_SECONDS;
      const allowed = 32 + 2 * (seconds + 1);
      return [
        `storm: ${sum(outcomes, 'accepted')} upgrades accepted, ${sum(outcomes, 'refused')} refused (429), ${sum(outcomes, 'other')} other (time-outs, resets), per address at most ~${allowed} accepted (goal: within the open rate: ${verdict(outcomes.every((o) => Number(o['accepted']) <= allowed))})`,
        `a page from another address joined ${joins.length} times (socket + REQ answered), slowest ${round(worst)} ms${observed['failures'] === '' ? '' : `, failed: ${String(observed['failures'])}`} (goal < ${GOAL_P99_MS} ms: ${verdict(worst < GOAL_P99_MS && observed['failures'] === '')})`,
      ];
    },
  },
  {
    name: 'steady-flood',
    label: 'steady flood at ~600 frames/s',
    judge: (outcomes) => {
      const disconnects = sum(outcomes, 'disconnects');
      return [
        `${sum(outcomes, 'sent')} frames sent, disconnected ${disconnects} times, ${sum(outcomes, 'refusedUpgrades')} reconnects refused (goal: disconnected: ${verdict(disconnects > 0)})`,
      ];
    },
  },
];

interface AttackerProcess {
  /** Resolves when its setup is done and the attack starts (it printed READY). */
  ready: Promise<void>;
  done: Promise<Outcome>;
}

const runAttacker = (
  name: string,
  port: number,
  address: string,
  seconds: number,
  argsFile: string | undefined,
): AttackerProcess => {
  const child = spawn(
    process.execPath,
    [
      'build/bench/relay/attacker.js',
      name,
      String(port),
      address,
      String(seconds),
      ...(argsFile === undefined ? [] : [argsFile]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // The attacker runs at the lowest CPU priority: on a real network it does not share the relay's
  // cores, and on this 2-core machine its own work (generating 250 MiB or 2 million fragments) would
  // otherwise be measured as the relay's latency. What it makes the relay do is still the relay's.
  if (child.pid !== undefined) setPriority(child.pid, 19);
  let out = '';
  let err = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('READY\n')) onReady();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  // Bounded: setup (30 s at most) + the attack + margin, then killed.
  const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 60) * 1000);
  const done = new Promise<Outcome>((resolve, reject) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      onReady();
      if (code !== 0)
        return reject(new Error(`attacker ${name} from ${address} exited with ${code}: ${err.slice(-1000)}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as Outcome);
      } catch {
        reject(new Error(`attacker ${name} printed no result: ${out.slice(-500)} ${err.slice(-500)}`));
      }
    });
  });
  return { ready, done };
};

export interface AttackResult {
  /** Why a figure could not be measured (the relay died, …); the run fails at the end. */
  unmeasured?: string;
}

/** Plays one attack from `addresses` and prints its line. */
export const runAttack = async (attack: Attack, addresses: readonly string[]): Promise<AttackResult> => {
  // Default limits but --open-rate 8 (burst 128): several attacks open 64 connections at once from one
  // address, and what they measure (fan-out, filters, fragments) is past the new-connection rate,
  // which by default (2/s, burst 32) would refuse half of them.
  const relay = await startRelay(attack.relayArgs ?? ['--open-rate', '8']);
  const honest = await openHonestPair(relay.url);
  // The path must work before the attack, or nothing after it means anything.
  await honest.sendAndWait(honest.signAsA({ content: 'warm-up' }), 5000);
  // The same pair without an attack first: on a shared machine part of any latency is the machine's.
  const baseline = await honest.measure(BASELINE_SECONDS, SETTLE_MS);
  const setup = (await attack.setup?.({ relay, honest })) ?? { args: {} };
  let argsFile: string | undefined;
  if (Object.keys(setup.args).length > 0) {
    argsFile = join(mkdtempSync(join(tmpdir(), 'parley-bench-')), 'args.json');
    writeFileSync(argsFile, JSON.stringify(setup.args));
  }
  const pid = relay.child.pid ?? 0;
  const seconds = attack.seconds ?? ATTACK_SECONDS;
  // RSS from before the attackers connect (their connections are part of the attack); CPU and the
  // honest latency from when every attacker finished its setup.
  const rss0 = rssKb(pid);
  let rssMax = rss0;
  let cpu1 = cpuSeconds(pid);
  const sampler = setInterval(() => {
    if (relay.exited !== undefined) return;
    try {
      rssMax = Math.max(rssMax, rssKb(pid));
      cpu1 = cpuSeconds(pid);
    } catch {
      // the process is gone: `relay.exited` says so
    }
  }, 100);
  const attackers = addresses.map((address) => runAttacker(attack.name, relay.port, address, seconds, argsFile));
  await Promise.all(attackers.map((a) => a.ready));
  const cpu0 = relay.exited === undefined ? cpuSeconds(pid) : cpu1;
  const t0 = performance.now();
  const figures = await honest.measure(seconds, SETTLE_MS);
  const outcomes = await Promise.all(attackers.map((a) => a.done));
  const wall = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  if (relay.exited === undefined) {
    cpu1 = cpuSeconds(pid);
    rssMax = Math.max(rssMax, rssKb(pid));
  }
  const observed = setup.observe?.() ?? {};
  setup.stop?.();
  const from = addresses.length === 1 ? 'from 1 address' : `from ${addresses.length} addresses`;
  const head = `attack ${attack.name} (${attack.label}), ${from}:`;
  if (relay.exited !== undefined) {
    console.log(
      `${head} the relay process EXITED (${relay.exited}) during the attack: honest p99, RSS and CPU cannot be measured (goals NOT met)`,
    );
    honest.close();
    return { unmeasured: `${attack.name} ${from}: the relay exited (${relay.exited})` };
  }
  const p99Of = (l: number[]): number => l[Math.min(l.length - 1, Math.floor(0.99 * l.length))] ?? Infinity;
  const p99 = p99Of(figures.latencies);
  const baseP99 = p99Of(baseline.latencies);
  const lost = figures.sent - figures.received;
  const p99Text = Number.isFinite(p99) ? `${round(p99, 1)} ms` : `unbounded (${lost} of ${figures.sent} never arrived)`;
  const growthMiB = (rssMax - rss0) / 1024;
  const cores = (cpu1 - cpu0) / wall;
  let judged: string[];
  try {
    judged = attack.judge?.(outcomes, observed, honest) ?? [];
  } catch (e) {
    console.log(`${head} ${e instanceof Error ? e.message : String(e)}`);
    honest.close();
    await relay.stop();
    return { unmeasured: `${attack.name} ${from}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const lines = [
    `honest p99 ${p99Text}${lost > 0 && Number.isFinite(p99) ? ` (${lost} of ${figures.sent} lost)` : ''} (goal < ${GOAL_P99_MS} ms: ${verdict(p99 < GOAL_P99_MS && !honest.closed())})${honest.closed() ? ' — the relay CLOSED an honest socket' : ''}; without the attack just before: p99 ${Number.isFinite(baseP99) ? `${round(baseP99, 1)} ms` : 'unbounded'}`,
    `relay RSS +${round(growthMiB)} MiB (goal < ${GOAL_RSS_MIB} MiB: ${verdict(growthMiB < GOAL_RSS_MIB)})`,
    `relay CPU ${round(cores, 2)} cores over ${round(wall)} s`,
    ...judged,
  ];
  console.log(`${head}\n    ${lines.join('\n    ')}`);
  honest.close();
  await relay.stop();
  return {};
};
