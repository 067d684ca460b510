import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createRelay, type Relay } from '../../relay/server.js';
import type { NostrEvent } from '../../relay/nostr-types.js';
import { connect, createSigner, isEose, isEventOn, isNotice, isOk, type TestClient } from './helpers.js';

let relay: Relay;
let wsUrl: string;
const signer = createSigner();
const clients: TestClient[] = [];

const open = async (): Promise<TestClient> => {
  const client = await connect(wsUrl);
  clients.push(client);
  return client;
};

/** Subscribes and waits for EOSE, returning the stored events delivered before it. */
const subscribe = async (client: TestClient, subId: string, ...filters: unknown[]): Promise<NostrEvent[]> => {
  client.send(['REQ', subId, ...filters]);
  await client.next(isEose(subId), `EOSE ${subId}`);
  // Frames on one socket arrive in order, so everything stored for subId is buffered by now.
  const stored: NostrEvent[] = [];
  for (const frame of client.pending()) {
    if (!isEventOn(subId)(frame)) continue;
    await client.next((f) => f === frame); // take it out of the buffer
    stored.push(frame[2] as NostrEvent);
  }
  return stored;
};

const publish = async (client: TestClient, event: NostrEvent): Promise<unknown[]> => {
  client.send(['EVENT', event]);
  return client.next(isOk(event.id), `OK ${event.id.slice(0, 8)}`);
};

beforeAll(async () => {
  relay = createRelay({ host: '127.0.0.1', port: 0 });
  await relay.ready;
  wsUrl = relay.address().wsUrl;
});

afterAll(async () => {
  for (const client of clients) client.close();
  await relay.close();
});

