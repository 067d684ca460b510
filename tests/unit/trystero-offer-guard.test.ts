// Attack tests for the parley patch to Trystero's signal handler (patches/README.md, "Offers are
// decrypted before a connection exists, and budgeted"). They drive the patched
// node_modules/@trystero-p2p/core/dist/signal-handler.mjs with a context built the way Trystero's
// strategy.mjs builds it (real crypto, real peer.mjs), and a fake RTCPeerConnection that counts.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  loadCrypto,
  loadOfferPool,
  loadPeer,
  loadSharedPeer,
  loadSignalHandler,
  loadUtils,
  type CryptoModule,
  type OfferPoolModule,
  type PeerModule,
  type SharedPeerModule,
  type Signal,
  type SignalHandlerModule,
  type SignalPeer,
  type UtilsModule,
} from './trystero-dist';

/** Every RTCPeerConnection Trystero creates in these tests; `closed` once close() was called. */
const connections: FakePeerConnection[] = [];
const created = () => connections.length;
const open = () => connections.filter((c) => !c.closed).length;

class FakeDataChannel {
  readyState = 'connecting';
  binaryType = 'blob';
  bufferedAmountLowThreshold = 0;
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: { error: unknown }) => void) | null = null;
  close() {
    this.readyState = 'closed';
  }
  send() {}
  /** The remote side opened the channel: Trystero calls this a connected peer. */
  openNow() {
    this.readyState = 'open';
    this.onopen?.();
  }
}

/** Enough of RTCPeerConnection for an answering peer; an offer SDP containing "unusable" is refused. */
class FakePeerConnection {
  closed = false;
  connectionState = 'new';
  iceConnectionState = 'new';
  iceGatheringState = 'new';
  signalingState = 'stable';
  localDescription: Signal | null = null;
  remoteDescription: Signal | null = null;
  ondatachannel: ((e: { channel: FakeDataChannel }) => void) | null = null;
  onnegotiationneeded: unknown = null;
  onicecandidate: unknown = null;
  onconnectionstatechange: unknown = null;
  ontrack: unknown = null;
  onremovestream: unknown = null;
  constructor(readonly config: unknown) {
    connections.push(this);
  }
  close() {
    this.closed = true;
    this.connectionState = 'closed';
    this.signalingState = 'closed';
  }
  createDataChannel() {
    return new FakeDataChannel();
  }
  async setRemoteDescription(d: Signal) {
    if (d.sdp.includes('unusable')) throw new Error('fake: failed to parse SDP');
    this.remoteDescription = d;
    this.signalingState = d.type === 'offer' ? 'have-remote-offer' : 'stable';
  }
  async setLocalDescription(d?: Signal) {
    if (d) this.localDescription = d;
    else if (this.signalingState === 'have-remote-offer')
      this.localDescription = { type: 'answer', sdp: 'v=0 fake-answer' };
    else if (this.signalingState === 'stable') {
      // An offering peer: Trystero calls this from onnegotiationneeded without a description.
      this.localDescription = { type: 'offer', sdp: 'v=0 our-fake-offer' };
      this.signalingState = 'have-local-offer';
      return;
    }
    this.signalingState = 'stable';
  }
  async addIceCandidate() {}
  addEventListener() {}
  removeEventListener() {}
  getSenders() {
    return [];
  }
}

const APP_ID = 'parley-v1';
const ROOM = 'room-under-attack';
const PASSWORD = 'the-right-room-password';
const FAKE_OFFER = 'v=0 fake-offer';

let handlerModule: SignalHandlerModule;
let crypto: CryptoModule;
let utils: UtilsModule;
let peerModule: PeerModule;
let sharedPeer: SharedPeerModule;
let offerPool: OfferPoolModule;

beforeAll(async () => {
  [handlerModule, crypto, utils, peerModule, sharedPeer, offerPool] = await Promise.all([
    loadSignalHandler(),
    loadCrypto(),
    loadUtils(),
    loadPeer(),
    loadSharedPeer(),
    loadOfferPool(),
  ]);
});

