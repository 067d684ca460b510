import { NOSTR_ROOM_FULL } from '../src/core/relay-notice.js';
import type { ClientConnection, HubContext, ProtocolHub } from './connection.js';
import { isEphemeralKind } from './nostr-event.js';
import { matchesAny } from './nostr-filter.js';
import { parseClientMessage } from './nostr-message.js';
import type { NostrEvent, NostrFilter } from './nostr-types.js';

// Replies follow what Trystero can live with: it abandons a relay for good on `CLOSED` or on
// `OK false` without a `rate-limited:`/`duplicate:` prefix. So every refusal Trystero could ever
// provoke is `OK false "rate-limited: …"` (events) or a NOTICE (REQ/CLOSE); `invalid:`/`blocked:` are
// kept for events Trystero never sends (bad signatures, non-ephemeral kinds, no topic tag).

/** Trystero tags every event with its topic as `["x", topic]` and filters on `#x`. */
const TOPIC_TAG = 'x';

interface Subscription {
  filters: NostrFilter[];
  topics: Set<string>;
}

/** A (connection, key) in a topic: admitted while subscribed to the topic, or while it keeps publishing to it. */
interface Member {
  subscribed: boolean;
  lastPublishMs: number | undefined;
}

interface Topic {
  /** Connections subscribed to the topic, with the ids of their subscriptions that name it. */
  subscribers: Map<ClientConnection, Set<string>>;
  /** Admitted peers: connection → key → membership. */
  members: Map<ClientConnection, Map<string, Member>>;
}

interface NostrConnection {
  subscriptions: Map<string, Subscription>;
  /** Keys this connection has published with (Trystero: one per page). */
  keys: Set<string>;
  /** Topics in which this connection holds a membership. */
  memberOf: Set<string>;
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
    if (condition === undefined) return 'every filter needs a "#x" list of topics (this relay only forwards topic-tagged signaling)';
    for (const value of condition.values) topics.add(value);
  }
  return topics;
};

/**
 * The NIP-01 subset Trystero's Nostr strategy uses, as an ephemeral forwarder: signed ephemeral
 * events tagged with one topic go to the live subscribers of that topic; nothing is stored.
 * At most `maxPeersPerTopic` distinct keys take part in a topic (see `relay/README.md`).
 */
