import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createRelay, type Relay } from '../../relay/server.js';
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

const subscribe = async (client: TestClient, subId: string, ...filters: unknown[]): Promise<void> => {
  client.send(['REQ', subId, ...filters]);
  await client.next(isEose(subId), `EOSE ${subId}`);
};

const publish = async (client: TestClient, event: { id: string }): Promise<unknown[]> => {
  client.send(['EVENT', event]);
  return client.next(isOk(event.id), `OK ${event.id.slice(0, 8)}`);
};

/** An event shaped like Trystero's: ephemeral kind, one `x` topic tag. */
const onTopic = (topic: string, content = '', kind = 24242, by = signer) =>
  by.sign({ kind, tags: [['x', topic]], content });

beforeAll(async () => {
  relay = createRelay({ host: '127.0.0.1', port: 0, limits: { maxPeersPerTopic: 1000 } });
  await relay.ready;
  wsUrl = relay.address().wsUrl;
});

afterAll(async () => {
  for (const client of clients) client.close();
  await relay.close();
});

describe('relay signaling (the NIP-01 subset Trystero uses, forwarded ephemerally)', () => {
  it('forwards an ephemeral topic event to subscribers of that topic (Trystero-shaped filter), stores nothing', async () => {
    const alice = await open();
    const bob = await open();
    const topic = 'a'.repeat(40);
    const now = Math.floor(Date.now() / 1000);
    await subscribe(bob, 'bob-sub', { kinds: [24242], since: now - 5, '#x': [topic] });
    await subscribe(alice, 'alice-sub', { kinds: [24242], since: now - 5, '#x': [topic] });

    const event = onTopic(topic, 'offer');
    expect(await publish(alice, event)).toEqual(['OK', event.id, true, '']);
    expect((await bob.next(isEventOn('bob-sub', event.id), 'event at bob'))[2]).toEqual(event);
    // Standard NIP-01: the sender's own matching subscription receives it too (Trystero ignores its own).
    await alice.next(isEventOn('alice-sub', event.id), 'event echoed to sender');

    const late = await open();
    late.send(['REQ', 'late', { kinds: [24242], '#x': [topic] }]);
    const first = await late.next(() => true, 'first reply to a late REQ');
    expect(first).toEqual(['EOSE', 'late']);
  });

  it('does not forward to other topics or kinds', async () => {
    const a = await open();
    const b = await open();
    await subscribe(b, 'mine', { kinds: [24242], '#x': ['topic-b'] });
    await publish(a, onTopic('topic-other'));
    await publish(a, onTopic('topic-b', '', 24243));
    const marker = onTopic('topic-b', 'marker');
    await publish(a, marker);
    await b.next(isEventOn('mine', marker.id));
    expect(b.pending().filter(isEventOn('mine'))).toEqual([]);
  });

  it('refuses events it would have to store, or that name no single topic, with OK false "blocked:"', async () => {
    const a = await open();
    for (const event of [
      signer.sign({ kind: 1, tags: [['x', 't']] }),
      signer.sign({ kind: 30000, tags: [['x', 't']] }),
      signer.sign({ kind: 20000 }),
      signer.sign({
        kind: 20000,
        tags: [
          ['x', 't'],
          ['x', 'u'],
        ],
      }),
    ]) {
      const reply = await publish(a, event);
      expect(reply.slice(0, 3)).toEqual(['OK', event.id, false]);
      expect(String(reply[3])).toMatch(/^blocked: /);
    }
  });

  it('refuses subscriptions without a #x topic list with a NOTICE, never CLOSED', async () => {
    const a = await open();
    a.send(['REQ', 'firehose', { kinds: [24242] }]);
    expect(String((await a.next(isNotice))[1])).toMatch(/#x/);
    a.send(['REQ', 'mixed', { '#x': ['t'] }, { kinds: [1] }]);
    expect(String((await a.next(isNotice))[1])).toMatch(/#x/);
    expect(a.pending().filter((f) => f[0] === 'CLOSED' || f[0] === 'EOSE')).toEqual([]);
  });

  it("stops delivering on CLOSE while the connection's other subscriptions keep working", async () => {
    const a = await open();
    const b = await open();
    const filter = { kinds: [20001], '#x': ['close-test'] };
    await subscribe(b, 'keep', filter);
    await subscribe(b, 'drop', filter);
    const first = onTopic('close-test', '1', 20001);
    await publish(a, first);
    await b.next(isEventOn('keep', first.id));
    await b.next(isEventOn('drop', first.id));

    b.send(['CLOSE', 'drop']);
    // A REQ round trip after the CLOSE proves the relay processed it (frames on one socket are ordered).
    await subscribe(b, 'sync', { '#x': ['sync'] });
    const second = onTopic('close-test', '2', 20001);
    await publish(a, second);
    await b.next(isEventOn('keep', second.id), 'second event on the open subscription');
    expect(b.pending().filter(isEventOn('drop'))).toEqual([]);
  });

  it('replaces a subscription when a REQ reuses its id', async () => {
    const a = await open();
    const b = await open();
    await subscribe(b, 'same', { '#x': ['old-topic'] });
    await subscribe(b, 'same', { '#x': ['new-topic'] });
    await publish(a, onTopic('old-topic'));
    const fresh = onTopic('new-topic');
    await publish(a, fresh);
    await b.next(isEventOn('same', fresh.id));
    expect(b.pending().filter(isEventOn('same'))).toEqual([]);
  });

  it('rejects a bad id hash or a bad signature with OK false "invalid:" and forwards nothing', async () => {
    const a = await open();
    const b = await open();
    await subscribe(b, 'watch', { '#x': ['sig-test'] });
    const good = onTopic('sig-test', 'real');
    a.send(['EVENT', { ...good, content: 'forged' }]);
    const badId = await a.next(isOk(good.id));
    expect(badId.slice(0, 3)).toEqual(['OK', good.id, false]);
    expect(String(badId[3])).toMatch(/^invalid: id/);

    a.send(['EVENT', { ...good, sig: onTopic('sig-test', '', 24242, createSigner()).sig }]);
    const badSig = await a.next(isOk(good.id));
    expect(String(badSig[3])).toMatch(/^invalid: signature/);

    const marker = onTopic('sig-test', 'marker');
    await publish(a, marker);
    await b.next(isEventOn('watch', marker.id));
    expect(b.pending().filter(isEventOn('watch'))).toEqual([]);
  });

  it('answers malformed frames with NOTICE and keeps the connection usable', async () => {
    const a = await open();
    const malformed = [
      'not json',
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
      `["REQ", "sub", {"kinds": ${JSON.stringify(Array.from({ length: 513 }, () => 1))}}]`,
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
    const event = onTopic('still-here');
    expect(await publish(a, event)).toEqual(['OK', event.id, true, '']);
  });

  it('closes a socket that sends a REQ or CLOSE over 8 KiB (1009), without answering it, and serves the next one', async () => {
    for (const frame of [
      `["REQ", "sub", {"ids": ${JSON.stringify(Array.from({ length: 513 }, () => '0'.repeat(64)))}}]`,
      `["CLOSE", "${'c'.repeat(9000)}"]`,
    ]) {
      const a = await open();
      a.sendRaw(frame);
      expect(await a.closed).toBe(1009);
      expect(a.pending()).toEqual([]);
    }
    const b = await open();
    const event = onTopic('after-oversized');
    expect(await publish(b, event)).toEqual(['OK', event.id, true, '']);
  });

  it('an event with wrong field types but a readable id gets OK false, not a crash', async () => {
    const a = await open();
    const good = onTopic('types');
    a.send(['EVENT', { ...good, kind: 'one' }]);
    const reply = await a.next(isOk(good.id));
    expect(reply[2]).toBe(false);
    expect(String(reply[3])).toMatch(/^invalid: kind/);
  });

  it('caps subscriptions per connection with a NOTICE, and still allows replacing one', async () => {
    const a = await open();
    for (let i = 0; i < 16; i += 1) await subscribe(a, `cap-${i}`, { '#x': [`cap-topic-${i}`] });
    a.send(['REQ', 'cap-17', { '#x': ['one-more'] }]);
    expect(String((await a.next(isNotice))[1])).toMatch(/at most 16 subscriptions/);
    await subscribe(a, 'cap-0', { '#x': ['replacement'] });
  });

  it('caps topics per connection with a NOTICE', async () => {
    const a = await open();
    a.send(['REQ', 'many', { '#x': Array.from({ length: 65 }, (_, i) => `many-${i}`) }]);
    // One list of 65 is refused as it is read; 65 topics over several lists when they are added up.
    expect(String((await a.next(isNotice))[1])).toMatch(/more than 64 values/);
    a.send([
      'REQ',
      'many',
      { '#x': Array.from({ length: 40 }, (_, i) => `many-${i}`) },
      { '#x': Array.from({ length: 25 }, (_, i) => `more-${i}`) },
    ]);
    expect(String((await a.next(isNotice))[1])).toMatch(/at most 64 topics/);
  });

  it('closes a socket that sends a frame beyond the payload cap (1009) and keeps serving other clients', async () => {
    const bystander = await open();
    await subscribe(bystander, 'by', { '#x': ['payload-test'] });
    const a = await open();
    a.sendRaw(`["EVENT", "${'x'.repeat(200 * 1024)}"]`);
    expect(await a.closed).toBe(1009);
    const c = await open();
    const event = onTopic('payload-test');
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
