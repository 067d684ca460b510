/** Version of the data-channel protocol; a message of another version is dropped. */
export const PROTOCOL_VERSION = 1;
/** Largest serialised message we accept; bigger ones are dropped before parsing. */
export const MAX_MESSAGE_BYTES = 4096;

/** Messages peers exchange over the data channel. */
export type Message =
  /** "I am hanging up": lets the other side say "call ended" at once instead of "connection lost". */
  | { v: 1; type: 'bye' }
  /** "I am still here", sent every second: a peer silent for a few seconds has vanished. */
  | { v: 1; type: 'ping' };

/** Parses an untrusted data-channel payload; anything unknown, malformed or oversized is null, never an exception. */
export const parseMessage = (raw: unknown): Message | null => {
  if (typeof raw !== 'string' || raw.length > MAX_MESSAGE_BYTES) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  if (record['v'] !== PROTOCOL_VERSION) return null;
  switch (record['type']) {
    case 'bye':
      return { v: 1, type: 'bye' };
    case 'ping':
      return { v: 1, type: 'ping' };
    default:
      return null;
  }
};

/** Serialises a message for the data channel. */
export const encodeMessage = (message: Message): string => JSON.stringify(message);
