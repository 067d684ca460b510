/**
 * What a Parley relay says to the third peer of a room (its two-peer cap). Shared by the relay and
 * the app, so the app can tell the person "room full" even when the relay, not the pair, refused it.
 */
export const ROOM_FULL_REASON = 'room full';
/** The Nostr form: a refused event. Only the `rate-limited:` prefix keeps Trystero from abandoning the relay. */
export const NOSTR_ROOM_FULL = `rate-limited: ${ROOM_FULL_REASON}`;

/** Recognises a relay frame (untrusted text) that refuses us for a full room, in either protocol. Never throws. */
export const isRoomFullFrame = (raw: unknown): boolean => {
  if (typeof raw !== 'string' || raw.length > 4096 || !raw.includes(ROOM_FULL_REASON)) return false;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return false;
  }
  if (Array.isArray(value)) return value[0] === 'OK' && value[2] === false && value[3] === NOSTR_ROOM_FULL;
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)['failure reason'] === ROOM_FULL_REASON;
};
