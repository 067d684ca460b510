import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { WebSocket } from 'ws';

// A page running Trystero 0.25.4's Nostr strategy, reduced to its relay traffic and nothing else
// (no WebRTC): the same topics, kinds, filters, signed ephemeral events and announce schedule,
// read in node_modules/@trystero-p2p/nostr/dist/index.mjs and @trystero-p2p/core/dist
// (strategy.mjs, topic-strategy.mjs, signal-handler.mjs). Used by the honest-neighbours attack test
// and the relay bench, so many "pages" can share one address without a browser each.
//
// The exchange: both pages subscribe to [self topic, root topic] in one REQ and announce
// `{peerId}` on the root topic at 0, 233, 766, 2099 ms and then every 60 s. The page whose id
// sorts lower offers on the other's self topic; the other hints `{peerId}` back on the first's
// self topic and answers the offer there. Candidates follow both.

const LIB_NAME = 'Trystero';
const ANNOUNCE_WARMUP_MS = [233, 533, 1333];
const STEADY_ANNOUNCE_MS = 60_000;
/** Trystero re-offers on an announce once its previous offer is this old (0.9 × the 5,333 ms interval). */
const REOFFER_MS = 0.9 * 5333;
const ID_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ROOM_FULL = 'rate-limited: room full';

const genId = (n: number): string => Array.from(randomBytes(n), (b) => ID_CHARS[b % 62]).join('');
/** Trystero's topic hash: SHA-1, each byte in base 36, joined. */
const topicHash = (text: string): string => Array.from(sha1(utf8ToBytes(text)), (b) => b.toString(36)).join('');
/** Trystero's `strToNum(topic, 1e4) + 2e4`: the ephemeral kind of a topic. */
const topicKind = (topic: string): number =>
  (topic.split('').reduce((a, c) => a + c.charCodeAt(0), 0) % 10_000) + 20_000;
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
/** An encrypted SDP as Trystero sends it: base64 IV `$` base64 AES-GCM ciphertext (opaque to the relay). */
const fakeCipherText = (bytes: number): string =>
  `${Buffer.from(randomBytes(16)).toString('base64')}$${Buffer.from(randomBytes(bytes)).toString('base64')}`;

export interface PageOptions {
  url: string;
  appId: string;
  roomId: string;
  /** The page's source address on loopback (127.0.0.0/8). */
  localAddress: string;
}

/** What a page saw; the attack test asserts on it. */
export interface PageLog {
  /** The partner's announce arrived (on the root topic, or its `{peerId}` hint on our self topic). A late joiner whose partner leads may only ever see the offer: Trystero needs no more. */
  partnerAnnounce: boolean;
  offerReceived: boolean;
  answerReceived: boolean;
  /** `OK false "rate-limited: room full"` for one of our events. */
  roomFull: number;
  /** Other `rate-limited:` refusals (Trystero backs its announces off 60 s for each). */
  rateLimited: number;
  /** Refusals Trystero treats as permanent (`CLOSED`, or `OK false` without rate-limited/duplicate): it abandons the relay. */
  terminalRefusals: string[];
  notices: string[];
  /** Upgrades the relay refused before this page got a socket (Trystero retries after 1.7–3.3 s, doubling to 8 s). */
  refusedUpgrades: number;
  /** Set if the relay closed our socket after it had opened. */
  closedCode: number | undefined;
}

export interface SimulatedPage {
  readonly selfId: string;
  readonly log: PageLog;
  /** Resolves with ms since `join` once this page did its side of the exchange: the lower id got the answer to its offer (which it sends only after seeing the partner's announce or hint), the higher one answered the offer. */
  readonly exchanged: Promise<number>;
  leave(): void;
}

type Signed = {
  kind: number;
  tags: string[][];
  created_at: number;
  content: string;
  pubkey: string;
  id: string;
  sig: string;
};

