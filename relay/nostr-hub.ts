import { NOSTR_ROOM_FULL } from '../src/core/relay-notice.js';
import type { ClientConnection, HubContext, ProtocolHub } from './connection.js';
import { COST } from './limits.js';
import { checkFailure, computeEventId, isEphemeralKind } from './nostr-event.js';
import { filterValueCount, matchesAny, type FilterPolicy } from './nostr-filter.js';
import { parseClientMessage } from './nostr-message.js';
import type { MessageError, NostrEvent, NostrFilter } from './nostr-types.js';
import { createReplayCache } from './replay-cache.js';
import { createSeatProbe } from './seat-probe.js';
import { eventVerifier } from './schnorr-verifier.js';
import { createTopicRoster } from './topic-roster.js';
import { inThreadBackend, type VerifyBackend } from './verify-pool.js';
import { createVerifyQueue, DEFAULT_VERIFY_QUEUE_LIMITS, type VerifyQueueLimits } from './verify-queue.js';

// Replies follow what Trystero can live with: it abandons a relay for good on `CLOSED` or on
// `OK false` without a `rate-limited:`/`duplicate:` prefix. So every refusal Trystero could ever
// provoke is `OK false "rate-limited: …"` (events) or a NOTICE (REQ/CLOSE); `invalid:`/`blocked:` are
// kept for events Trystero never sends (bad signatures, non-ephemeral kinds, no topic tag).

/** Trystero tags every event with its topic as `["x", topic]` and filters on `#x`. */
const TOPIC_TAG = 'x';

interface Subscription {
  filters: NostrFilter[];
  topics: Set<string>;
  /** When it was made, on the hub's sequence: it has seen the events forwarded after this. */
  createdSeq: number;
  /** Values its filters list (counted against `maxFilterValuesPerConnection`). */
  values: number;
}

interface NostrConnection {
  subscriptions: Map<string, Subscription>;
  /** Keys this connection has published with (Trystero: one per page). */
  keys: Set<string>;
  /** Sum of `values` over its subscriptions. */
  filterValues: number;
}

/** What the hub remembers about an event it forwarded. */
interface Forwarded {
  topic: string;
  /** When it was last forwarded, on the hub's sequence. */
  seq: number;
  /** The connection that published it first, and whether that one has sent it a second time. */
  by: ClientConnection;
  resent: boolean;
}

const EVENT_ID = /"id"\s*:\s*"([0-9a-f]{64})"/;

/** The single `x` tag value of an event, or undefined when it has none or several. */
const topicOf = (event: NostrEvent): string | undefined => {
  let topic: string | undefined;
  for (const tag of event.tags) {
    if (tag[0] !== TOPIC_TAG) continue;
    if (topic !== undefined || tag[1] === undefined || tag[1] === '') return undefined;
    topic = tag[1];
  }
  return topic;
};

/** The topics a subscription follows, or why it is refused: every filter must name its topics with `#x`. */
const topicsOf = (filters: readonly NostrFilter[]): Set<string> | string => {
  const topics = new Set<string>();
  for (const filter of filters) {
    const condition = filter.tags.find((t) => t.name === TOPIC_TAG);
    if (condition === undefined)
      return 'every filter needs a "#x" list of topics (this relay only forwards topic-tagged signaling)';
    for (const value of condition.values) topics.add(value);
  }
  return topics;
};

const answered = (eventId: string, accepted: boolean, reason: string): MessageError => ({
  type: 'answered-event',
  eventId,
  accepted,
  reason,
});

/**
 * The NIP-01 subset Trystero's Nostr strategy uses, as an ephemeral forwarder: signed ephemeral
 * events tagged with one topic go to the live subscribers of that topic; nothing is stored.
 * Seats (at most `maxPeersPerTopic` keys per topic) are kept by the shared topic roster; besides
 * the seated connections, at most `maxReadersPerTopic` connections may read a topic, so one event
 * reaches a bounded number of sockets, and the publisher pays for every copy.
 */
