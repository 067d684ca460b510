import { afterEach, describe, expect, it } from 'vitest';
import { parseTrackerMessage } from '../../relay/tracker-message.js';
import { connect, waitUntil, type Frame, type TestClient, relayFixture } from './helpers.js';
import type { Relay } from '../../relay/server.js';

const start = relayFixture();
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
});

// Trystero's shapes (@trystero-p2p/torrent dist/index.mjs): 20-character hex info_hash and peer_id.
const INFO_HASH = '0123456789abcdef0123';
const peerIdOf = (name: string): string => name.padEnd(20, '0');
type Msg = Record<string, unknown>;
const msg = (f: Frame): Msg => (f[0] ?? {}) as Msg;
const has =
  (key: string) =>
  (f: Frame): boolean =>
    msg(f)[key] !== undefined;

const peer = async (relay: Relay, name: string) => {
  const client = await connect(relay.address().wsUrl);
  clients.push(client);
  const peerId = peerIdOf(name);
  const announce = async (offers: { offer_id: string; offer: { type: 'offer'; sdp: string } }[] = []): Promise<Msg> => {
    client.send({ action: 'announce', info_hash: INFO_HASH, peer_id: peerId, numwant: 3, offers });
    return msg(await client.next((f) => has('interval')(f) || has('failure reason')(f), `announce reply for ${name}`));
  };
  return { client, peerId, announce };
};

const offer = (id: string, sdp: string) => ({ offer_id: id.padEnd(20, 'o'), offer: { type: 'offer' as const, sdp } });

describe('WebTorrent tracker protocol', () => {
  it('answers an announce with a short interval and forwards offers and answers between the two peers', async () => {
    const relay = await start();
    const alice = await peer(relay, 'alice');
    const bob = await peer(relay, 'bob');
    const first = await alice.announce([offer('a1', 'sdp-a1'), offer('a2', 'sdp-a2')]);
    expect(first).toMatchObject({ action: 'announce', interval: 10, info_hash: INFO_HASH });

    expect(await bob.announce([offer('b1', 'sdp-b1')])).toMatchObject({ interval: 10 });
    // bob's offer goes to alice (one offer per other peer).
    const atAlice = msg(await alice.client.next(has('offer'), 'offer at alice'));
    expect(atAlice).toEqual({
      action: 'announce',
      offer: { type: 'offer', sdp: 'sdp-b1' },
      offer_id: 'b1'.padEnd(20, 'o'),
      peer_id: bob.peerId,
      info_hash: INFO_HASH,
    });

    alice.client.send({
      action: 'announce',
      info_hash: INFO_HASH,
      peer_id: alice.peerId,
      answer: { type: 'answer', sdp: 'sdp-answer' },
      offer_id: 'b1'.padEnd(20, 'o'),
      to_peer_id: bob.peerId,
    });
    const atBob = msg(await bob.client.next(has('answer'), 'answer at bob'));
    expect(atBob).toEqual({
      action: 'announce',
      answer: { type: 'answer', sdp: 'sdp-answer' },
      offer_id: 'b1'.padEnd(20, 'o'),
      peer_id: alice.peerId,
      info_hash: INFO_HASH,
    });

    // alice's next announce offers to bob.
    await alice.announce([offer('a3', 'sdp-a3')]);
    expect(msg(await bob.client.next(has('offer'), 'offer at bob'))).toMatchObject({
      offer: { sdp: 'sdp-a3' },
      peer_id: alice.peerId,
    });
  });

  it('refuses a third peer with "room full" (cap 2) and frees the slot when a peer disconnects', async () => {
    const relay = await start({ limits: { maxPeersPerTopic: 2 } });
    const alice = await peer(relay, 'alice');
    const bob = await peer(relay, 'bob');
    const carol = await peer(relay, 'carol');
    await alice.announce();
    await bob.announce();
    expect(await carol.announce([offer('c1', 'sdp-c1')])).toMatchObject({
      'failure reason': 'room full',
      info_hash: INFO_HASH,
    });
    // carol's offer reached nobody, and an answer from outside the swarm is refused.
    carol.client.send({
      action: 'announce',
      info_hash: INFO_HASH,
      peer_id: carol.peerId,
      answer: { type: 'answer', sdp: 'x' },
      offer_id: 'zz',
      to_peer_id: alice.peerId,
    });
    expect(msg(await carol.client.next(has('failure reason')))['failure reason']).toMatch(/not in this swarm/);
    expect(await alice.announce()).toMatchObject({ interval: 10 });
    expect(alice.client.pending().filter(has('offer'))).toEqual([]);

    bob.client.close();
    await waitUntil(() => relay.stats().connections === 2, 'the relay saw bob close');
    expect(await carol.announce()).toMatchObject({ interval: 10 });
  });

  it('expires a peer that stopped announcing, by the clock', async () => {
    let clock = 5_000_000;
    const relay = await start({ now: () => clock, limits: { maxPeersPerTopic: 2 } });
    const alice = await peer(relay, 'alice');
    const bob = await peer(relay, 'bob');
    const carol = await peer(relay, 'carol');
    await alice.announce();
    await bob.announce();
    expect(await carol.announce()).toMatchObject({ 'failure reason': 'room full' });
    clock += 20_000;
    await alice.announce();
    clock += 20_000; // bob silent for 40 s > 3 intervals + 5 s
    expect(await carol.announce()).toMatchObject({ interval: 10 });
  });

  it('answers malformed tracker frames with a failure reason and keeps the connection', async () => {
    const relay = await start();
    const alice = await peer(relay, 'alice');
    for (const bad of [
      { action: 'scrape', info_hash: INFO_HASH },
      { action: 'announce', info_hash: 'short', peer_id: alice.peerId },
      { action: 'announce', info_hash: INFO_HASH, peer_id: alice.peerId, offers: 'no' },
      {
        action: 'announce',
        info_hash: INFO_HASH,
        peer_id: alice.peerId,
        offers: [{ offer_id: 'x', offer: { type: 'answer', sdp: 'x' } }],
      },
      { action: 'announce', info_hash: INFO_HASH, peer_id: alice.peerId, extra: 1 },
    ]) {
      alice.client.send(bad);
      expect(typeof msg(await alice.client.next(has('failure reason')))['failure reason']).toBe('string');
    }
    expect(await alice.announce()).toMatchObject({ interval: 10 });
  });
});

