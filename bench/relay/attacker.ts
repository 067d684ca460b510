import { connect as tcpConnect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { startFlooder } from '../../tests/relay/flooder.js';
import { signEvent, newKey, type BenchEvent } from './sign.js';

// One attacker, run as its own process by run.ts so its own CPU does not stall the honest clients
// being measured: `node build/bench/relay/attacker.js <attack> <port> <localAddress> <seconds> [args.json]`.
// It plays the attack from one source address, bounded in count and in time, on loopback only,
// and prints one JSON line of what it observed. Connections and signatures an attack needs before
// it starts are made first (up to SETUP_MS); it then prints READY and the clock starts.

type Outcome = Record<string, number | string | boolean>;

const [attack = '', portText = '', localAddress = '127.0.0.1', secondsText = '5', argsFile] = process.argv.slice(2);
const port = Number(portText);
const url = `ws://127.0.0.1:${port}/`;
const SETUP_MS = 30_000;
let deadline = performance.now() + SETUP_MS;
let clockStarted = false;
/** Setup is done: tell run.ts (which starts measuring now) and give the attack its seconds. */
const startClock = (): void => {
  if (clockStarted) return;
  clockStarted = true;
  deadline = performance.now() + Number(secondsText) * 1000;
  process.stdout.write('READY\n');
};
const extra = (argsFile === undefined ? {} : JSON.parse(readFileSync(argsFile, 'utf8'))) as Record<string, unknown>;

const timeLeft = (): number => Math.max(0, deadline - performance.now());
const untilDeadline = (): Promise<void> => new Promise((r) => setTimeout(r, timeLeft()));
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const openWs = (headers: Record<string, string> = {}): Promise<WebSocket | undefined> =>
  new Promise((resolve) => {
    const ws = new WebSocket(url, { localAddress, headers, perMessageDeflate: false });
    ws.on('error', () => resolve(undefined));
    ws.once('open', () => resolve(ws));
  });

/** A raw HTTP exchange on a fresh TCP connection: the status code the relay answered, or what happened instead. */
const rawRequest = (
  text: string,
  waitMs = 2000,
): Promise<{ status: number | 'reset' | 'timeout' | 'closed'; body: string }> =>
  new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port, localAddress });
    let data = '';
    const finish = (status: number | 'reset' | 'timeout' | 'closed'): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ status, body: data });
    };
    const timer = setTimeout(() => finish('timeout'), waitMs);
    socket.on('error', () => finish('reset'));
    socket.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(data)?.[1];
      if (
        status !== undefined &&
        data.includes('\r\n\r\n') &&
        (status === '101' || /Content-Length: (\d+)\r\n[\s\S]*\r\n\r\n/i.test(data))
      ) {
        const length = Number(/Content-Length: (\d+)/i.exec(data)?.[1] ?? 0);
        if (status === '101' || data.length - data.indexOf('\r\n\r\n') - 4 >= length) finish(Number(status));
      }
    });
    socket.on('close', () => finish('closed'));
    socket.write(text);
  });

const upgradeRequest = (target: string, headers: string): string =>
  `GET ${target} HTTP/1.1\r\n${headers}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`;

/** Upgrade targets that a `new URL(...)` in the upgrade path throws on, and other malformed requests. */
const MALFORMED = [
  upgradeRequest('//', ''),
  upgradeRequest('http://a:99999/', ''),
  upgradeRequest('//', `Host: 127.0.0.1:${port}\r\n`),
  upgradeRequest('http://[::1/', `Host: 127.0.0.1:${port}\r\n`),
  upgradeRequest('/%', `Host: 127.0.0.1:${port}\r\n`),
  `GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
  `GET //\r\n\r\n`,
];

const malformedUpgrades = async (): Promise<Outcome> => {
  const statuses = new Map<string, number>();
  let sent = 0;
  for (let i = 0; i < 400 && timeLeft() > 0; i += 1) {
    const { status } = await rawRequest(MALFORMED[i % MALFORMED.length] as string, 1000);
    sent += 1;
    statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
  }
  return { sent, answers: [...statuses].map(([k, v]) => `${k}×${v}`).join(' ') };
};

