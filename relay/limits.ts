/**
 * Fixed caps on the shape of what a client may send. Trystero batches up to 250 topics into one REQ
 * (`maxTopicsPerSubscription` in @trystero-p2p/nostr) and uses 64-character subscription ids,
 * so the caps below leave room for it and little else.
 */
export const LIMITS = {
  /** Characters per text frame, checked again before JSON.parse. */
  maxFrameChars: 128 * 1024,
  /**
   * Bytes of a REQ or CLOSE frame, checked on the raw frame before it is decoded or parsed. Trystero
   * 0.25.4 sends one REQ per relay socket naming the page's topics (`{kinds, since, "#x"}`): 161
   * bytes for one topic, ~210 for a page's two (self and root; tests/relay/nostr-message.test.ts
   * measures it), ~3.3 KB for the most topics a connection may follow (64). Anything near a
   * maximum-size frame is an attack on the parser (filters full of other tags, 512 values each),
   * refused without reading it.
   */
  maxSubscriptionFrameBytes: 8 * 1024,
  maxSubIdChars: 64,
  maxFiltersPerReq: 16,
  maxValuesPerFilterField: 512,
  maxTagValueChars: 1024,
  /** Largest `limit` honoured; larger requests are clamped, not refused. */
  maxLimit: 500,
  maxTags: 512,
  maxTagItems: 64,
  /** Tracker: offers per announce (Trystero sends 3) and characters per SDP (Trystero's are encrypted, ~2–8 KB). */
  maxOffersPerAnnounce: 10,
  maxSdpChars: 32 * 1024,
} as const;

/**
 * What work costs, in budget units: the one place these weights live (tests and the bench derive
 * their figures from them). One unit is about what handling one small frame costs. The per-connection
 * and per-address-group budgets (`connectionRate`, `connectionAllowance`, `ipRate`) are counted in
 * these units, so a client is limited by the work it causes, not by how many frames carry it.
 * The server charges frames and bytes in at the edge, before parsing (`frameCost`); the hubs charge
 * signature checks, filter values and fan-out to the sender (`HubContext.charge`); the sender charges
 * each receiving connection for large messages, best effort (`sendCost`).
 *
 * Why these weights, together: an honest Trystero event (≤ 8 KiB SDP, one or two recipients) costs
 * ~5–12 units, so a page's join (~30 units) fits a fresh connection's allowance and the steady
 * per-connection rate (40/s) many times over; the worst single frame a connection may send (a
 * 128 KiB event to the maximum fan-out of a topic, 2 seats + 4 readers × 2 subscriptions) costs
 * 1 + 127 × 0.5 + 4 + 10 × 128 × 0.05 ≈ 133, about one burst (120), so it is possible once but never
 * sustained; and a signature check is the dearest small thing (~2.5 ms on the JS path).
 */
export const COST = {
  /** Every frame, its first KiB included. */
  frame: 1,
  /** Each further KiB of a frame: parsing and hashing it (a 128 KiB frame costs 1 + 127 × 0.5 ≈ 65 units). */
  perKiBIn: 0.5,
  /** One Schnorr signature check (the JS verifier takes ~2.5 ms, a WASM one far less; the weight stays so the bound holds on either path). */
  signatureCheck: 4,
  /** Each value a filter names: held in memory and matched against every event (a REQ of 250 topics, Trystero's largest, costs 5 units). */
  filterValue: 0.02,
  /**
   * Each KiB sent beyond a message's first: a socket write of bytes already serialised, about a tenth
   * of parsing them in. Charged to the publisher for its fan-out (every copy, before any is sent) and,
   * best effort, to each receiving connection.
   */
  perKiBOut: 0.05,
} as const;

/** The bytes-in part of a frame's cost: the first KiB rides on `COST.frame`. */
export const frameCost = (bytes: number): number => COST.frame + (Math.max(0, bytes - 1024) / 1024) * COST.perKiBIn;

/** The cost of sending `bytes` in one message: its first KiB is free (replies and signaling are small). */
export const sendCost = (bytes: number): number => (Math.max(0, bytes - 1024) / 1024) * COST.perKiBOut;

