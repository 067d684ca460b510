/**
 * Safe defaults for everything a client controls. Trystero batches up to 250 topics into one REQ
 * (`maxTopicsPerSubscription` in @trystero-p2p/nostr) and uses 64-character subscription ids,
 * so the caps below leave room for it and little else.
 */
export const LIMITS = {
  /** Bytes per WebSocket message; ws closes the socket (1009) above this. */
  maxPayloadBytes: 256 * 1024,
  /** Characters per text frame, checked again before JSON.parse. */
  maxFrameChars: 256 * 1024,
  maxSubIdChars: 64,
  maxFiltersPerReq: 16,
  maxValuesPerFilterField: 512,
  maxTagValueChars: 1024,
  /** Largest `limit` honoured; larger requests are clamped, not refused. */
  maxLimit: 500,
  maxTags: 512,
  maxTagItems: 64,
  maxSubscriptionsPerConnection: 32,
  maxConnections: 512,
  storedEvents: 1000,
  /** A client that stops reading gets cut off rather than growing our memory without bound. */
  maxBufferedBytes: 4 * 1024 * 1024,
  heartbeatMs: 30_000,
} as const;
