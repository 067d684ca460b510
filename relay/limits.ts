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
};