/** 64 connections × 16 subscriptions on one topic; then one ~120 KiB signed event sent 30 times by one of them. */
const replayFanout = async (): Promise<Outcome> => {
  const topic = String(extra['topic']);
  const readers: WebSocket[] = [];
  let bytesOut = 0;
  let lastData = performance.now();
  for (let i = 0; i < 64 && timeLeft() > 0; i += 1) {
    const ws = await openWs();
    if (ws === undefined) continue;
    ws.on('message', (data: Buffer) => {
      bytesOut += data.length;
      lastData = performance.now();
    });
    for (let s = 0; s < 16; s += 1) ws.send(JSON.stringify(['REQ', `r${i}-${s}`, { kinds: [24242], '#x': [topic] }]));
    readers.push(ws);
  }
  const publisher = readers[0];
  let bytesIn = 0;
  let sent = 0;
  const key = newKey();
  const frame = JSON.stringify([
    'EVENT',
    signEvent(key, { kind: 24242, tags: [['x', topic]], content: 'r'.repeat(120 * 1024) }),
  ]);
  await pause(300); // let the REQs land before the event (bounded; the figures count only what arrives)
  startClock();
  if (publisher !== undefined) {
    for (; sent < 30 && timeLeft() > 0; sent += 1) {
      publisher.send(frame);
      bytesIn += Buffer.byteLength(frame);
    }
  }
  // The ratio counts everything the relay sends for these 30 events, not only what arrives within
  // the attack's seconds: read until the relay has been quiet for 1.5 s (at most 20 s after sending).
  const sentAt = performance.now();
  while (performance.now() - sentAt < 20_000 && (timeLeft() > 0 || performance.now() - lastData < 1500))
    await pause(50);
  for (const ws of readers) ws.terminate();
  return { readers: readers.length, sent, bytesIn, bytesOut };
};

const letters = 'abcdefghijklmnopqrstuvwyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** 64 connections × 16 REQs whose filters carry tag conditions other than `#x`, 512 values each, as many as fit in a frame. */
const nonXFilters = async (): Promise<Outcome> => {
  let reqs = 0;
  let bytesIn = 0;
  const sockets = (await Promise.all(Array.from({ length: 64 }, () => openWs()))).filter(
    (w): w is WebSocket => w !== undefined,
  );
  let closedByRelay = 0;
  for (const ws of sockets) {
    ws.on('message', () => {});
    ws.on('close', () => {
      if (performance.now() < deadline) closedByRelay += 1;
    });
  }
  startClock();
  for (let s = 0; s < 16 && timeLeft() > 0; s += 1) {
    for (const [c, ws] of sockets.entries()) {
      const filter: Record<string, unknown> = { kinds: [24242], '#x': [`topic-${c}-${s}`] };
      let size = 100;
      for (const letter of letters) {
        size += 512 * 11 + 8;
        if (size > 120 * 1024) break;
        filter[`#${letter}`] = Array.from({ length: 512 }, (_, v) => `${letter}${c}.${s}.${v}`.padEnd(8, '0'));
      }
      const frame = JSON.stringify(['REQ', `s${s}`, filter]);
      ws.send(frame);
      bytesIn += frame.length;
      reqs += 1;
    }
    await pause(0);
  }
  await untilDeadline();
  for (const ws of sockets) ws.terminate();
  return { connections: sockets.length, reqs, bytesIn, closedByRelay };
};