describe('relay signaling (NIP-01 subset Trystero uses)', () => {
  it('acknowledges a valid event with OK true', async () => {
    const a = await open();
    const event = signer.sign({ kind: 1, content: 'hello' });
    expect(await publish(a, event)).toEqual(['OK', event.id, true, '']);
  });

  it('forwards an ephemeral event to matching subscribers (Trystero-shaped filter) and does not store it', async () => {
    const alice = await open();
    const bob = await open();
    const topic = 'a'.repeat(40);
    const now = Math.floor(Date.now() / 1000);
    await subscribe(bob, 'bob-sub', { kinds: [24242], since: now - 5, '#x': [topic] });
    await subscribe(alice, 'alice-sub', { kinds: [24242], since: now - 5, '#x': [topic] });

    const event = signer.sign({ kind: 24242, tags: [['x', topic]], content: 'offer' });
    expect(await publish(alice, event)).toEqual(['OK', event.id, true, '']);
    const delivered = await bob.next(isEventOn('bob-sub', event.id), 'ephemeral event at bob');
    expect(delivered[2]).toEqual(event);
    // Standard NIP-01: the sender's own matching subscription receives it too (Trystero ignores its own).
    await alice.next(isEventOn('alice-sub', event.id), 'ephemeral event echoed to sender');

    const late = await open();
    expect(await subscribe(late, 'late', { kinds: [24242], '#x': [topic] })).toEqual([]);
  });

  it('stores a regular event and returns it to a later REQ before EOSE', async () => {
    const a = await open();
    const event = signer.sign({ kind: 1, tags: [['t', 'stored-test']], content: 'keep me' });
    await publish(a, event);
    const b = await open();
    expect(await subscribe(b, 's', { '#t': ['stored-test'] })).toEqual([event]);
  });

  it('answers a duplicate with OK true "duplicate:" and does not forward it again', async () => {
    const a = await open();
    const b = await open();
    await subscribe(b, 'dup', { '#t': ['dup-test'] });
    const event = signer.sign({ kind: 1, tags: [['t', 'dup-test']] });
    await publish(a, event);
    await b.next(isEventOn('dup', event.id));
    const again = await publish(a, event);
    expect(again[2]).toBe(true);
    expect(String(again[3])).toMatch(/^duplicate:/);
    // A later event proves the duplicate was not forwarded: it arrives with nothing before it.
    const marker = signer.sign({ kind: 1, tags: [['t', 'dup-test']], content: 'marker' });
    await publish(a, marker);
    await b.next(isEventOn('dup', marker.id));
    expect(b.pending().filter(isEventOn('dup'))).toEqual([]);
  });

  it('applies kinds, #tag, since/until, ids, authors and limit to stored events', async () => {
    const a = await open();
    const other = createSigner();
    const tag = ['t', 'filter-test'];
    const e1 = signer.sign({ kind: 1, tags: [tag], created_at: 1000 });
    const e2 = signer.sign({ kind: 7, tags: [tag], created_at: 2000 });
    const e3 = other.sign({ kind: 1, tags: [tag, ['p', 'z']], created_at: 3000 });
    for (const e of [e1, e2, e3]) await publish(a, e);
    const q = (subId: string, filter: Record<string, unknown>) => subscribe(a, subId, { '#t': ['filter-test'], ...filter });

    expect(await q('kinds', { kinds: [1] })).toEqual([e3, e1]);
    expect(await q('tag', { '#p': ['z'] })).toEqual([e3]);
    expect(await q('since', { since: 2000 })).toEqual([e3, e2]);
    expect(await q('until', { until: 2000 })).toEqual([e2, e1]);
    expect(await q('range', { since: 1500, until: 2500 })).toEqual([e2]);
    expect(await q('ids', { ids: [e1.id, e2.id] })).toEqual([e2, e1]);
    expect(await q('authors', { authors: [other.pubkey] })).toEqual([e3]);
    expect(await q('limit', { limit: 2 })).toEqual([e3, e2]);
    expect(await q('none', { kinds: [9999] })).toEqual([]);
    // Several filters are OR-ed.
    expect(await subscribe(a, 'or', { ids: [e1.id] }, { ids: [e3.id] })).toEqual([e3, e1]);
  });

  it('stops delivering on CLOSE while the connection\'s other subscriptions keep working', async () => {
    const a = await open();
    const b = await open();
    const filter = { kinds: [20001], '#x': ['close-test'] };
    await subscribe(b, 'keep', filter);
    await subscribe(b, 'drop', filter);

    const first = signer.sign({ kind: 20001, tags: [['x', 'close-test']], content: '1' });
    await publish(a, first);
    await b.next(isEventOn('keep', first.id));
    await b.next(isEventOn('drop', first.id));

    b.send(['CLOSE', 'drop']);
    // Send CLOSE then a REQ round trip so the relay has surely processed the CLOSE.
    await subscribe(b, 'sync', { ids: ['0'.repeat(64)] });
    const second = signer.sign({ kind: 20001, tags: [['x', 'close-test']], content: '2' });
    await publish(a, second);
    await b.next(isEventOn('keep', second.id), 'second event on the open subscription');
    expect(b.pending().filter(isEventOn('drop'))).toEqual([]);
  });

  it('replaces a subscription when a REQ reuses its id', async () => {
    const a = await open();
    const b = await open();
    await subscribe(b, 'same', { kinds: [20002] });
    await subscribe(b, 'same', { kinds: [20003] });
    const old = signer.sign({ kind: 20002 });
    const fresh = signer.sign({ kind: 20003 });
    await publish(a, old);
    await publish(a, fresh);
    await b.next(isEventOn('same', fresh.id));
    expect(b.pending().filter(isEventOn('same'))).toEqual([]);
  });

  it('rejects a bad id hash or a bad signature with OK false "invalid:" and forwards nothing', async () => {
    const a = await open();
    const b = await open();
    await subscribe(b, 'watch', { kinds: [20004] });
    const good = signer.sign({ kind: 20004, content: 'real' });

    const tampered = { ...good, content: 'forged' };
    a.send(['EVENT', tampered]);
    const badId = await a.next(isOk(good.id));
    expect(badId.slice(0, 3)).toEqual(['OK', good.id, false]);
    expect(String(badId[3])).toMatch(/^invalid: id/);

    const otherSig = createSigner().sign({ kind: 20004 }).sig;
    a.send(['EVENT', { ...good, sig: otherSig }]);
    const badSig = await a.next(isOk(good.id));
    expect(badSig.slice(0, 3)).toEqual(['OK', good.id, false]);
    expect(String(badSig[3])).toMatch(/^invalid: signature/);

    const marker = signer.sign({ kind: 20004, content: 'marker' });
    await publish(a, marker);
    await b.next(isEventOn('watch', marker.id));
    expect(b.pending().filter(isEventOn('watch'))).toEqual([]);
  });

  it('answers malformed frames with NOTICE and keeps the connection usable', async () => {
    const a = await open();
    const malformed = [
      'not json',
      '{"EVENT": 1}',
      '[]',
      '[42]',
      '["HELLO", "x"]',
      '["EVENT", "not an object"]',
      '["EVENT", {"id": "zz"}]',
      '["REQ"]',
      '["REQ", "sub"]',
      '["REQ", "sub", {"kinds": "1"}]',
      '["REQ", "sub", {"kinds": [70000]}]',
      '["REQ", "sub", {"search": "x"}]',
      '["REQ", "sub", {"#xx": ["a"]}]',
      `["REQ", "${'s'.repeat(65)}", {}]`,
      `["REQ", "sub", ${Array.from({ length: 17 }, () => '{}').join(',')}]`,
      `["REQ", "sub", {"ids": ${JSON.stringify(Array.from({ length: 513 }, () => '0'.repeat(64)))}}]`,
      '["CLOSE"]',
      '["CLOSE", 5]',
    ];
    for (const frame of malformed) {
      a.sendRaw(frame);
      const reply = await a.next(isNotice, `NOTICE for ${frame.slice(0, 40)}`);
      expect(typeof reply[1]).toBe('string');
    }
    // Never CLOSED: Trystero would abandon the relay for good.
    expect(a.pending().filter((f) => f[0] === 'CLOSED')).toEqual([]);
    const event = signer.sign({ kind: 1, content: 'still here' });
    expect(await publish(a, event)).toEqual(['OK', event.id, true, '']);
  });

  it('an event with wrong field types but a readable id gets OK false, not a crash', async () => {
    const a = await open();
    const good = signer.sign({ kind: 1 });
    a.send(['EVENT', { ...good, kind: 'one' }]);
    const reply = await a.next(isOk(good.id));
    expect(reply[2]).toBe(false);
    expect(String(reply[3])).toMatch(/^invalid: kind/);
  });

  it('caps subscriptions per connection with a NOTICE', async () => {
    const a = await open();
    for (let i = 0; i < 32; i += 1) await subscribe(a, `cap-${i}`, { kinds: [30000 + i] });
    a.send(['REQ', 'cap-33', { kinds: [1] }]);
    expect(String((await a.next(isNotice))[1])).toMatch(/too many subscriptions/);
    // Replacing an existing one is still allowed.
    await subscribe(a, 'cap-0', { kinds: [1] });
  });

  it('closes a socket that sends a frame beyond maxPayload and keeps serving other clients', async () => {
    const bystander = await open();
    await subscribe(bystander, 'by', { kinds: [20005] });
    const a = await open();
    a.sendRaw(`["EVENT", "${'x'.repeat(300 * 1024)}"]`);
    expect(await a.closed).toBe(1009);

    const c = await open();
    const event = signer.sign({ kind: 20005 });
    await publish(c, event);
    await bystander.next(isEventOn('by', event.id));
  });

  it('answers binary frames with NOTICE', async () => {
    const raw = new WebSocket(wsUrl);
    raw.on('error', () => {});
    await new Promise((r) => raw.once('open', r));
    const reply = new Promise<string>((r) => raw.once('message', (d: Buffer) => r(d.toString('utf8'))));
    raw.send(Buffer.from([1, 2, 3]));
    expect((JSON.parse(await reply) as unknown[])[0]).toBe('NOTICE');
    raw.close();
  });
});
