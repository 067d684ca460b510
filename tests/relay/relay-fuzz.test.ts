import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createRelay, type Relay } from '../../relay/server.js';
import { LIMITS } from '../../relay/limits.js';
import { connect, createSigner, httpRequest, isEose, isEventOn, isOk, waitUntil, type TestClient } from './helpers.js';

// A seeded fuzz: FUZZ_SEED=<n> reproduces a run. Frames are sent in batches on long-lived
// connections, each batch followed by a REQ whose EOSE proves everything before it was handled
// (frames on one socket are processed in order). Frames that must close the socket (invalid
// UTF-8, oversize) go on throwaway connections.

const SEED = Number(process.env['FUZZ_SEED'] ?? 0x5eed);
const FRAMES = 10_000;

/** mulberry32: a tiny, well-known 32-bit PRNG; enough to make failures reproducible. */
const prng = (seed: number) => {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let relay: Relay;
beforeAll(async () => {
  relay = createRelay({
    host: '127.0.0.1',
    port: 0,
    limits: {
      connectionRate: { perSecond: 1e6, burst: 1e6 },
      ipRate: { perSecond: 1e6, burst: 1e6 },
      connectionOpenRate: { perSecond: 1e6, burst: 1e6 },
      maxConnectionsPerIp: 1000,
    },
  });
  await relay.ready;
});
afterAll(() => relay.close());

type Frame =
  | { kind: 'text'; data: string }
  | { kind: 'binary'; data: Buffer }
  | { kind: 'closing'; data: Buffer; binary: boolean };

const makeGenerator = (random: () => number) => {
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const signer = createSigner();
  const valid = [
    () => ['EVENT', signer.sign({ kind: 24242, tags: [['x', 'f'.repeat(40)]], content: 'c' })],
    () => ['REQ', 'sub', { kinds: [24242], since: 1, '#x': ['f'.repeat(40)] }],
    () => ['CLOSE', 'sub'],
    () => ({
      action: 'announce',
      info_hash: 'a'.repeat(20),
      peer_id: 'b'.repeat(20),
      numwant: 3,
      offers: [{ offer_id: 'o', offer: { type: 'offer', sdp: 's' } }],
    }),
    () => ({
      action: 'announce',
      info_hash: 'a'.repeat(20),
      peer_id: 'b'.repeat(20),
      answer: { type: 'answer', sdp: 's' },
      offer_id: 'o',
      to_peer_id: 'c'.repeat(20),
    }),
  ];
  const weird = (): unknown =>
    pick<() => unknown>([
      () => null,
      () => -1,
      () => 1e308,
      () => 2 ** 53 + 1,
      () => '',
      () => 'x'.repeat(int(5000)),
      () => '\u0000\ud800',
      () => [],
      () => ({}),
      () => true,
      () => [[[[]]]],
      () => ({ __proto__: { polluted: true }, constructor: 1 }),
      () => 'EVENT',
    ])();
  /** Replaces one random node of a valid message with a weird value. */
  const mutate = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      const copy = [...value];
      const i = int(copy.length + 1);
      if (i === copy.length) copy.push(weird());
      else copy[i] = random() < 0.5 ? weird() : mutate(copy[i]);
      return copy;
    }
    if (typeof value === 'object' && value !== null) {
      const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      const keys = Object.keys(copy);
      const key = random() < 0.2 ? `k${int(100)}` : pick(keys.length > 0 ? keys : ['k']);
      copy[key] = random() < 0.5 ? weird() : mutate(copy[key]);
      return copy;
    }
    return weird();
  };
  // A REQ or CLOSE over the REQ cap closes its socket (1009) unparsed, so it goes where closing frames go.
  const sorted = (frame: Frame): Frame =>
    frame.kind === 'text' &&
    /^\s*\[\s*"(REQ|CLOSE)"/.test(frame.data) &&
    Buffer.byteLength(frame.data) > LIMITS.maxSubscriptionFrameBytes
      ? { kind: 'closing', data: Buffer.from(frame.data), binary: false }
      : frame;
  return (): Frame => sorted(draw());
  function draw(): Frame {
    const r = random();
    if (r < 0.3) return { kind: 'text', data: JSON.stringify(mutate(pick(valid)())) };
    if (r < 0.4) {
      const text = JSON.stringify(pick(valid)());
      return { kind: 'text', data: text.slice(0, int(text.length)) }; // truncated
    }
    if (r < 0.5) {
      // Deep but under the payload cap and a REQ under the REQ cap (these must be parsed and refused, not cut off by size).
      return random() < 0.5
        ? { kind: 'text', data: ((d) => `${'['.repeat(d)}${']'.repeat(d)}`)(1 + int(60_000)) }
        : { kind: 'text', data: deepReq(1 + int(1500)) };
    }
    if (r < 0.55) return { kind: 'text', data: `["EVENT",{"content":"${'y'.repeat(60_000 + int(60_000))}"}]` };
    if (r < 0.65) return { kind: 'binary', data: Buffer.from(Array.from({ length: int(256) }, () => int(256))) };
    if (r < 0.9)
      return {
        kind: 'text',
        data: Array.from({ length: int(64) }, () =>
          pick(['[', ']', '{', '}', '"', ',', ':', '1', 'e', '-', 'null', '\\', 'REQ', 'EVENT', ' ']),
        ).join(''),
      };
    if (r < 0.995) return { kind: 'text', data: JSON.stringify(weird()) };
    // Must close the socket: invalid UTF-8 in a text frame (1007), beyond the payload cap (1009), or a
    // REQ beyond the REQ cap (1009, before it is parsed: a deep one cannot cost a parse).
    const closing = random();
    if (closing < 0.33)
      return { kind: 'closing', data: Buffer.from([0x5b, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x5d]), binary: false };
    if (closing < 0.67) return { kind: 'closing', data: Buffer.from(deepReq(2000 + int(20_000))), binary: false };
    return { kind: 'closing', data: Buffer.alloc(200 * 1024, 0x61), binary: true };
  }
};