/** A token bucket's shape: `perSecond` refill, up to `burst` tokens. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Guards an operator may tune (flags of the CLI). Defaults are safe on the open internet and roomy enough for a test run of four pages on loopback. */
export interface RelayLimits {
  /** Bytes per WebSocket message; ws closes the socket with 1009 above this. */
  maxPayloadBytes: number;
  maxConnections: number;
  /** Open WebSockets per address group (IPv4 /32, IPv6 /64; see address-group.ts). */
  maxConnectionsPerIp: number;
  /** Work budget per connection, in `COST` units. */
  connectionRate: RateLimit;
  /** Work budget per address group, in `COST` units; a connection's own budget is charged first, so one connection's flood stops there. */
  ipRate: RateLimit;
  /**
   * Work each connection may do without touching its group's budget (charged after `connectionRate`,
   * before `ipRate`; a charge larger than what is left of it spends it and the group pays the rest,
   * relay/allowance.ts). A Trystero page's whole join (one REQ, four announces, an offer or answer,
   * candidates: ~30 units) and its steady announces fit in it, so neighbours that spend all of the
   * group's budget (several flooding connections behind one address) cannot starve the light pages
   * that share the address. The price: a group may cost `ipRate` plus, per connection, this
   * allowance; with the default open rate that is at most 200 + 64 × 1 + 2 × 60 ≈ 384 units/s
   * sustained (the burst of a fresh connection comes only with an open, which `connectionOpenRate`
   * paces).
   */
  connectionAllowance: RateLimit;
  /** New WebSockets per address group: a client cut off for flooding cannot come back with a fresh budget every moment. */
  connectionOpenRate: RateLimit;
  /**
   * Refusals for the connection's own budget it may run up: each takes a token, and one past empty
   * disconnects it (1008). Honest clients are never refused; a steady flood is cut within a second.
   */
  refusalTolerance: RateLimit;
  /**
   * Fragments of one unfinished WebSocket message (ws closes the socket past it). A busy Chromium
   * sends a maximum-size (128 KiB) message in at most 8 (a cap of 4 cut it; tests/e2e/relay-fragments.spec.ts
   * keeps the default above what Chromium needs). Each fragment an attacker may send before the cap
   * costs parsing: 64 sockets at a cap of 64 held the main thread ~15 ms longer than at 16.
   */
  maxFragments: number;
  /**
   * TCP connections per address group that have not finished sending their first request head.
   * Roomy: browsers preconnect sockets they send nothing on for seconds, and many people may share one address.
   */
  maxHalfOpenPerIp: number;
  /** Time a client has to send a request head (also the TLS handshake), and a whole request. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxSubscriptionsPerConnection: number;
  /** Distinct topics (Nostr `#x` values, tracker info_hashes) one connection may follow at once. */
  maxTopicsPerConnection: number;
  /** Distinct Nostr keys one connection may publish with (Trystero uses one per page). */
  maxKeysPerConnection: number;
  /**
   * Check the Schnorr signature of every event, also of a key its socket already proved with a
   * fully checked event (by default only such an event's id is checked; nostr-hub.ts says why).
   */
  checkEverySignature: boolean;
  /**
   * Distinct peers per topic; a further peer is refused "room full" (src/core/relay-notice.ts), which
   * the app recognises and shows as "This room is full", exactly as when the pair refuses a third.
   */
  maxPeersPerTopic: number;
  /** A peer that only published to a topic (never subscribed) stops counting after this long without publishing. */
  topicIdleMs: number;
  /** Announce interval we ask tracker clients for (seconds). Trystero clamps it to 10–120 s. */
  trackerIntervalSeconds: number;
  /** A client that stops reading is cut off once this many bytes wait in its send buffer. */
  maxBufferedBytes: number;
  heartbeatMs: number;
  /**
   * Connections that may read a topic without holding a seat in it (a page between its REQ and its
   * first event, a third peer told "room full"). Fan-out per event is bounded by seats + readers.
   */
  maxReadersPerTopic: number;
  /** Subscriptions of one connection that may name the same topic (Trystero uses one; NIP-01 sends an event once per matching subscription). */
  maxSubscriptionsPerTopicPerConnection: number;
  /** Values (topics, kinds) all of one connection's filters may list together. */
  maxFilterValuesPerConnection: number;
  /** Events whose created_at is further than this from the relay's clock are refused (seconds). */
  eventWindowSeconds: number;
  /** Ids of forwarded events remembered to drop exact replays (oldest forgotten first past this). */
  replayCacheSize: number;
  /** A seat's holder that is contested by another connection is pinged; no pong within this long and it is cut off. */
  seatProbeMs: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  maxPayloadBytes: 128 * 1024,
  maxConnections: 10_000,
  maxConnectionsPerIp: 64,
  connectionRate: { perSecond: 40, burst: 120 },
  ipRate: { perSecond: 200, burst: 600 },
  connectionAllowance: { perSecond: 1, burst: 60 },
  connectionOpenRate: { perSecond: 2, burst: 32 },
  refusalTolerance: { perSecond: 10, burst: 100 },
  maxFragments: 16,
  maxHalfOpenPerIp: 128,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 20_000,
  maxSubscriptionsPerConnection: 16,
  maxTopicsPerConnection: 64,
  maxKeysPerConnection: 4,
  checkEverySignature: false,
  maxPeersPerTopic: 2,
  topicIdleMs: 10 * 60_000,
  trackerIntervalSeconds: 10,
  maxBufferedBytes: 1024 * 1024,
  heartbeatMs: 30_000,
  maxReadersPerTopic: 4,
  maxSubscriptionsPerTopicPerConnection: 2,
  maxFilterValuesPerConnection: 1024,
  eventWindowSeconds: 600,
  replayCacheSize: 65_536,
  seatProbeMs: 5000,
};