export const createNostrHub = (ctx: HubContext): ProtocolHub => {
  const { limits, metrics, now } = ctx;
  const states = new Map<ClientConnection, NostrConnection>();
  const topics = new Map<string, Topic>();

  const stateOf = (conn: ClientConnection): NostrConnection => {
    let state = states.get(conn);
    if (state === undefined) {
      state = { subscriptions: new Map(), keys: new Set(), memberOf: new Set() };
      states.set(conn, state);
    }
    return state;
  };

  const topicRecord = (name: string): Topic => {
    let topic = topics.get(name);
    if (topic === undefined) {
      topic = { subscribers: new Map(), members: new Map() };
      topics.set(name, topic);
    }
    return topic;
  };

  const dropIfEmpty = (name: string, topic: Topic): void => {
    if (topic.subscribers.size === 0 && topic.members.size === 0) topics.delete(name);
  };

  const isLive = (conn: ClientConnection, member: Member, at: number): boolean =>
    conn.open && (member.subscribed || (member.lastPublishMs !== undefined && at - member.lastPublishMs <= limits.topicIdleMs));

  /** Distinct keys admitted to the topic on open connections, dropping expired memberships as it goes. */
  const livePeers = (topic: Topic, at: number): Set<string> => {
    const keys = new Set<string>();
    for (const [conn, byKey] of topic.members) {
      for (const [key, member] of byKey) {
        if (isLive(conn, member, at)) keys.add(key);
        else byKey.delete(key);
      }
      if (byKey.size === 0) topic.members.delete(conn);
    }
    return keys;
  };

  /** Admits `key` on `conn` to the topic if it already takes part or there is room; false when the room is full. */
  const admit = (conn: ClientConnection, state: NostrConnection, name: string, key: string, how: 'subscribe' | 'publish'): boolean => {
    const at = now();
    const topic = topicRecord(name);
    const peers = livePeers(topic, at);
    if (!peers.has(key) && peers.size >= limits.maxPeersPerTopic) {
      dropIfEmpty(name, topic);
      return false;
    }
    let byKey = topic.members.get(conn);
    if (byKey === undefined) {
      byKey = new Map();
      topic.members.set(conn, byKey);
    }
    const member = byKey.get(key) ?? { subscribed: false, lastPublishMs: undefined };
    member.subscribed = topic.subscribers.has(conn);
    if (how === 'publish') member.lastPublishMs = at;
    byKey.set(key, member);
    state.memberOf.add(name);
    return true;
  };

  /** Removes every membership of the connection: it closed, or it left all its rooms (no subscription left). */
  const dropMemberships = (conn: ClientConnection, state: NostrConnection): void => {
    for (const name of state.memberOf) {
      const topic = topics.get(name);
      if (topic === undefined) continue;
      topic.members.delete(conn);
      dropIfEmpty(name, topic);
    }
    state.memberOf.clear();
  };

  const notice = (conn: ClientConnection, reason: string): void => {
    ctx.send(conn, ['NOTICE', reason]);
  };

  const topicsOfOtherSubscriptions = (state: NostrConnection, except: string): Set<string> => {
    const all = new Set<string>();
    for (const [subId, sub] of state.subscriptions) if (subId !== except) for (const t of sub.topics) all.add(t);
    return all;
  };

  const unsubscribe = (conn: ClientConnection, state: NostrConnection, subId: string): void => {
    const sub = state.subscriptions.get(subId);
    if (sub === undefined) return;
    state.subscriptions.delete(subId);
    for (const name of sub.topics) {
      const topic = topics.get(name);
      if (topic === undefined) continue;
      const ids = topic.subscribers.get(conn);
      ids?.delete(subId);
      if (ids !== undefined && ids.size === 0) {
        topic.subscribers.delete(conn);
        for (const member of topic.members.get(conn)?.values() ?? []) member.subscribed = false;
      }
      dropIfEmpty(name, topic);
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
    if (!state.subscriptions.has(subId) && state.subscriptions.size >= limits.maxSubscriptionsPerConnection) {
      ctx.refuse(conn, 'subscriptions');
      notice(conn, `REQ refused: at most ${limits.maxSubscriptionsPerConnection} subscriptions per connection; CLOSE one first`);
      return;
    }
    const others = topicsOfOtherSubscriptions(state, subId);
    for (const t of wanted) others.add(t);
    if (others.size > limits.maxTopicsPerConnection) {
      ctx.refuse(conn, 'subscriptions');
      notice(conn, `REQ refused: at most ${limits.maxTopicsPerConnection} topics per connection`);
      return;
    }
    // Replacing: drop the old topics first so a narrowed REQ frees what it no longer names.
    unsubscribe(conn, state, subId);
    state.subscriptions.set(subId, { filters, topics: wanted });
    for (const name of wanted) {
      const topic = topicRecord(name);
      let ids = topic.subscribers.get(conn);
      if (ids === undefined) {
        ids = new Set();
        topic.subscribers.set(conn, ids);
      }
      ids.add(subId);
      for (const key of state.keys) admit(conn, state, name, key, 'subscribe');
    }
    // Nothing is stored, so the initial query is always empty.
    ctx.send(conn, ['EOSE', subId]);
  };

  const handleClose = (conn: ClientConnection, subId: string): void => {
    const state = stateOf(conn);
    unsubscribe(conn, state, subId);
    // Trystero closes its subscriptions when the page leaves its room: it takes part in nothing any more.
    if (state.subscriptions.size === 0) dropMemberships(conn, state);
  };

  const handleEvent = (conn: ClientConnection, event: NostrEvent): void => {
    const state = stateOf(conn);
    if (!isEphemeralKind(event.kind)) {
      ctx.refuse(conn, 'blocked');
      ctx.send(conn, ['OK', event.id, false, 'blocked: this relay only forwards ephemeral events (kinds 20000-29999) and stores nothing']);
      return;
    }
    const name = topicOf(event);
    if (name === undefined) {
      ctx.refuse(conn, 'blocked');
      ctx.send(conn, ['OK', event.id, false, 'blocked: an event needs exactly one "x" topic tag']);
      return;
    }
    if (!state.keys.has(event.pubkey)) {
      if (state.keys.size >= limits.maxKeysPerConnection) {
        ctx.refuse(conn, 'rate');
        ctx.send(conn, ['OK', event.id, false, `rate-limited: at most ${limits.maxKeysPerConnection} keys per connection`]);
        return;
      }
      state.keys.add(event.pubkey);
      // A page's key becomes known with its first event: it now takes part in the topics it reads (its own "self" topic).
      for (const sub of state.subscriptions.values()) for (const t of sub.topics) admit(conn, state, t, event.pubkey, 'subscribe');
    }
    if (!state.memberOf.has(name) && state.memberOf.size >= limits.maxTopicsPerConnection) {
      ctx.refuse(conn, 'rate');
      ctx.send(conn, ['OK', event.id, false, `rate-limited: at most ${limits.maxTopicsPerConnection} topics per connection`]);
      return;
    }
    if (!admit(conn, state, name, event.pubkey, 'publish')) {
      ctx.refuse(conn, 'room_full');
      ctx.send(conn, ['OK', event.id, false, NOSTR_ROOM_FULL]);
      return;
    }
    ctx.send(conn, ['OK', event.id, true, '']);
    const topic = topics.get(name);
    if (topic === undefined) return;
    let forwarded = 0;
    for (const [subscriber, subIds] of topic.subscribers) {
      const subscriberState = states.get(subscriber);
      if (subscriberState === undefined) continue;
      for (const subId of subIds) {
        const sub = subscriberState.subscriptions.get(subId);
        if (sub !== undefined && matchesAny(event, sub.filters) && ctx.send(subscriber, ['EVENT', subId, event])) forwarded += 1;
      }
    }
    metrics.forwarded(forwarded);
  };

  return {
    handleFrame(conn, frame) {
      const parsed = parseClientMessage(frame);
      if (!parsed.ok) {
        ctx.refuse(conn, 'invalid');
        const failure = parsed.error;
        if (failure.type === 'rejected-event') ctx.send(conn, ['OK', failure.eventId, false, `invalid: ${failure.reason}`]);
        else notice(conn, failure.reason);
        return;
      }
      const message = parsed.value;
      switch (message.type) {
        case 'EVENT':
          handleEvent(conn, message.event);
          return;
        case 'REQ':
          handleReq(conn, message.subId, message.filters);
          return;
        case 'CLOSE':
          handleClose(conn, message.subId);
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
      const state = states.get(conn);
      if (state === undefined) return;
      for (const subId of [...state.subscriptions.keys()]) unsubscribe(conn, state, subId);
      dropMemberships(conn, state);
      states.delete(conn);
    },
    sweep() {
      const at = now();
      for (const [name, topic] of topics) {
        livePeers(topic, at);
        dropIfEmpty(name, topic);
      }
      for (const [conn, state] of states) {
        for (const name of [...state.memberOf]) if (topics.get(name)?.members.has(conn) !== true) state.memberOf.delete(name);
      }
    },
    get topicCount() {
      return topics.size;
    },
  };
};
