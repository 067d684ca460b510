import { parseBoundedJson } from './bounded-json.js';
/**
 * What a Parley relay says to the third peer of a room (its two-peer cap). Shared by the relay and
 * the app, so the app can tell the person "room full" even when the relay, not the pair, refused it.
 */
export const ROOM_FULL_REASON = 'room full';
/** The Nostr form: a refused event. Only the `rate-limited:` prefix keeps Trystero from abandoning the relay. */
export const NOSTR_ROOM_FULL = `rate-limited: ${ROOM_FULL_REASON}`;

/** Our own publications remembered per relay, to recognise its answers: the most recent this many. */
export const MAX_TRACKED_PUBLICATIONS = 64;

const parseJson = (raw: unknown): unknown => parseBoundedJson(raw, 65_536);
const asRecord = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const shortString = (v: unknown): string | null =>
  typeof v === 'string' && v.length > 0 && v.length <= 128 ? v : null;

/**
 * What a frame we send on a relay socket publishes, as a relay's answer would name it: a Nostr
 * `EVENT`'s id, or a tracker announce's info_hash. Null for anything else (subscriptions, closes).
 */
export const publishedId = (raw: unknown): string | null => publication(raw)?.id ?? null;

/**
 * A publication with the topic it went to: a Nostr event's `x` tag (null if it has none), or a
 * tracker announce's info_hash (a tracker has only the room's own topic).
 */
const publication = (raw: unknown): { id: string; topic: string | null } | null => {
  if (typeof raw !== 'string' || !(raw.startsWith('["EVENT"') || raw.includes('"announce"'))) return null;
  const value = parseJson(raw);
  if (Array.isArray(value)) {
    if (value[0] !== 'EVENT') return null;
    const event = asRecord(value[1]);
    const id = shortString(event?.['id']);
    if (id === null) return null;
    const tags = event?.['tags'];
    const x = Array.isArray(tags) ? tags.find((t): t is unknown[] => Array.isArray(t) && t[0] === 'x') : undefined;
    return { id, topic: shortString(x?.[1]) };
  }
  const r = asRecord(value);
  const id = r && r['action'] === 'announce' ? shortString(r['info_hash']) : null;
  return id === null ? null : { id, topic: id };
};

/** The topics a Nostr `REQ` we send asks for (its filters' `#x` values); empty for any other frame. */
const requestedTopics = (raw: unknown): string[] => {
  if (typeof raw !== 'string' || !raw.startsWith('["REQ"')) return [];
  const value = parseJson(raw);
  if (!Array.isArray(value)) return [];
  const topics: string[] = [];
  for (const filter of value.slice(2)) {
    const xs = asRecord(filter)?.['#x'];
    if (Array.isArray(xs)) for (const x of xs) if (shortString(x) !== null) topics.push(x as string);
  }
  return topics;
};

/** A relay's answer about one of its publications: what it names, and whether it refuses us for a full room. */
const relayAnswer = (raw: unknown): { id: string; full: boolean } | null => {
  if (typeof raw !== 'string' || raw.length > 4096) return null;
  if (!(raw.startsWith('["OK"') || raw.includes('"announce"'))) return null;
  const value = parseJson(raw);
  if (Array.isArray(value)) {
    const id = value[0] === 'OK' ? shortString(value[1]) : null;
    return id === null ? null : { id, full: value[2] === false && value[3] === NOSTR_ROOM_FULL };
  }
  const r = asRecord(value);
  const id = r && r['action'] === 'announce' ? shortString(r['info_hash']) : null;
  return id === null || !r ? null : { id, full: r['failure reason'] === ROOM_FULL_REASON };
};

/**
 * Recognises a relay frame (untrusted text) that refuses one of our publications for a full room, in
 * either protocol. Never throws. The same reading the app's verdicts use, without the check of which
 * publication it names (the relay's own tests use it to show the app would hear its refusal).
 */
export const isRoomFullFrame = (raw: unknown): boolean => relayAnswer(raw)?.full === true;

/**
 * Which relays refuse us for a full room, believing each relay only about itself and only in answer
 * to something we published on it (issue 14): a frame naming an id we never sent there is ignored, and
 * one relay's "full" never speaks for another. Pure: the adapter feeds it the frames of each socket.
 *
 * Only a refusal of what we published on the room's own topic counts (issue 16, "three at once"). A
 * Parley relay caps every topic at two keys, and Trystero also publishes on each other peer's own
 * topic (its inbox: offers, answers, the reply to an announce). When three people race, a third
 * whose reply reached a peer's inbox before us holds a seat there, so our offer to that peer is
 * refused "room full" while the room's topic seats us: believing that refusal ended 1 run in ~12
 * with two people told "room full" and the third alone. The inbox seat frees when that third (who
 * is refused on the room's topic) leaves, and Trystero offers again. The room's topic is one we read
 * (our REQ names it); a peer's inbox is one we publish to and never read. A tracker has only the
 * room's topic.
 */
export const createRelayVerdicts = () => {
  const published = new Map<string, Array<{ id: string; topic: string | null }>>();
  /** Per relay, the topics our subscriptions there asked for (the room's, and our own inbox). */
  const reading = new Map<string, string[]>();
  const refusing = new Set<string>();
  const remember = <T>(map: Map<string, T[]>, relay: string, item: T) => {
    const items = map.get(relay) ?? [];
    map.set(relay, items);
    items.push(item);
    if (items.length > MAX_TRACKED_PUBLICATIONS) items.shift();
  };
  return {
    /** A frame we sent on `relay`. */
    sent(relay: string, raw: unknown): void {
      for (const topic of requestedTopics(raw))
        if (!reading.get(relay)?.includes(topic)) remember(reading, relay, topic);
      const p = publication(raw);
      if (p !== null) remember(published, relay, p);
    },
    /** A frame `relay` sent us (untrusted). */
    received(relay: string, raw: unknown): void {
      const answer = relayAnswer(raw);
      if (answer === null) return;
      const ours = published.get(relay)?.find((p) => p.id === answer.id);
      if (!ours) return;
      const onRoomTopic =
        ours.topic !== null && (ours.topic === answer.id || reading.get(relay)?.includes(ours.topic) === true);
      // Refused this time, or carrying us again (a room can empty). A refusal in another peer's inbox
      // says nothing about the room.
      if (answer.full && onRoomTopic) refusing.add(relay);
      else if (!answer.full) refusing.delete(relay);
    },
    /** Whether `relay` refuses us now. */
    refuses: (relay: string): boolean => refusing.has(relay),
    /** True when every relay that carries (or carried) us refuses us: the verdict is theirs, all of them. */
    fullEverywhere(carriers: Iterable<string>): boolean {
      let any = false;
      for (const relay of carriers) {
        if (!refusing.has(relay)) return false;
        any = true;
      }
      return any;
    },
  };
};

export type RelayVerdicts = ReturnType<typeof createRelayVerdicts>;