/** A room's signal handler, its context built as strategy.mjs builds it. */
const makeRoom = () => {
  const config = { appId: APP_ID, password: PASSWORD, rtcPolyfill: FakePeerConnection, rtcConfig: { iceServers: [] } };
  const key = crypto.genKey(PASSWORD, APP_ID, ROOM);
  const withKey = (f: (k: Promise<CryptoKey>, s: string) => Promise<string>) => async (s: Signal) => ({
    type: s.type,
    sdp: await f(key, s.sdp),
  });
  const rootTopicPlaintext = utils.topicPath('Trystero', APP_ID, ROOM);
  const joinErrors: unknown[] = [];
  const connectedPeers: string[] = [];
  const ctx: Record<string, unknown> = {
    appId: APP_ID,
    roomId: ROOM,
    config,
    peerStates: {},
    rootTopicPlaintext,
    rootTopicP: crypto.sha1(rootTopicPlaintext),
    selfTopicP: crypto.sha1(utils.topicPath(rootTopicPlaintext, utils.selfId)),
    toPlain: withKey(crypto.decrypt),
    toCipher: withKey(crypto.encrypt),
    isLeaving: () => false,
    isPassive: false,
    isActive: true,
    onJoinError: (e: unknown) => joinErrors.push(e),
    sharedPeers: new sharedPeer.SharedPeerManager(),
    offerPool: new offerPool.OfferPool(() => peerModule.default(true, config)),
    // As strategy.mjs does (its stale-offer check aside).
    encryptOffer: async (peer: { getOffer: () => Promise<Signal> }) =>
      (await withKey(crypto.encrypt)(await peer.getOffer())).sdp,
    initPeer: peerModule.default,
    // As strategy.mjs does (attachSharedPeerToRoom): the peer's state holds the connected peer.
    connectPeer: (peer: unknown, peerId: string) => {
      connectedPeers.push(peerId);
      const state = (ctx['peerStates'] as Record<string, { connectedPeer: unknown; answeringPeer: unknown }>)[peerId];
      if (state) {
        state.connectedPeer = peer;
        state.answeringPeer = null;
      }
    },
    disconnectPeer: () => undefined,
    attachSharedPeerToRoom: () => undefined,
    checkDeactivate: () => undefined,
    announceIntervals: [],
    announceIntervalMs: 5333,
  };
  const onMessage = handlerModule.createSignalHandler(ctx)(0);
  const published: { topic: string; message: Record<string, unknown> }[] = [];
  let onPublished: (() => void) | null = null;
  const signalPeer: SignalPeer = (topic, message) => {
    published.push({ topic, message: JSON.parse(message) as Record<string, unknown> });
    onPublished?.();
  };
  const nextPublished = () => new Promise<void>((resolve) => (onPublished = resolve));
  return {
    ctx,
    key,
    rootTopicP: ctx['rootTopicP'] as Promise<string>,
    onMessage,
    signalPeer,
    published,
    nextPublished,
    joinErrors,
    connectedPeers,
  };
};

/**
 * A Trystero-like peer id (20 symbols) for the offer tests. Where it sorts against our selfId does
 * not matter there: the glare rule only applies when we have an outgoing offer too, and these tests
 * never make one.
 */
const peerIdFor = (i: number) => `z${String(i).padStart(19, '0')}`;

/**
 * Peer ids in Trystero's own alphabet ([0-9A-Za-z], 20 symbols) that sort above (`lead`) or below
 * (`trail`) our selfId, whatever selfId this run drew: an attacker reads our selfId from our
 * announcements and picks ids accordingly. selfId is random, so a fixed prefix will not do: `z…`
 * is below a selfId that starts with `zA…` (1 run in 62), and `0…` above one that starts `000…`.
 * The id keeps our prefix up to our first symbol that is not the extreme one, puts the extreme
 * symbol there, and writes `i` in the remaining places.
 */
const relativeId = (i: number, extreme: 'z' | '0'): string => {
  const self = utils.selfId;
  const p = [...self].findIndex((c) => c !== extreme);
  const digits = String(i).padStart(3, '0');
  // Only a selfId starting with 17 or more extreme symbols leaves no room (about 1 in 62^17).
  if (p < 0 || self.length - p - 1 < digits.length) throw new Error(`no room for a peer id beside selfId ${self}`);
  const id = `${self.slice(0, p)}${extreme}${digits.padStart(self.length - p - 1, '0')}`;
  if (extreme === 'z' ? !(id > self) : !(id < self))
    throw new Error(`peer id ${id} does not sort as meant against ${self}`);
  return id;
};
const leadId = (i: number) => relativeId(i, 'z');
const trailId = (i: number) => relativeId(i, '0');

