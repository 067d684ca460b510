/** A NIP-01 event after its shape, id hash and signature have been checked. */
export interface NostrEvent {
  id: string;
  pubkey: string;
  created_at: number;
  kind: number;
  tags: string[][];
  content: string;
  sig: string;
}

/** A `#<letter>` condition of a filter: the event needs a tag named `name` whose value is in `values`. */
export interface TagCondition {
  name: string;
  values: ReadonlySet<string>;
}

/** A NIP-01 filter. Absent fields do not constrain; list fields match when the event's value is in the set. */
export interface NostrFilter {
  ids?: ReadonlySet<string>;
  authors?: ReadonlySet<string>;
  kinds?: ReadonlySet<number>;
  tags: readonly TagCondition[];
  since?: number;
  until?: number;
  limit?: number;
}

/** A client frame we understand (NIP-01 client-to-relay verbs). */
export type ClientMessage =
  | { type: 'EVENT'; event: NostrEvent }
  /** An event whose shape was checked but not yet its id hash and signature (`ParseOptions.deferVerification`): nothing may act on it before that check. */
  | { type: 'UNVERIFIED_EVENT'; event: NostrEvent }
  | { type: 'REQ'; subId: string; filters: NostrFilter[] }
  | { type: 'CLOSE'; subId: string };

/**
 * Why a frame was refused. An event whose id we could read is answered with `OK false`
 * (the client matches replies by id); anything else can only be answered with a NOTICE.
 */
export type MessageError =
  | { type: 'notice'; reason: string }
  | { type: 'rejected-event'; eventId: string; reason: string }
  /** Answered before its signature was checked: `accepted` is the OK flag, `reason` the whole OK message. */
  | { type: 'answered-event'; eventId: string; accepted: boolean; reason: string };
