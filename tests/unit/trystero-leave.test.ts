// The parley patch to Trystero's strategy (patches/README.md, "10. A room being left still answers
// signaling"): upstream's leave() told the peers and waited 99 ms before it marked the room left, and
// meanwhile the room still answered the relay. A re-dial leaves and re-joins; the partner's fresh
// announcement landing in that window got an offer from a connection the leave then destroyed, and
// the partner sat answering it for up to 23 s, ignoring the fresh room. These tests drive the patched
// node_modules/@trystero-p2p/core/dist/topic-strategy.mjs (and strategy.mjs under it) with a fake
// relay and a fake RTCPeerConnection that counts. The first fails on the unpatched file; the second
// shows the same announcement is answered by a room that is not being left.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  loadCrypto,
  loadTopicStrategy,
  loadUtils,
  type CryptoModule,
  type TopicStrategyModule,
  type UtilsModule,
} from './trystero-dist';

let connections = 0;
class FakeDataChannel {
  readyState = 'connecting';
  binaryType = 'blob';
  bufferedAmountLowThreshold = 0;
  onopen = null;
  onclose = null;
  onmessage = null;
  onerror = null;
  close() {
    this.readyState = 'closed';
  }
  send() {}
}
class FakePeerConnection {
  connectionState = 'new';
  iceConnectionState = 'new';
  iceGatheringState = 'new';
  signalingState = 'stable';
  localDescription = null;
  remoteDescription = null;
  ondatachannel = null;
  onnegotiationneeded = null;
  onicecandidate = null;
  onconnectionstatechange = null;
  ontrack = null;
  onremovestream = null;
  constructor() {
    connections++;
  }
  close() {
    this.connectionState = 'closed';
    this.signalingState = 'closed';
  }
  createDataChannel() {
    return new FakeDataChannel();
  }
  async setRemoteDescription() {}
  async setLocalDescription() {}
  async addIceCandidate() {}
  addEventListener() {}
  removeEventListener() {}
  getSenders() {
    return [];
  }
}

const APP_ID = 'parley-v1';
const ROOM = 'room-being-left';

let strategy: TopicStrategyModule;
let crypto: CryptoModule;
let utils: UtilsModule;
beforeAll(async () => {
  [strategy, crypto, utils] = await Promise.all([loadTopicStrategy(), loadCrypto(), loadUtils()]);
});
beforeEach(() => {
  connections = 0;
  // The offer pool fills at the page's next idle moment: never, here, so every connection counted is one a message made.
  vi.stubGlobal('requestIdleCallback', () => 0);
  vi.stubGlobal('cancelIdleCallback', () => undefined);
});
afterEach(() => vi.unstubAllGlobals());

/** Joins ROOM over a fake relay; resolves once it has subscribed and announced. */
const joinOverFakeRelay = async () => {
  const handlers = new Map<string, (topic: string, msg: string) => void>();
  const published: Array<{ kind: string; topic: string }> = [];
  let announced: () => void = () => undefined;
  const didAnnounce = new Promise<void>((resolve) => (announced = resolve));
  let signalled: () => void = () => undefined;
  const nextSignal = new Promise<void>((resolve) => (signalled = resolve));
  const joinRoom = strategy.default({
    init: () => ({}),
    subscribeTopic: (_relay, topic, onMessage) => {
      handlers.set(topic, onMessage);
      return () => handlers.delete(topic);
    },
    publishTopic: async (_relay, topic, _msg, { kind }) => {
      published.push({ kind, topic });
      if (kind === 'announce') announced();
      else signalled();
      return undefined;
    },
  });
  const room = joinRoom({ appId: APP_ID, rtcPolyfill: FakePeerConnection, rtcConfig: { iceServers: [] } }, ROOM);
  await didAnnounce;
  const rootTopic = await crypto.sha1(utils.topicPath('Trystero', APP_ID, ROOM));
  const selfTopic = await crypto.sha1(utils.topicPath('Trystero', APP_ID, ROOM, utils.selfId));
  const deliver = (topic: string, message: object) => handlers.get(topic)?.(topic, JSON.stringify(message));
  return { room, published, rootTopic, selfTopic, deliver, nextSignal };
};

/** Peer ids that sort above (we lead the offer) and below (they lead: we announce back) any selfId. */
const weLead = '~'.repeat(20);
const theyLead = '!'.repeat(20);

describe('Trystero room being left (patched: deaf from the moment leave() is called)', () => {
  it('an announcement arriving while the room is left gets no offer and no announcement back', async () => {
    const { room, published, rootTopic, deliver } = await joinOverFakeRelay();
    const leaving = room.leave();
    deliver(rootTopic, { peerId: weLead });
    deliver(rootTopic, { peerId: theyLead });
    await leaving;
    expect(connections).toBe(0);
    expect(published.filter((p) => p.kind !== 'announce')).toEqual([]);
  });

  it('the same announcement before leave() is answered (the room is not deaf before)', async () => {
    const { room, published, rootTopic, deliver, nextSignal } = await joinOverFakeRelay();
    deliver(rootTopic, { peerId: theyLead });
    await nextSignal;
    expect(published.filter((p) => p.kind === 'signal')).toHaveLength(1);
    await room.leave();
  });
});