describe('parseTrackerMessage', () => {
  it('parses what Trystero sends and refuses the rest', () => {
    const announce = parseTrackerMessage(
      JSON.stringify({
        action: 'announce',
        info_hash: INFO_HASH,
        peer_id: peerIdOf('a'),
        numwant: 3,
        offers: [offer('o', 's')],
      }),
    );
    expect(announce).toEqual({
      ok: true,
      value: {
        type: 'announce',
        infoHash: INFO_HASH,
        peerId: peerIdOf('a'),
        numwant: 3,
        offers: [{ offerId: 'o'.padEnd(20, 'o'), sdp: 's' }],
        stopped: false,
      },
    });
    const passive = parseTrackerMessage(
      JSON.stringify({
        action: 'announce',
        info_hash: INFO_HASH,
        peer_id: peerIdOf('a'),
        left: 0,
        numwant: 3,
        offers: [],
      }),
    );
    expect(passive.ok).toBe(true);
    const answer = parseTrackerMessage(
      JSON.stringify({
        action: 'announce',
        info_hash: INFO_HASH,
        peer_id: peerIdOf('a'),
        answer: { type: 'answer', sdp: 's' },
        offer_id: 'o',
        to_peer_id: peerIdOf('b'),
      }),
    );
    expect(answer).toEqual({
      ok: true,
      value: {
        type: 'answer',
        infoHash: INFO_HASH,
        peerId: peerIdOf('a'),
        toPeerId: peerIdOf('b'),
        offerId: 'o',
        sdp: 's',
      },
    });
    for (const bad of [
      '[]',
      'x',
      '{}',
      JSON.stringify({ action: 'announce', info_hash: INFO_HASH, peer_id: peerIdOf('a'), numwant: -1 }),
      JSON.stringify({
        action: 'announce',
        info_hash: INFO_HASH,
        peer_id: peerIdOf('a'),
        offers: Array.from({ length: 11 }, () => offer('o', 's')),
      }),
    ]) {
      expect(parseTrackerMessage(bad).ok, bad.slice(0, 60)).toBe(false);
    }
  });
});
