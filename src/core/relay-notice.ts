/**
 * What a Parley relay says to the third peer of a room (its two-peer cap). Shared by the relay and
 * the app, so the app can tell the person "room full" even when the relay, not the pair, refused it.
 */
export const ROOM_FULL_REASON = 'room full';
/** The Nostr form: a refused event. Only the `rate-limited:` prefix keeps Trystero from abandoning the relay. */
export const NOSTR_ROOM_FULL = `rate-limited: ${ROOM_FULL_REASON}`;

/** Our own publications remembered per relay, to recognise its answers: the most recent this many. */
export const MAX_TRACKED_PUBLICATIONS = 64;

const parseJson = (raw: unknown): unknown => {
  if (typeof raw !== 'string' || raw.length > 65_536) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
};
const asRecord = (v: unknown): Record<string, unknown> | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const shortString = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= 128 ? v : null);

/**
 * What a frame we send on a relay socket publishes, as a relay's answer would name it: a Nostr
 * `EVENT`'s id, or a tracker announce's info_hash. Null for anything else (subscriptions, closes).
 */
export const publishedId = (raw: unknown): string | null => {
  if (typeof raw !== 'string' || !(raw.startsWith('["EVENT"') || raw.includes('"announce"'))) return null;
  const value = parseJson(raw);
  if (Array.isArray(value)) return value[0] === 'EVENT' ? shortString(asRecord(value[1])?.['id']) : null;
  const r = asRecord(value);
  return r && r['action'] === 'announce' ? shortString(r['info_hash']) : null;
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
 */
export const createRelayVerdicts = () => {
  const published = new Map<string, string[]>();
  const refusing = new Set<string>();
  return {
    /** A frame we sent on `relay`. */
    sent(relay: string, raw: unknown): void {
      const id = publishedId(raw);
      if (id === null) return;
      const ids = published.get(relay) ?? [];
      published.set(relay, ids);
      ids.push(id);
      if (ids.length > MAX_TRACKED_PUBLICATIONS) ids.shift();
    },
    /** A frame `relay` sent us (untrusted). */
    received(relay: string, raw: unknown): void {
      const answer = relayAnswer(raw);
      if (answer === null || !published.get(relay)?.includes(answer.id)) return;
      // Refused this time, or carrying us again (a room can empty).
      if (answer.full) refusing.add(relay);
      else refusing.delete(relay);
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