export const joinAsTrysteroPage = (options: PageOptions): SimulatedPage => {
  const joinedAt = performance.now();
  const selfId = genId(20);
  const secretKey = schnorr.utils.randomSecretKey();
  const pubkey = bytesToHex(schnorr.getPublicKey(secretKey));
  const rootPlain = [LIB_NAME, options.appId, options.roomId].join('@');
  const rootTopic = topicHash(rootPlain);
  const selfTopic = topicHash(`${rootPlain}@${selfId}`);
  const topicOf = (peerId: string): string => topicHash(`${rootPlain}@${peerId}`);
  const log: PageLog = {
    partnerAnnounce: false,
    offerReceived: false,
    answerReceived: false,
    roomFull: 0,
    rateLimited: 0,
    terminalRefusals: [],
    notices: [],
    refusedUpgrades: 0,
    closedCode: undefined,
  };

  let socket: WebSocket | undefined;
  let left = false;
  let retired = false;
  let backoffUntil = 0;
  let announceTimer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryPeriod = 3333;
  let announceAttempt = 0;
  let lastOfferAt = -Infinity;
  let offerId: string | undefined;
  const answeredOffers = new Set<string>();
  const hinted = new Set<string>();
  let resolveExchanged: (ms: number) => void = () => {};
  const exchanged = new Promise<number>((r) => (resolveExchanged = r));
  /** Our side of the exchange happened: the leader got the answer to its offer, the other page answered an offer. */
  const checkDone = (): void => {
    if (log.answerReceived || answeredOffers.size > 0) resolveExchanged(performance.now() - joinedAt);
  };

  const send = (text: string): void => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(text);
  };

  /** Trystero's createEvent: `{kind, tags, created_at, content, pubkey}` hashed as NIP-01, then `id` and `sig` appended. */
  const publish = (topic: string, content: string): void => {
    const payload = { kind: topicKind(topic), tags: [['x', topic]], created_at: nowSeconds(), content, pubkey };
    const id = sha256(
      utf8ToBytes(JSON.stringify([0, payload.pubkey, payload.created_at, payload.kind, payload.tags, payload.content])),
    );
    const event: Signed = { ...payload, id: bytesToHex(id), sig: bytesToHex(schnorr.sign(id, secretKey)) };
    send(JSON.stringify(['EVENT', event]));
  };

  const announce = (): void => {
    if (left || retired) return;
    const wait = backoffUntil - Date.now();
    if (wait > 0) {
      announceTimer = setTimeout(announce, Math.max(STEADY_ANNOUNCE_MS, wait));
      return;
    }
    publish(rootTopic, JSON.stringify({ peerId: selfId }));
    const warmup = ANNOUNCE_WARMUP_MS[announceAttempt];
    announceAttempt += 1;
    announceTimer = setTimeout(announce, warmup ?? STEADY_ANNOUNCE_MS);
  };

  const sendCandidates = (peerId: string, id: string | undefined): void => {
    for (let i = 0; i < 2; i += 1)
      publish(
        topicOf(peerId),
        JSON.stringify({
          peerId: selfId,
          ...(id === undefined ? {} : { offerId: id }),
          candidate: fakeCipherText(120),
        }),
      );
  };

  const onSignal = (raw: string): void => {
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return;
    }
    const peerId = typeof payload['peerId'] === 'string' ? payload['peerId'] : '';
    if (peerId === '' || peerId === selfId) return;
    const offer = typeof payload['offer'] === 'string' ? payload['offer'] : undefined;
    const answer = typeof payload['answer'] === 'string' ? payload['answer'] : undefined;
    const candidate = typeof payload['candidate'] === 'string' ? payload['candidate'] : undefined;
    const theirOfferId = typeof payload['offerId'] === 'string' ? payload['offerId'] : undefined;
    if (offer === undefined && answer === undefined && candidate === undefined) {
      log.partnerAnnounce = true;
      if (log.answerReceived || answeredOffers.size > 0) return;
      if (selfId < peerId) {
        // The lower id leads: an offer on the partner's self topic, again after the previous one went stale.
        if (performance.now() - lastOfferAt < REOFFER_MS) return;
        lastOfferAt = performance.now();
        offerId = genId(12);
        publish(topicOf(peerId), JSON.stringify({ peerId: selfId, offerId, offer: fakeCipherText(1200) }));
        sendCandidates(peerId, offerId);
      } else if (!hinted.has(peerId)) {
        hinted.add(peerId);
        publish(topicOf(peerId), JSON.stringify({ peerId: selfId }));
      }
      return;
    }
    if (offer !== undefined && selfId > peerId) {
      log.offerReceived = true;
      const key = theirOfferId ?? offer;
      if (answeredOffers.has(key)) return;
      answeredOffers.add(key);
      publish(
        topicOf(peerId),
        JSON.stringify({
          peerId: selfId,
          ...(theirOfferId === undefined ? {} : { offerId: theirOfferId }),
          answer: fakeCipherText(1200),
        }),
      );
      sendCandidates(peerId, theirOfferId);
      checkDone();
      return;
    }
    if (answer !== undefined && selfId < peerId && (theirOfferId === undefined || theirOfferId === offerId)) {
      log.answerReceived = true;
      checkDone();
    }
  };

  const onFrame = (data: Buffer): void => {
    let frame: unknown;
    try {
      frame = JSON.parse(data.toString('utf8'));
    } catch {
      return;
    }
    if (!Array.isArray(frame)) return;
    const [type, a, b, c] = frame as unknown[];
    if (type === 'EVENT' && typeof b === 'object' && b !== null) {
      const event = b as Partial<Signed>;
      const topic = event.tags?.find((t) => t[0] === 'x')?.[1];
      if ((topic === rootTopic || topic === selfTopic) && typeof event.content === 'string') onSignal(event.content);
      return;
    }
    if (type === 'OK' && b === false) {
      const reason = typeof c === 'string' ? c : '';
      if (reason === ROOM_FULL) log.roomFull += 1;
      else if (reason.startsWith('rate-limited:')) log.rateLimited += 1;
      else if (!reason.startsWith('duplicate:')) {
        log.terminalRefusals.push(reason);
        retired = true;
      }
      // Trystero backs its announces off for a minute on any rate-limited reply.
      if (reason.startsWith('rate-limited:')) backoffUntil = Date.now() + STEADY_ANNOUNCE_MS;
      return;
    }
    if (type === 'CLOSED') {
      log.terminalRefusals.push(`CLOSED ${String(b)}`);
      retired = true;
      return;
    }
    if (type === 'NOTICE') log.notices.push(String(a));
  };

  const open = (): void => {
    if (left) return;
    const ws = new WebSocket(options.url, { localAddress: options.localAddress });
    socket = ws;
    let opened = false;
    ws.on('error', () => {});
    ws.on('unexpected-response', (_req, res) => {
      log.refusedUpgrades += 1;
      res.resume();
    });
    ws.on('message', onFrame);
    ws.on('close', (code) => {
      if (left) return;
      if (opened) {
        log.closedCode = code;
        return;
      }
      // Trystero's makeSocket: retry after (0.5–1) × period, the period doubling up to 8 s (parley's patch).
      retryTimer = setTimeout(open, (0.5 + Math.random() / 2) * retryPeriod);
      retryPeriod = Math.min(retryPeriod * 2, 8000);
    });
    ws.on('open', () => {
      opened = true;
      // subscribeTopic(self) then subscribeTopic(root) land in one batch: one REQ for both topics.
      send(
        JSON.stringify([
          'REQ',
          genId(64),
          {
            kinds: [...new Set([topicKind(selfTopic), topicKind(rootTopic)])],
            since: nowSeconds(),
            '#x': [selfTopic, rootTopic],
          },
        ]),
      );
      announce();
    });
  };
  open();

  return {
    selfId,
    log,
    exchanged,
    leave() {
      left = true;
      clearTimeout(announceTimer);
      clearTimeout(retryTimer);
      socket?.terminate();
    },
  };
};