/** Maximum-size REQs, valid and badly signed maximum-size EVENTs, at the default per-address frame rate (200/s over 5 connections). */
const maxSize = async (): Promise<Outcome> => {
  const key = newKey();
  const topic = 'm'.repeat(40);
  const valid = Array.from({ length: 20 }, (_, i) =>
    JSON.stringify([
      'EVENT',
      signEvent(key, { kind: 24242, tags: [['x', topic]], content: `${i}`.padEnd(120 * 1024, 'v') }),
    ]),
  );
  const forged = Array.from({ length: 100 }, (_, i) => {
    const event: BenchEvent = signEvent(key, {
      kind: 24242,
      tags: [['x', topic]],
      content: `${i}`.padEnd(120 * 1024, 'f'),
    });
    return JSON.stringify(['EVENT', { ...event, sig: event.sig.replace(/^./, event.sig.startsWith('0') ? '1' : '0') }]);
  });
  // 16 filters × as many 40-character topics as fit in a frame.
  const bigReq = (n: number): string =>
    JSON.stringify([
      'REQ',
      `big${n}`,
      ...Array.from({ length: 16 }, (_, f) => ({
        kinds: [24242],
        '#x': Array.from({ length: 170 }, (_, v) => `${n}-${f}-${v}`.padEnd(40, 'q')),
      })),
    ]);
  const sockets = (await Promise.all(Array.from({ length: 5 }, () => openWs()))).filter(
    (w): w is WebSocket => w !== undefined,
  );
  for (const ws of sockets) ws.on('message', () => {});
  // A maximum-size REQ gets its socket closed, so REQs go on a socket of their own, reopened (within
  // the new-connection rate) whenever the relay cuts it; EVENTs keep going on the five others.
  let reqSocket: WebSocket | undefined;
  let reopening = false;
  let reqsCut = 0;
  const reqSocketReady = (): WebSocket | undefined => {
    if (reqSocket?.readyState === WebSocket.OPEN) return reqSocket;
    if (!reopening && timeLeft() > 0) {
      reopening = true;
      void openWs().then((ws) => {
        reopening = false;
        reqSocket = ws;
        ws?.on('message', () => {});
        ws?.on('close', () => (reqsCut += 1));
      });
    }
    return undefined;
  };
  startClock();
  let sent = 0;
  let bytesIn = 0;
  const t0 = performance.now();
  while (timeLeft() > 0 && sockets.length > 0) {
    const due = Math.floor(((performance.now() - t0) / 1000) * 200);
    for (; sent < due; sent += 1) {
      const frame =
        sent % 3 === 0
          ? bigReq(sent)
          : sent % 3 === 1
            ? (valid[sent % valid.length] as string)
            : (forged[sent % forged.length] as string);
      const ws = sent % 3 === 0 ? reqSocketReady() : (sockets[sent % sockets.length] as WebSocket);
      if (ws !== undefined && ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 4 << 20) {
        ws.send(frame);
        bytesIn += frame.length;
      }
    }
    await pause(5);
  }
  for (const ws of sockets) ws.terminate();
  reqSocket?.terminate();
  return { connections: sockets.length, frames: sent, bytesIn, reqSocketsCut: reqsCut };
};

/** A third peer announces on the pair's info_hash with a member's peer_id; counts what reaches it that was meant for the member. */
const peerIdTakeover = async (): Promise<Outcome> => {
  const infoHash = String(extra['infoHash']);
  const memberId = String(extra['memberId']);
  const ws = await openWs();
  startClock();
  if (ws === undefined) return { connected: false };
  let stolen = 0;
  ws.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString()) as { answer?: unknown; offer?: unknown };
    if (m.answer !== undefined || m.offer !== undefined) stolen += 1;
  });
  let announces = 0;
  for (; announces < 100 && timeLeft() > 0; announces += 1) {
    ws.send(JSON.stringify({ action: 'announce', info_hash: infoHash, peer_id: memberId, numwant: 5, offers: [] }));
    await pause(50);
  }
  await untilDeadline();
  ws.terminate();
  return { announces, stolen };
};

/** Replays a member's signed event (and one the member signed with a 2001 date) from another connection. */
const nostrReplay = async (): Promise<Outcome> => {
  const frames = (extra['frames'] as string[]).map(String);
  const ws = await openWs();
  startClock();
  if (ws === undefined) return { connected: false };
  ws.on('message', () => {});
  let sent = 0;
  let bytesIn = 0;
  for (; sent < 200 && timeLeft() > 0; sent += 1) {
    const frame = frames[sent % frames.length] as string;
    ws.send(frame);
    bytesIn += frame.length;
    await pause(20);
  }
  await untilDeadline();
  ws.terminate();
  return { sent, bytesIn };
};