const offerFrom = async (peerId: string, sdp: string, password = PASSWORD) => {
  const cipher = await crypto.encrypt(crypto.genKey(password, APP_ID, ROOM), sdp);
  return JSON.stringify({ peerId, offerId: `o${peerId.slice(1, 12)}`, offer: cipher });
};

beforeEach(() => {
  connections.length = 0;
});

describe('Trystero offers (parley patch: decrypt first, then budget)', () => {
  it('200 garbage offers on the public root topic create no RTCPeerConnection and leave none open', async () => {
    const room = makeRoom();
    const rootTopic = await room.rootTopicP;
    // Two kinds of garbage a stranger on the relay can send: noise, and offers made with another password.
    const garbage = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        i % 2 === 0
          ? JSON.stringify({ peerId: peerIdFor(i), offerId: 'x', offer: `1,2,3$${btoa('not a ciphertext')}` })
          : offerFrom(peerIdFor(i), FAKE_OFFER, 'a-guessed-password'),
      ),
    );
    for (const msg of garbage) await room.onMessage(rootTopic, msg, room.signalPeer);
    expect(created()).toBe(0);
    expect(open()).toBe(0);
    // No per-peer state is kept for ids that only ever sent garbage.
    expect(Object.keys(room.ctx['peerStates'] as object)).toHaveLength(0);
    expect(room.published).toHaveLength(0);
  });

  it('a flood of garbage offers all at once is dropped or rejected, and counted', async () => {
    const room = makeRoom();
    const rootTopic = await room.rootTopicP;
    const msgs = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({ peerId: peerIdFor(i), offer: `9$${btoa('garbage')}` }),
    );
    await Promise.all(msgs.map((m) => room.onMessage(rootTopic, m, room.signalPeer)));
    expect(created()).toBe(0);
    const dropped = (room.ctx['offerGuard'] as { dropped: Record<string, number> } | undefined)?.dropped;
    expect(dropped).toBeDefined();
    // At most 16 are decrypted at once; the rest are dropped unexamined. Every one is counted.
    expect(dropped!['undecryptable']! + dropped!['busy']!).toBe(200);
    expect(dropped!['undecryptable']).toBeLessThanOrEqual(16);
  });

  it('a valid offer still creates one connection, sends its answer to the offerer, and connects', async () => {
    const room = makeRoom();
    const rootTopic = await room.rootTopicP;
    const partner = peerIdFor(7);
    const answered = room.nextPublished();
    await room.onMessage(rootTopic, await offerFrom(partner, FAKE_OFFER), room.signalPeer);
    expect(created()).toBe(1);
    const pc = connections[0]!;
    expect(pc.remoteDescription).toEqual({ type: 'offer', sdp: FAKE_OFFER });
    await answered;
    const [{ topic, message }] = room.published as [(typeof room.published)[0]];
    expect(topic).toBe(await crypto.sha1(utils.topicPath(room.ctx['rootTopicPlaintext'] as string, partner)));
    expect(message['peerId']).toBe(utils.selfId);
    expect(await crypto.decrypt(room.key, message['answer'] as string)).toBe('v=0 fake-answer');
    // The offerer's data channel opens: Trystero hands the connection to the room.
    const channel = new FakeDataChannel();
    pc.ondatachannel!({ channel });
    channel.openNow();
    expect(room.connectedPeers).toEqual([partner]);
    expect(open()).toBe(1);
    expect(room.joinErrors).toEqual([]);
  });

  it('200 fake announcements on the public root topic hold at most 8 offer connections open and keep no state for most of them', async () => {
    const room = makeRoom();
    const rootTopic = await room.rootTopicP;
    // Announcements are plaintext: no password needed. Ids sorting above ours make us lead the offer.
    for (let i = 0; i < 200; i++)
      await room.onMessage(rootTopic, JSON.stringify({ peerId: leadId(i) }), room.signalPeer);
    // We did make an offer for each of them (upstream holds all 200 open); all but 8 were withdrawn.
    expect(created()).toBeGreaterThanOrEqual(200);
    expect((room.ctx['offerGuard'] as { dropped: Record<string, number> }).dropped['offerWithdrawn']).toBe(192);
    expect(open()).toBeLessThanOrEqual(8);
    expect(Object.keys(room.ctx['peerStates'] as object).length).toBeLessThanOrEqual(8);
    // Ids sorting below ours only get our announcement back: no connection, no state.
    const createdBefore = created();
    for (let i = 0; i < 50; i++)
      await room.onMessage(rootTopic, JSON.stringify({ peerId: trailId(i) }), room.signalPeer);
    expect(created()).toBe(createdBefore);
    expect(Object.keys(room.ctx['peerStates'] as object).length).toBeLessThanOrEqual(8);
    // A real partner announcing after the flood still gets our offer.
    const partner = leadId(999);
    const partnerTopic = await crypto.sha1(utils.topicPath(room.ctx['rootTopicPlaintext'] as string, partner));
    const sent = room.published.length;
    await room.onMessage(rootTopic, JSON.stringify({ peerId: partner }), room.signalPeer);
    const offer = room.published
      .slice(sent)
      .find((p) => p.topic === partnerTopic && typeof p.message['offer'] === 'string');
    expect(offer).toBeDefined();
    expect(await crypto.decrypt(room.key, offer!.message['offer'] as string)).toBe('v=0 our-fake-offer');
    expect(open()).toBeLessThanOrEqual(8);
  });

  describe('with time under test control', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    });
    afterEach(() => vi.useRealTimers());

    it('a link holder flooding 200 valid offers from 200 peer ids gets at most a few connections; past the budget they are dropped and counted', async () => {
      const room = makeRoom();
      const rootTopic = await room.rootTopicP;
      for (let i = 0; i < 200; i++)
        await room.onMessage(rootTopic, await offerFrom(peerIdFor(i), FAKE_OFFER), room.signalPeer);
      expect(created()).toBeLessThanOrEqual(8);
      expect(open()).toBeLessThanOrEqual(4);
      const dropped = (room.ctx['offerGuard'] as { dropped: Record<string, number> }).dropped;
      expect(dropped['overBudget']).toBe(200 - created());
      // None of them connects: each is closed when its answer window (23.3 s) ends, and the budget is free again.
      await vi.advanceTimersByTimeAsync(23_400);
      expect(open()).toBe(0);
      const before = created();
      await room.onMessage(rootTopic, await offerFrom(peerIdFor(500), FAKE_OFFER), room.signalPeer);
      expect(created()).toBe(before + 1);
    });

    /** A room as on Nostr (a 60 s steady announce), counting the re-announces it asks for. */
    const nostrRoom = () => {
      const room = makeRoom();
      room.ctx['announceIntervals'] = [60_000];
      const reannounced = { count: 0 };
      room.ctx['requeueAnnounce'] = () => reannounced.count++;
      return { ...room, reannounced };
    };
    const offersTo = async (room: ReturnType<typeof makeRoom>, peerId: string) => {
      const topic = await crypto.sha1(utils.topicPath(room.ctx['rootTopicPlaintext'] as string, peerId));
      return room.published.filter((p) => p.topic === topic && typeof p.message['offer'] === 'string').length;
    };

    it('an offer the partner never got (a relay refused it: a third person racing) is sent again within seconds, not after ~54 s', async () => {
      const room = nostrRoom();
      const rootTopic = await room.rootTopicP;
      const partner = leadId(1);
      await room.onMessage(rootTopic, JSON.stringify({ peerId: partner }), room.signalPeer);
      expect(await offersTo(room, partner)).toBe(1);
      // The partner announces again (its warm-up): our offer is still pending, so nothing new is sent.
      await room.onMessage(rootTopic, JSON.stringify({ peerId: partner }), room.signalPeer);
      expect(await offersTo(room, partner)).toBe(1);
      // No answer: upstream withdraws the offer only after 0.9 × 60 s, and then waits for a new announce.
      await vi.advanceTimersByTimeAsync(5_400);
      expect(room.reannounced.count).toBe(1);
      // The partner answers our announce with its own (as Trystero does for a peer that leads): a fresh offer.
      await room.onMessage(rootTopic, JSON.stringify({ peerId: partner }), room.signalPeer);
      expect(await offersTo(room, partner)).toBe(2);
    });

    it('an offer lost while the partner was between rooms (both re-dialled) is sent again when its fresh room announces', async () => {
      const room = nostrRoom();
      const rootTopic = await room.rootTopicP;
      const partner = leadId(1);
      const partnerTopic = await crypto.sha1(utils.topicPath(room.ctx['rootTopicPlaintext'] as string, partner));
      await room.onMessage(rootTopic, JSON.stringify({ peerId: partner }), room.signalPeer);
      expect(await offersTo(room, partner)).toBe(1);
      // The offer reached the partner between leaving its old room and joining a fresh one: lost. Its
      // fresh room announces; upstream (and the 5.3 s withdrawal alone) ignored that while our offer
      // was pending, so the pair waited for the withdrawal or another re-dial.
      await vi.advanceTimersByTimeAsync(1_000);
      await room.onMessage(rootTopic, JSON.stringify({ peerId: partner }), room.signalPeer);
      const offers = room.published.filter((p) => p.topic === partnerTopic && typeof p.message['offer'] === 'string');
      expect(offers).toHaveLength(2);
      // The same offer (a peer that did get it ignores it), not a new connection.
      expect(offers[1]!.message['offerId']).toBe(offers[0]!.message['offerId']);
      expect(created()).toBe(1);
      // Sent anew, it is given the full 5.3 s to be answered before it is withdrawn.
      await vi.advanceTimersByTimeAsync(5_000);
      expect(room.reannounced.count).toBe(0);
      await vi.advanceTimersByTimeAsync(400);
      expect(room.reannounced.count).toBe(1);
    });

    it('an answer the relay refused is sent again when the offerer, having had no answer, announces again', async () => {
      const room = nostrRoom();
      const rootTopic = await room.rootTopicP;
      const partner = peerIdFor(8);
      const partnerTopic = await crypto.sha1(utils.topicPath(room.ctx['rootTopicPlaintext'] as string, partner));
      const answered = room.nextPublished();
      await room.onMessage(rootTopic, await offerFrom(partner, FAKE_OFFER), room.signalPeer);
      await answered;
      const toPartner = () => room.published.filter((p) => p.topic === partnerTopic);
      const first = toPartner();
      expect(first.map((p) => typeof p.message['answer'])).toEqual(['string']);
      // The relay refused it (a racing third held a seat in the offerer's inbox): the offerer heard
      // nothing, withdrew its offer after 5.3 s and announced again. Upstream ignored that
      // announcement while answering: nobody announced again for a minute.
      await vi.advanceTimersByTimeAsync(5_400);
      await room.onMessage(rootTopic, JSON.stringify({ peerId: partner }), room.signalPeer);
      const again = toPartner().slice(first.length);
      expect(again.map((p) => p.message)).toEqual(first.map((p) => p.message));
      // The same answer, on the same connection: nothing new is made.
      expect(created()).toBe(1);
      // At most once per 500 ms, however often it announces.
      await room.onMessage(rootTopic, JSON.stringify({ peerId: partner }), room.signalPeer);
      expect(toPartner()).toHaveLength(first.length * 2);
      // Once connected, its announcements get nothing more.
      const channel = new FakeDataChannel();
      connections[0]!.ondatachannel!({ channel });
      channel.openNow();
      await vi.advanceTimersByTimeAsync(1_000);
      await room.onMessage(rootTopic, JSON.stringify({ peerId: partner }), room.signalPeer);
      expect(toPartner()).toHaveLength(first.length * 2);
    });

    it('offers to a crowd of fake announcers that never answer re-announce at most once per 5.3 s', async () => {
      const room = nostrRoom();
      const rootTopic = await room.rootTopicP;
      for (let i = 0; i < 50; i++)
        await room.onMessage(rootTopic, JSON.stringify({ peerId: leadId(i) }), room.signalPeer);
      await vi.advanceTimersByTimeAsync(5_400);
      expect(room.reannounced.count).toBe(1);
      for (let i = 50; i < 100; i++)
        await room.onMessage(rootTopic, JSON.stringify({ peerId: leadId(i) }), room.signalPeer);
      await vi.advanceTimersByTimeAsync(5_400);
      expect(room.reannounced.count).toBe(2);
    });

    it('an answer connection whose offer cannot be applied is closed when its answer window ends (upstream: kept open for good)', async () => {
      const room = makeRoom();
      const rootTopic = await room.rootTopicP;
      await room.onMessage(rootTopic, await offerFrom(peerIdFor(3), 'v=0 unusable'), room.signalPeer);
      expect(created()).toBe(1);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(open()).toBe(0);
    });
  });
});
