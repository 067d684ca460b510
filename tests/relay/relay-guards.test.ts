import { isRoomFullFrame } from '../../src/core/relay-notice.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connect,
  createSigner,
  isEose,
  isNotice,
  isOk,
  refusedStatus,
  waitUntil,
  type Frame,
  type TestClient,
  relayFixture,
} from './helpers.js';
import type { Relay } from '../../relay/server.js';
import { COST } from '../../relay/limits.js';

// Each test starts its own relay with the guard under test set low, on port 0.
const start = relayFixture();
const clients: TestClient[] = [];

const open = async (relay: Relay, options: Parameters<typeof connect>[1] = {}): Promise<TestClient> => {
  const client = await connect(relay.address().wsUrl, options);
  clients.push(client);
  return client;
};

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
});

const metric = (relay: Relay, reason: string): number => {
  const match = new RegExp(`^parley_relay_refusals_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(relay.metrics());
  return Number(match?.[1] ?? NaN);
};

const ROOT = 'r'.repeat(40);
const kind = 24242;

/** A Trystero-like page: one key, subscribed to its own "self" topic and the room's root topic. */
const page = async (relay: Relay, name: string, options: Parameters<typeof connect>[1] = {}) => {
  const signer = createSigner();
  const client = await open(relay, options);
  const self = `${name}-self`.padEnd(40, '0');
  client.send(['REQ', `sub-${name}`, { kinds: [kind], since: Math.floor(Date.now() / 1000), '#x': [self, ROOT] }]);
  await client.next(isEose(`sub-${name}`));
  const publish = async (topic: string, content = 'x'): Promise<Frame> => {
    const event = signer.sign({ kind, tags: [['x', topic]], content });
    client.send(['EVENT', event]);
    return client.next(isOk(event.id), `OK for ${name}`);
  };
  return { client, signer, self, publish, announce: () => publish(ROOT, '{"peerId":"p"}') };
};

describe('Origin allowlist', () => {
  it("refuses a browser origin that is not the relay's own with 403, accepts its own and configured ones", async () => {
    const relay = await start({ allowedOrigins: ['https://app.example'], publicOrigins: ['http://parley.lan:1234'] });
    const own = relay.address().url.replace(/\/$/, '');
    expect(await refusedStatus(relay.address().wsUrl, { origin: 'https://evil.example' })).toBe(403);
    expect(await refusedStatus(relay.address().wsUrl, { origin: own.replace('127.0.0.1', 'localhost') })).toBe(403);
    await open(relay, { origin: own });
    await open(relay, { origin: 'https://app.example' });
    // Reached by the name it is published as (--public-origin), the page's origin is that name.
    await open(relay, { origin: 'http://parley.lan:1234', headers: { host: 'parley.lan:1234' } });
    // localhost is the loopback relay's own name too.
    await open(relay, {
      origin: own.replace('127.0.0.1', 'localhost'),
      headers: { host: new URL(own).host.replace('127.0.0.1', 'localhost') },
    });
    expect(metric(relay, 'origin')).toBe(2);
  });

  it('allows any origin with "*"', async () => {
    const relay = await start({ allowedOrigins: ['*'] });
    await open(relay, { origin: 'https://anything.example' });
  });
});

describe('connection limits', () => {
  it('refuses connections past the per-IP cap with 429 and frees the slot when one closes', async () => {
    const relay = await start({ limits: { maxConnectionsPerIp: 2 } });
    const a = await open(relay);
    await open(relay);
    expect(await refusedStatus(relay.address().wsUrl)).toBe(429);
    // Another address (loopback has all of 127/8) is not affected.
    await open(relay, { localAddress: '127.0.0.2' });
    a.close();
    await waitUntil(() => relay.stats().connections === 2, 'the relay saw the close');
    await open(relay);
    expect(metric(relay, 'ip_connections')).toBe(1);
  });

  it('refuses connections past the total cap with 503', async () => {
    const relay = await start({ limits: { maxConnections: 2 } });
    await open(relay);
    await open(relay, { localAddress: '127.0.0.2' });
    expect(await refusedStatus(relay.address().wsUrl, { localAddress: '127.0.0.3' })).toBe(503);
    expect(metric(relay, 'capacity')).toBe(1);
  });
});

describe('message rate', () => {
  it('answers a flood with OK false "rate-limited:" (never CLOSED) while an honest client on another IP proceeds', async () => {
    const relay = await start({
      limits: { connectionRate: { perSecond: 5, burst: 10 }, ipRate: { perSecond: 10, burst: 20 } },
    });
    const flooder = createSigner();
    const flood = await open(relay);
    const events = Array.from({ length: 40 }, (_, i) =>
      flooder.sign({ kind, tags: [['x', 'flood']], content: String(i) }),
    );
    for (const e of events) flood.send(['EVENT', e]);
    // Events within the burst are accepted; the first one past it is answered rate-limited (then at most one reply a second).
    const refusal = await flood.next((f) => f[0] === 'OK' && f[2] === false, 'a rate-limited OK');
    expect(String(refusal[3])).toMatch(/^rate-limited: /);
    // Refused at the frame rate ('rate') or for the signature check's cost ('budget').
    const refused = (): number => metric(relay, 'rate') + metric(relay, 'budget');
    await waitUntil(() => refused() >= 25, 'the relay counted the refusals');
    const accepted = events.length - refused();
    // Budgets count work, not frames: each event costs a frame and a signature check.
    const perEvent = COST.frame + COST.signatureCheck;
    expect(accepted).toBeGreaterThanOrEqual(Math.floor(10 / perEvent));
    expect(accepted).toBeLessThanOrEqual(Math.floor(10 / perEvent) + 2);
    expect(flood.pending().filter((f) => f[0] === 'CLOSED')).toEqual([]);

    const honest = await page(relay, 'honest', { localAddress: '127.0.0.2' });
    expect((await honest.announce())[2]).toBe(true);
  });

  it('applies the per-IP bucket across connections from one address', async () => {
    // No per-connection allowance here (it keeps a light page's first units out of the group's
    // budget; attacks-neighbours.test.ts shows what it is for): this test is of the group's bucket.
    const relay = await start({
      limits: {
        connectionRate: { perSecond: 100, burst: 100 },
        connectionAllowance: { perSecond: 0, burst: 0 },
        ipRate: { perSecond: 1, burst: 6 },
      },
    });
    const a = await open(relay);
    const b = await open(relay);
    const s = createSigner();
    for (let i = 0; i < 8; i += 1)
      (i % 2 === 0 ? a : b).send(['EVENT', s.sign({ kind, tags: [['x', 'ip']], content: String(i) })]);
    // The address's burst of 6 pays for 2 events (a frame and a signature check each; maybe one more
    // refilled); the rest are refused although each connection has tokens left.
    const handled = (): number =>
      Number(/^parley_relay_messages_total\{protocol="nostr"\} (\d+)$/m.exec(relay.metrics())?.[1]);
    const verified = (): number => handled() - metric(relay, 'budget');
    await waitUntil(() => handled() + metric(relay, 'rate') === 8, 'all 8 frames handled or refused');
    // (An event this small costs a frame, a signature check and under a KiB of bytes.)
    const perEvent = COST.frame + COST.signatureCheck + COST.perKiBIn;
    expect(verified()).toBeGreaterThanOrEqual(Math.floor(6 / perEvent));
    expect(verified()).toBeLessThanOrEqual(Math.floor(6 / perEvent) + 1);
  });

  it('disconnects a client that never slows down (1008), without locking its address out', async () => {
    // Burst 2: the neighbour's one REQ costs its frame plus its filter value (COST.filterValue, charged
    // by the hub since the merge), a little over 1 unit.
    const relay = await start({ limits: { connectionRate: { perSecond: 1, burst: 2 } } });
    const flood = await open(relay);
    for (let i = 0; i < 600; i += 1) flood.sendRaw('["CLOSE","x"]');
    expect(await flood.closed).toBe(1008);
    expect(metric(relay, 'flood')).toBe(1);
    // The connection pays, not the address: a neighbour behind the same NAT still gets in and is served.
    const neighbour = await open(relay);
    neighbour.send(['REQ', 'n', { '#x': ['t'] }]);
    await neighbour.next(isEose('n'));
  });
});

describe('two peers per topic (--max-peers-per-topic 2)', () => {
  it('admits two pages, refuses a third with OK false "rate-limited: room full", and never refuses one of the two', async () => {
    const relay = await start({ limits: { maxPeersPerTopic: 2 } });
    const alice = await page(relay, 'alice');
    const bob = await page(relay, 'bob');
    const carol = await page(relay, 'carol');
    expect((await alice.announce())[2]).toBe(true);
    expect((await bob.announce())[2]).toBe(true);
    const refused = await carol.announce();
    expect(refused[2]).toBe(false);
    expect(refused[3]).toBe('rate-limited: room full');
    // Signals to a member's self topic: the other member may, the third may not.
    expect((await bob.publish(alice.self))[2]).toBe(true);
    expect((await carol.publish(alice.self))[3]).toBe('rate-limited: room full');
    // The two keep working. alice's key on a second connection does not take her seat while her
    // first socket is open and answering (seats belong to sockets); once it closes, it does.
    expect((await alice.announce())[2]).toBe(true);
    const again = await open(relay);
    const e = alice.signer.sign({ kind, tags: [['x', ROOT]], content: 'again' });
    again.send(['EVENT', e]);
    expect((await again.next(isOk(e.id))).slice(2)).toEqual([
      false,
      'rate-limited: this key is in use on another connection; retry shortly',
    ]);
    alice.client.close();
    await waitUntil(() => relay.stats().connections === 3, "the relay saw alice's first socket close");
    const retry = alice.signer.sign({ kind, tags: [['x', ROOT]], content: 'again, later' });
    again.send(['EVENT', retry]);
    expect((await again.next(isOk(retry.id)))[2]).toBe(true);
    expect(carol.client.pending().filter((f) => f[0] === 'CLOSED')).toEqual([]);
    expect(metric(relay, 'room_full')).toBe(2);
  });

  it('frees a slot at once when a connection closes, or when its page leaves the room (CLOSE)', async () => {
    const relay = await start({ limits: { maxPeersPerTopic: 2 } });
    const alice = await page(relay, 'alice');
    const bob = await page(relay, 'bob');
    const carol = await page(relay, 'carol');
    await alice.announce();
    await bob.announce();
    expect((await carol.announce())[2]).toBe(false);
    bob.client.close();
    await waitUntil(() => relay.stats().connections === 2, 'the relay saw bob close');
    expect((await carol.announce())[2]).toBe(true);
    expect((await carol.publish(alice.self))[2]).toBe(true);

    const dave = await page(relay, 'dave');
    expect((await dave.announce())[2]).toBe(false);
    carol.client.send(['CLOSE', 'sub-carol']);
    // The next frame on carol's socket is answered only after the CLOSE was handled.
    carol.client.send(['REQ', 'sync', { '#x': ['elsewhere'] }]);
    await carol.client.next(isEose('sync'));
    expect((await dave.announce())[2]).toBe(true);
  });

  it('lets a publish-only peer expire after the idle time, and drops the topic', async () => {
    let clock = 1_000_000;
    const relay = await start({ now: () => clock, limits: { topicIdleMs: 60_000, maxPeersPerTopic: 2 } });
    const publishers = await Promise.all([open(relay), open(relay), open(relay)]);
    const signers = publishers.map(() => createSigner());
    const send = async (i: number): Promise<Frame> => {
      const client = publishers[i];
      const signer = signers[i];
      if (client === undefined || signer === undefined) throw new Error('no such publisher');
      // Signed at the injected clock's time: the relay refuses events far from its own clock.
      const e = signer.sign({
        kind,
        tags: [['x', 'idle-topic']],
        created_at: Math.floor(clock / 1000),
        content: String(clock),
      });
      client.send(['EVENT', e]);
      return client.next(isOk(e.id));
    };
    expect((await send(0))[2]).toBe(true);
    expect((await send(1))[2]).toBe(true);
    expect((await send(2))[2]).toBe(false);
    clock += 30_000;
    expect((await send(1))[2]).toBe(true);
    clock += 31_000; // publisher 0 idle for 61 s, publisher 1 for 31 s
    expect((await send(2))[2]).toBe(true);
    expect(relay.stats().topics).toBe(1);
    clock += 61_000;
    expect(relay.stats().topics).toBe(0);
  });

  it('by default admits two peers and refuses the third with the frame the app shows as "room full"', async () => {
    const relay = await start();
    const peers = await Promise.all(['a', 'b', 'c'].map((name) => page(relay, name)));
    const replies = [];
    for (const p of peers) replies.push(await p.announce());
    expect(replies.map((r) => r[2])).toEqual([true, true, false]);
    expect(isRoomFullFrame(JSON.stringify(replies[2]))).toBe(true);
  });

  it('refuses REQs over the caps with NOTICE, never CLOSED', async () => {
    const relay = await start({ limits: { maxSubscriptionsPerConnection: 1 } });
    const a = await open(relay);
    a.send(['REQ', 'one', { '#x': ['t'] }]);
    await a.next(isEose('one'));
    a.send(['REQ', 'two', { '#x': ['t'] }]);
    expect(String((await a.next(isNotice))[1])).toMatch(/subscriptions/);
    expect(a.pending().filter((f) => f[0] === 'CLOSED')).toEqual([]);
  });
});

describe('logs', () => {
  it('writes one JSON object per line, with hashed IPs and no payloads', async () => {
    const lines: string[] = [];
    const relay = await start({
      log: (event, fields) => lines.push(JSON.stringify({ event, ...fields })),
      limits: { maxPeersPerTopic: 1 },
    });
    const alice = await page(relay, 'alice');
    const bob = await page(relay, 'bob');
    await alice.publish(ROOT, 'SECRET-PAYLOAD');
    await bob.publish(ROOT, 'SECRET-PAYLOAD');
    expect(await refusedStatus(relay.address().wsUrl, { origin: 'https://evil.example' })).toBe(403);
    alice.client.close();
    await waitUntil(() => lines.some((l) => l.includes('"close"')), 'a close line');
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r['event'])).toEqual(expect.arrayContaining(['open', 'refused', 'close']));
    const text = lines.join('\n');
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('SECRET-PAYLOAD');
    expect(text).not.toContain(ROOT);
    const ips = records.filter((r) => r['event'] === 'open').map((r) => r['ip']);
    expect(ips[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(ips).size).toBe(1); // same address, same hash within one process
  });
});