/** DNS rebinding: a page on evil.example whose name now points at the relay's address. */
const dnsRebinding = async (): Promise<Outcome> => {
  const host = `evil.example:${port}`;
  let upgradesAccepted = 0;
  let configEchoes = 0;
  let tries = 0;
  for (; tries < 100 && timeLeft() > 0; tries += 1) {
    const up = await rawRequest(upgradeRequest('/', `Host: ${host}\r\nOrigin: http://${host}\r\n`), 1000);
    if (up.status === 101) upgradesAccepted += 1;
    const config = await rawRequest(`GET /config.json HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, 1000);
    if (config.body.includes('evil.example')) configEchoes += 1;
    await pause(20);
  }
  return { tries, upgradesAccepted, configEchoes };
};

/** Client frame header for a masked (zero key) frame of `length` ≤ 125 bytes. */
const maskedFrame = (opcode: number, payload: Buffer): Buffer =>
  Buffer.concat([Buffer.from([opcode, 0x80 | payload.length, 0, 0, 0, 0]), payload]);

/** 64 connections, each sending 16,000 fragments of a text message that never gets its final frame. */
const unfinishedFragments = async (): Promise<Outcome> => {
  const payload = Buffer.from('frag');
  const burst = Buffer.concat([
    maskedFrame(0x01, payload),
    ...Array.from({ length: 15_999 }, () => maskedFrame(0x00, payload)),
  ]);
  const sockets = (await Promise.all(Array.from({ length: 64 }, () => openWs()))).filter(
    (w): w is WebSocket => w !== undefined,
  );
  let closedByRelay = 0;
  startClock();
  for (const ws of sockets) {
    ws.on('close', () => {
      if (performance.now() < deadline) closedByRelay += 1;
    });
    // ws has no API for unfinished messages: write the frames on its socket directly.
    (ws as unknown as { _socket: Socket })._socket.write(burst);
  }
  await untilDeadline();
  for (const ws of sockets) ws.terminate();
  return { connections: sockets.length, fragments: sockets.length * 16_000, closedByRelay };
};

/** 2,000 upgrade requests whose headers never end. */
const halfOpen = async (): Promise<Outcome> => {
  const sockets: Socket[] = [];
  let closedByRelay = 0;
  for (let i = 0; i < 2000 && timeLeft() > 0; i += 1) {
    const socket = tcpConnect({ host: '127.0.0.1', port, localAddress });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (performance.now() < deadline) closedByRelay += 1;
    });
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n`);
    sockets.push(socket);
    if (i % 100 === 99) await pause(10);
  }
  await untilDeadline();
  const heldAtEnd = sockets.filter((s) => !s.destroyed).length;
  for (const s of sockets) s.destroy();
  return { opened: sockets.length, closedByRelay, heldAtEnd };
};

/** A steady flood at ~600 frames/s on one connection (reconnecting if cut off). */
const steadyFlood = async (): Promise<Outcome> => {
  const flooder = startFlooder(url, localAddress, 600, 1);
  await untilDeadline();
  const stats = await flooder.stop();
  return { sent: stats.sent, disconnects: stats.disconnects, refusedUpgrades: stats.refusedUpgrades };
};

/** 64 sockets that reconnect as fast as they can: each sends an upgrade, reads the answer, drops the socket and goes again. */
const reconnectStorm = async (): Promise<Outcome> => {
  const tally = { accepted: 0, refused: 0, other: 0 };
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (timeLeft() > 0) {
        const answer = await rawRequest(upgradeRequest('/', `Host: 127.0.0.1:${port}\r\n`), 2000);
        // A refusal comes with Connection: close, so its status line may be all that was read before the close.
        const status =
          typeof answer.status === 'number' ? answer.status : Number(/^HTTP\/1\.1 (\d{3})/.exec(answer.body)?.[1] ?? 0);
        if (status === 101) tally.accepted += 1;
        else if (status === 429) tally.refused += 1;
        else tally.other += 1;
      }
    }),
  );
  return tally;
};

const ATTACKS: Record<string, () => Promise<Outcome>> = {
  'reconnect-storm': reconnectStorm,
  'malformed-upgrades': malformedUpgrades,
  'replay-fanout': replayFanout,
  'non-x-filters': nonXFilters,
  'max-size': maxSize,
  'peer-id-takeover': peerIdTakeover,
  'nostr-replay': nostrReplay,
  'dns-rebinding': dnsRebinding,
  'unfinished-fragments': unfinishedFragments,
  'half-open': halfOpen,
  'steady-flood': steadyFlood,
};

/** Attacks that open connections or sign first call startClock() themselves; the others start at once. */
const SETS_UP = new Set([
  'replay-fanout',
  'non-x-filters',
  'max-size',
  'peer-id-takeover',
  'nostr-replay',
  'unfinished-fragments',
]);

const run = ATTACKS[attack];
if (run === undefined) {
  console.error(`unknown attack ${attack}; one of ${Object.keys(ATTACKS).join(', ')}`);
  process.exit(2);
}
if (!SETS_UP.has(attack)) startClock();
run().then(
  (outcome) => {
    process.stdout.write(`${JSON.stringify(outcome)}\n`);
    process.exit(0);
  },
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