/** A REQ whose filter nests `depth` objects: ~5 bytes a level. */
const deepReq = (depth: number): string => `["REQ","s",${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}]`;

const rawSocket = (url: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', () => {});
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', () => reject(new Error('refused')));
  });

describe(`relay fuzz (seed ${SEED})`, () => {
  it(`survives ${FRAMES} malformed frames with bounded memory and no leftover state`, async () => {
    const next = makeGenerator(prng(SEED));
    const url = relay.address().wsUrl;
    gc();
    const heapBefore = process.memoryUsage().heapUsed;

    const lanes: TestClient[] = await Promise.all(Array.from({ length: 4 }, () => connect(url)));
    const laneClosed: (number | undefined)[] = [];
    lanes.forEach((c, n) => void c.closed.then((code) => (laneClosed[n] = code)));
    const lanesRaw = await Promise.all(Array.from({ length: 4 }, () => rawSocket(url)));
    const closes: Promise<number>[] = [];
    let closing = 0;
    for (let i = 0; i < FRAMES; i += 1) {
      const frame = next();
      const lane = i % 4;
      if (frame.kind === 'closing') {
        closing += 1;
        const ws = await rawSocket(url);
        closes.push(new Promise((r) => ws.once('close', (code) => r(code))));
        ws.send(frame.data, { binary: frame.binary });
      } else if (frame.kind === 'binary') {
        lanesRaw[lane]?.send(frame.data, { binary: true });
      } else {
        lanes[lane]?.sendRaw(frame.data);
      }
      if (i % 500 === 499) {
        // Sync point: every lane has had everything before handled.
        await Promise.all(
          lanes.map(async (c, n) => {
            if (laneClosed[n] !== undefined)
              throw new Error(`lane ${n} was closed with ${laneClosed[n]} before frame ${i}`);
            // One subscription id per lane, replaced each time: new ids would hit the subscription cap.
            c.send(['CLOSE', 'sub']);
            c.send(['REQ', `sync-${n}`, { '#x': ['sync'] }]);
            // Generous: 500 frames of up to 120 KB each are parsed before it (a timeout only fails the test).
            await c.next(isEose(`sync-${n}`), `sync EOSE after frame ${i}`, 30_000);
            for (const f of c.pending()) await c.next((g) => g === f); // drop replies to junk
          }),
        );
      }
    }
    const codes = await Promise.all(closes);
    expect(closing).toBeGreaterThan(0);
    for (const code of codes) expect([1007, 1009]).toContain(code);

    // Still serving: HTTP, and a real exchange between two fresh clients.
    expect((await httpRequest(relay.address().url, '/healthz')).status).toBe(200);
    const a = await connect(url);
    const b = await connect(url);
    b.send(['REQ', 'after', { '#x': ['after-fuzz'] }]);
    await b.next(isEose('after'));
    const event = createSigner().sign({ kind: 24242, tags: [['x', 'after-fuzz']] });
    a.send(['EVENT', event]);
    expect((await a.next(isOk(event.id)))[2]).toBe(true);
    await b.next(isEventOn('after', event.id));

    for (const c of [...lanes, a, b]) c.close();
    for (const ws of lanesRaw) ws.close();
    await waitUntil(() => relay.stats().connections === 0, 'every connection is gone');
    expect(relay.stats()).toEqual({ connections: 0, topics: 0, ips: 0 });
    gc();
    const growth = process.memoryUsage().heapUsed - heapBefore;
    expect(growth).toBeLessThan(32 * 1024 * 1024);
  }, 120_000);
});
