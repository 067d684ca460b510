/**
 * Fixed caps on the shape of what a client may send. Trystero batches up to 250 topics into one REQ
 * (`maxTopicsPerSubscription` in @trystero-p2p/nostr) and uses 64-character subscription ids,
 * so the caps below leave room for it and little else.
 */
export const LIMITS = {
  /** Characters per text frame, checked again before JSON.parse. */
  maxFrameChars: 128 * 1024,
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
 * What each kind of work costs, in the units of the per-connection and per-address budgets
 * (`connectionRate`/`ipRate`: one unit is one small frame). Charged through `HubContext.charge`
 * before the work is done, so a client out of budget is refused before it costs us anything more.
 */
export const COST = {
  /** Any frame: parsing, dispatch, a reply. */
  frame: 1,
  /** Each KiB received (JSON.parse and hashing scale with it). */
  perKiBIn: 0.25,
  /** One Schnorr verification (~2.5 ms in JS, the most expensive thing a small frame can ask for). */
  signatureCheck: 2,
  /** Each value a REQ's filters list (set building, matching, memory while subscribed). */
  filterValue: 0.05,
  /** Each KiB the relay sends because of a frame: the publisher pays for the fan-out it causes. */
  perKiBOut: 0.05,
} as const;

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
  maxConnectionsPerIp: number;
  connectionRate: RateLimit;
  ipRate: RateLimit;
  maxSubscriptionsPerConnection: number;
  /** Distinct topics (Nostr `#x` values, tracker info_hashes) one connection may follow at once. */
  maxTopicsPerConnection: number;
  /** Distinct Nostr keys one connection may publish with (Trystero uses one per page). */
  maxKeysPerConnection: number;
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
  maxSubscriptionsPerConnection: 16,
  maxTopicsPerConnection: 64,
  maxKeysPerConnection: 4,
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