export const createNostrHub = (
  ctx: HubContext,
  verifyBackend: VerifyBackend = inThreadBackend(eventVerifier),
  verifyQueueLimits: VerifyQueueLimits = DEFAULT_VERIFY_QUEUE_LIMITS,
): ProtocolHub => {
  const { limits, metrics, now } = ctx;
  // Signature checks run on a worker thread when the server gives the hub a pool (verify-pool.ts);
  // the queue keeps each connection's frames in order around them and bounds what waits.
  const verifyQueue = createVerifyQueue<ClientConnection>(verifyBackend, verifyQueueLimits);
  // Filters name topics with `#x` and nothing else: other tags and id/author lists are refused as
  // they are read, and so is any list longer than a connection may follow topics (Trystero's kinds
  // list has one kind per topic), before a set is built from it.
  const filterPolicy: FilterPolicy = {
    tagNames: new Set([TOPIC_TAG]),
    idsAndAuthors: false,
    maxValuesPerField: limits.maxTopicsPerConnection,
  };
  const states = new Map<ClientConnection, NostrConnection>();
  /** topic → subscribed connection → ids of its subscriptions that name the topic. */
  const subscribers = new Map<string, Map<ClientConnection, Set<string>>>();
  const roster = createTopicRoster<ClientConnection>({
    maxPeers: () => limits.maxPeersPerTopic,
    idleMs: () => limits.topicIdleMs,
  });
  // An id need not be remembered past twice the window: by then the event is refused as stale anyway.
  const forwarded = createReplayCache<Forwarded>(limits.replayCacheSize, 2 * limits.eventWindowSeconds * 1000, now);
  /** Orders forwards and REQs: a subscription made after an event was forwarded has not seen it. */
  let seq = 0;
  /** topic → sequence number of the latest REQ that named it (while anyone subscribes to it). */
  const latestReq = new Map<string, number>();
  const probe = createSeatProbe(ctx);

  const stateOf = (conn: ClientConnection): NostrConnection => {
    let state = states.get(conn);
    if (state === undefined) {
      state = { subscriptions: new Map(), keys: new Set(), filterValues: 0 };
      states.set(conn, state);
    }
    return state;
  };

  const isSubscribed = (conn: ClientConnection, topic: string): boolean => subscribers.get(topic)?.has(conn) === true;

  /** Connections reading the topic without a seat in it. */
  const readerCount = (topic: string, except: ClientConnection, at: number): number => {
    let count = 0;
    for (const conn of subscribers.get(topic)?.keys() ?? [])
      if (conn !== except && !roster.isSeated(topic, conn, at)) count += 1;
    return count;
  };

  /** Whether `conn` holds, or with one of its keys could take, a seat in the topic. */
  const couldBeSeated = (conn: ClientConnection, state: NostrConnection, topic: string, at: number): boolean => {
    const seats = roster.seats(topic, at);
    for (const seat of seats.values()) if (seat.conn === conn) return true;
    for (const key of state.keys) if (!seats.has(key) && seats.size < limits.maxPeersPerTopic) return true;
    return false;
  };

  const notice = (conn: ClientConnection, reason: string): void => {
    ctx.send(conn, ['NOTICE', reason]);
  };

  const unsubscribe = (conn: ClientConnection, state: NostrConnection, subId: string): void => {
    const sub = state.subscriptions.get(subId);
    if (sub === undefined) return;
    state.subscriptions.delete(subId);
    state.filterValues -= sub.values;
    for (const name of sub.topics) {
      const byConn = subscribers.get(name);
      const ids = byConn?.get(conn);
      ids?.delete(subId);
      if (byConn !== undefined && ids !== undefined && ids.size === 0) {
        byConn.delete(conn);
        // No longer reading the topic: the page left that room, its seats there go with it.
        roster.leave(name, conn);
        if (byConn.size === 0) {
          subscribers.delete(name);
          latestReq.delete(name);
        }
      }
    }
  };

  const handleReq = (conn: ClientConnection, subId: string, filters: NostrFilter[]): void => {
    const state = stateOf(conn);
    const wanted = topicsOf(filters);
    if (typeof wanted === 'string') {
      ctx.refuse(conn, 'invalid');
      notice(conn, `REQ refused: ${wanted}`);
      return;
    }
    const replaced = state.subscriptions.get(subId);
    if (replaced === undefined && state.subscriptions.size >= limits.maxSubscriptionsPerConnection) {
      ctx.refuse(conn, 'subscriptions');
      notice(
        conn,
        `REQ refused: at most ${limits.maxSubscriptionsPerConnection} subscriptions per connection; CLOSE one first`,
      );
      return;
    }
    const others = new Set<string>();
    for (const [id, sub] of state.subscriptions) if (id !== subId) for (const t of sub.topics) others.add(t);
    for (const t of wanted) others.add(t);
    if (others.size > limits.maxTopicsPerConnection) {
      ctx.refuse(conn, 'subscriptions');
      notice(conn, `REQ refused: at most ${limits.maxTopicsPerConnection} topics per connection`);
      return;
    }
    const values = filters.reduce((sum, f) => sum + filterValueCount(f), 0);
    if (state.filterValues - (replaced?.values ?? 0) + values > limits.maxFilterValuesPerConnection) {
      ctx.refuse(conn, 'subscriptions');
      notice(conn, `REQ refused: at most ${limits.maxFilterValuesPerConnection} filter values per connection`);
      return;
    }
    const at = now();
    for (const name of wanted) {
      const ids = subscribers.get(name)?.get(conn);
      if (ids !== undefined && !ids.has(subId) && ids.size >= limits.maxSubscriptionsPerTopicPerConnection) {
        ctx.refuse(conn, 'subscriptions');
        notice(
          conn,
          `REQ refused: at most ${limits.maxSubscriptionsPerTopicPerConnection} subscriptions per topic per connection`,
        );
        return;
      }
      if (
        ids === undefined &&
        !couldBeSeated(conn, state, name, at) &&
        readerCount(name, conn, at) >= limits.maxReadersPerTopic
      ) {
        ctx.refuse(conn, 'readers');
        notice(
          conn,
          `REQ refused: topic ${name.slice(0, 16)} already has ${limits.maxReadersPerTopic} readers besides its peers`,
        );
        return;
      }
    }
    // Holding filters costs memory and every event is matched against them: charged by their size.
    if (!ctx.charge(conn, values * COST.filterValue)) {
      ctx.refuse(conn, 'budget');
      notice(conn, 'rate-limited: REQ refused, this connection is over its budget; slow down');
      return;
    }
    // Replacing: drop the old topics first so a narrowed REQ frees what it no longer names.
    unsubscribe(conn, state, subId);
    seq += 1;
    state.subscriptions.set(subId, { filters, topics: wanted, values, createdSeq: seq });
    state.filterValues += values;
    for (const name of wanted) {
      const byConn = subscribers.get(name) ?? new Map<ClientConnection, Set<string>>();
      subscribers.set(name, byConn);
      const ids = byConn.get(conn) ?? new Set<string>();
      byConn.set(conn, ids);
      ids.add(subId);
      latestReq.set(name, seq);
      for (const key of state.keys) roster.claim(name, key, conn, at, true);
    }
    // Nothing is stored, so the initial query is always empty.
    ctx.send(conn, ['EOSE', subId]);
  };

  const handleClose = (conn: ClientConnection, subId: string): void => {
    const state = stateOf(conn);
    unsubscribe(conn, state, subId);
    // Trystero closes its subscriptions when the page leaves its room: it takes part in nothing any more.
    if (state.subscriptions.size === 0) roster.forget(conn);
  };

  // Trystero sends some events twice within a second from the same socket (identical content in the
  // same second: the same id), and a peer may only act on the second copy (the e2e crash test in
  // room-size.spec.ts showed it). So the socket that published an event may send it once more and it
  // is forwarded as before; any further copy, or a copy from any other socket, is a replay.
  const isAuthorsResend = (conn: ClientConnection, seen: Forwarded): boolean => seen.by === conn && !seen.resent;

  /**
   * Runs before an event's hash and signature are checked. Replays and stale events are answered
   * here without that work, and the check itself is charged first.
   */
  const beforeVerify =
    (conn: ClientConnection) =>
    (claim: { id: string; createdAt: unknown }): MessageError | undefined => {
      const seen = forwarded.get(claim.id);
      if (seen !== undefined && !isAuthorsResend(conn, seen) && (latestReq.get(seen.topic) ?? 0) < seen.seq) {
        // An exact replay, and nobody subscribed to its topic since it was forwarded: NIP-01's
        // duplicate answer, without checking it. It is not forwarded again and grants nothing.
        ctx.refuse(conn, 'duplicate');
        return answered(claim.id, true, 'duplicate: already forwarded');
      }
      if (typeof claim.createdAt === 'number' && Math.abs(claim.createdAt - now() / 1000) > limits.eventWindowSeconds) {
        // Outside the window: a replay of an old capture (also one dated 2001), or a device whose clock
        // is far off. `rate-limited:` rather than `invalid:`: Trystero retires a relay for the page's
        // whole life on any other OK-false prefix, and a page whose clock gets corrected (NTP) should
        // find this relay still there; rate-limited only makes it back off (60 s up to 15 min), which
        // is also what such a client should do. The attacker gains nothing from either answer.
        ctx.refuse(conn, 'stale');
        return answered(
          claim.id,
          false,
          `rate-limited: created_at is more than ${limits.eventWindowSeconds} s from the relay's clock; check this device's clock`,
        );
      }
      if (!ctx.charge(conn, COST.signatureCheck)) {
        ctx.refuse(conn, 'budget');
        return answered(claim.id, false, 'rate-limited: signature checks are budgeted; slow down');
      }
      return undefined;
    };

  /** The event's topic, or undefined after refusing an event this relay never forwards (no signature needed to tell). */
  const forwardableTopic = (conn: ClientConnection, event: NostrEvent): string | undefined => {
    if (!isEphemeralKind(event.kind)) {
      ctx.refuse(conn, 'blocked');
      ctx.send(conn, [
        'OK',
        event.id,
        false,
        'blocked: this relay only forwards ephemeral events (kinds 20000-29999) and stores nothing',
      ]);
      return undefined;
    }
    const name = topicOf(event);
    if (name === undefined) {
      ctx.refuse(conn, 'blocked');
      ctx.send(conn, ['OK', event.id, false, 'blocked: an event needs exactly one "x" topic tag']);
    }
    return name;
  };

  /**
   * Queues a shape-checked event for its hash and signature check (charged already, in
   * beforeVerify); it is handled once checked and after the connection's earlier frames. Past the
   * queue's caps it is refused at once (`rate-limited:`, so Trystero backs off and keeps the relay).
   */
  const submitEvent = (conn: ClientConnection, event: NostrEvent, bytes: number): void => {
    const name = forwardableTopic(conn, event);
    if (name === undefined) return;
    if (!limits.checkEverySignature && stateOf(conn).keys.has(event.pubkey)) {
      // This socket already proved it holds the key (a fully checked event of it was forwarded), and
      // a socket is what holds seats here: another Schnorr check would tell the relay nothing new, so
      // only the id (its hash, cheap) is checked, which keeps the replay cache and the author's
      // resends keyed on the true content. The same key from any other socket is checked in full.
      // This is most of a call's signaling (Trystero signs every event of a page with one key), and
      // what lets one core's main thread forward thousands a second.
      const ran = inOrder(conn, bytes, () => {
        if (computeEventId(event) === event.id) {
          handleEvent(conn, event, name);
          return;
        }
        ctx.refuse(conn, 'invalid');
        ctx.send(conn, ['OK', event.id, false, `invalid: ${checkFailure('bad-id')}`]);
      });
      if (!ran) refuseQueued(conn, event.id);
      return;
    }
    const queued = verifyQueue.submit(conn, bytes, event, (check) => {
      if (!conn.open) return;
      const failure = checkFailure(check);
      if (failure === undefined) {
        handleEvent(conn, event, name);
        return;
      }
      ctx.refuse(conn, 'invalid');
      ctx.send(conn, ['OK', event.id, false, `invalid: ${failure}`]);
    });
    if (!queued) refuseQueued(conn, event.id);
  };

  const refuseQueued = (conn: ClientConnection, eventId: string): void => {
    ctx.refuse(conn, 'verify_queue');
    ctx.send(conn, [
      'OK',
      eventId,
      false,
      'rate-limited: too many events are waiting for their signature check; slow down',
    ]);
  };

  /** Runs a REQ or CLOSE after the connection's events still waiting for their check. */
  const inOrder = (conn: ClientConnection, bytes: number, run: () => void): boolean =>
    verifyQueue.after(conn, bytes, () => {
      if (conn.open) run();
    });

  /** A checked event of one topic. */
  const handleEvent = (conn: ClientConnection, event: NostrEvent, name: string): void => {
    const state = stateOf(conn);
    const seen = forwarded.get(event.id);
    if (seen !== undefined) {
      resend(conn, event, name, seen);
      return;
    }
    forwardNew(conn, state, event, name);
  };

  const forwardNew = (conn: ClientConnection, state: NostrConnection, event: NostrEvent, name: string): void => {
    const at = now();
    if (!state.keys.has(event.pubkey)) {
      if (state.keys.size >= limits.maxKeysPerConnection) {
        ctx.refuse(conn, 'rate');
        ctx.send(conn, [
          'OK',
          event.id,
          false,
          `rate-limited: at most ${limits.maxKeysPerConnection} keys per connection`,
        ]);
        return;
      }
      state.keys.add(event.pubkey);
      // A page's key becomes known with its first (fresh, verified) event: it now takes part in the topics it reads (its own "self" topic).
      for (const sub of state.subscriptions.values())
        for (const t of sub.topics) roster.claim(t, event.pubkey, conn, at, true);
    }
    const seatedIn = roster.topicsOf(conn);
    if (!seatedIn.has(name) && seatedIn.size >= limits.maxTopicsPerConnection) {
      ctx.refuse(conn, 'rate');
      ctx.send(conn, [
        'OK',
        event.id,
        false,
        `rate-limited: at most ${limits.maxTopicsPerConnection} topics per connection`,
      ]);
      return;
    }
    const claim = roster.claim(name, event.pubkey, conn, at, isSubscribed(conn, name));
    if (!claim.ok && claim.reason === 'full') {
      ctx.refuse(conn, 'room_full');
      ctx.send(conn, ['OK', event.id, false, NOSTR_ROOM_FULL]);
      return;
    }
    if (!claim.ok) {
      // The key's seat belongs to another open socket. If that one is a half-open leftover of this
      // page's reconnect it fails the ping and is cut off; the page's next event then gets the seat.
      probe(claim.holder);
      ctx.refuse(conn, 'seat_held');
      ctx.send(conn, ['OK', event.id, false, 'rate-limited: this key is in use on another connection; retry shortly']);
      return;
    }
    const recipients = recipientsOf(event, name, 0);
    if (!chargeFanOut(conn, event, recipients)) return;
    seq += 1;
    forwarded.set(event.id, { topic: name, seq, by: conn, resent: false });
    ctx.send(conn, ['OK', event.id, true, '']);
    deliver(event, recipients);
  };

  /** The (connection, subscription) pairs made after `afterSeq` whose filters match the event. */
  const recipientsOf = (event: NostrEvent, topic: string, afterSeq: number): [ClientConnection, string][] => {
    const recipients: [ClientConnection, string][] = [];
    for (const [subscriber, subIds] of subscribers.get(topic) ?? []) {
      const subscriberState = states.get(subscriber);
      if (subscriberState === undefined || !subscriber.open) continue;
      for (const subId of subIds) {
        const sub = subscriberState.subscriptions.get(subId);
        if (sub !== undefined && sub.createdSeq > afterSeq && matchesAny(event, sub.filters))
          recipients.push([subscriber, subId]);
      }
    }
    return recipients;
  };

  /** The publisher pays for every copy its event makes, before any is sent. False (and answered): over budget. */
  const chargeFanOut = (conn: ClientConnection, event: NostrEvent, recipients: readonly unknown[]): boolean => {
    const kib = (JSON.stringify(event).length + 100) / 1024;
    if (recipients.length === 0 || ctx.charge(conn, recipients.length * kib * COST.perKiBOut)) return true;
    ctx.refuse(conn, 'budget');
    ctx.send(conn, ['OK', event.id, false, 'rate-limited: forwarding is budgeted by bytes sent; slow down']);
    return false;
  };

  const deliver = (event: NostrEvent, recipients: readonly [ClientConnection, string][]): void => {
    let sent = 0;
    for (const [subscriber, subId] of recipients) if (ctx.send(subscriber, ['EVENT', subId, event])) sent += 1;
    metrics.forwarded(sent);
  };

  /**
   * An event sent again (checked: it passed the signature check like any other). Trystero re-sends
   * an identical event (same content in the same second has the same id) to reach peers that
   * subscribed since, so it goes to subscriptions made after it was last forwarded, and to no one
   * else. It takes no seat and makes its key known to nobody: a replay grants nothing.
   */
  const resend = (conn: ClientConnection, event: NostrEvent, topic: string, seen: Forwarded): void => {
    const again = isAuthorsResend(conn, seen);
    if (!again) ctx.refuse(conn, 'duplicate');
    const recipients = recipientsOf(event, topic, again ? 0 : seen.seq);
    if (!chargeFanOut(conn, event, recipients)) return;
    seq += 1;
    forwarded.set(event.id, { ...seen, seq, resent: seen.resent || again });
    ctx.send(conn, ['OK', event.id, true, again ? '' : 'duplicate: already forwarded']);
    deliver(event, recipients);
  };

  return {
    handleFrame(conn, frame) {
      // Bytes in were charged by the server as the frame arrived (frameCost), before any parsing.
      const parsed = parseClientMessage(frame, {
        beforeVerify: beforeVerify(conn),
        filterPolicy,
        deferVerification: true,
      });
      if (!parsed.ok) {
        const failure = parsed.error;
        if (failure.type === 'answered-event') {
          ctx.send(conn, ['OK', failure.eventId, failure.accepted, failure.reason]);
          return;
        }
        ctx.refuse(conn, 'invalid');
        if (failure.type === 'rejected-event')
          ctx.send(conn, ['OK', failure.eventId, false, `invalid: ${failure.reason}`]);
        else notice(conn, failure.reason);
        return;
      }
      const message = parsed.value;
      switch (message.type) {
        case 'UNVERIFIED_EVENT':
        case 'EVENT': // (not asked for: verification is deferred above)
          submitEvent(conn, message.event, frame.length);
          return;
        case 'REQ':
          if (!inOrder(conn, frame.length, () => handleReq(conn, message.subId, message.filters))) {
            ctx.refuse(conn, 'verify_queue');
            notice(
              conn,
              "rate-limited: REQ refused, too many of this connection's events are waiting for their signature check; slow down",
            );
          }
          return;
        case 'CLOSE':
          // Never refused: a subscription the client gave up must not live on. Past the cap it takes effect at once.
          if (!inOrder(conn, frame.length, () => handleClose(conn, message.subId))) handleClose(conn, message.subId);
          return;
      }
    },
    refuseForRate(conn, frame) {
      // Only an EVENT can be answered with OK; its id is read without parsing the whole frame.
      const id = frame.startsWith('["EVENT"') ? EVENT_ID.exec(frame)?.[1] : undefined;
      if (id !== undefined) ctx.send(conn, ['OK', id, false, 'rate-limited: slow down']);
      else notice(conn, 'rate-limited: slow down');
    },
    forget(conn) {
      verifyQueue.forget(conn);
      const state = states.get(conn);
      if (state !== undefined) for (const subId of [...state.subscriptions.keys()]) unsubscribe(conn, state, subId);
      roster.forget(conn);
      states.delete(conn);
    },
    sweep() {
      roster.sweep(now());
    },
    get topicCount() {
      let count = subscribers.size;
      for (const name of roster.names()) if (!subscribers.has(name)) count += 1;
      return count;
    },
  };
};
