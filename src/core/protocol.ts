import { parseChatFrame } from './chat.js';
import { parseJsonObject } from './bounded-json.js';

/** Version of the data-channel protocol; a message of another version is dropped. */
export const PROTOCOL_VERSION = 1;
/** Largest serialised message we accept; bigger ones are dropped before parsing. */
export const MAX_MESSAGE_BYTES = 4096;
/** Peer ids are Trystero's 20-symbol ids; anything much longer is not one. */
const MAX_PEER_ID = 64;

/** Admission: who is paired with whom, so a room holds exactly one pair. */
export type AdmissionMessage =
  /**
   * My standing: the pair I am in (sorted ids) and since when (the acceptor's clock), or none.
   * Sent twice a second to every connected peer, it is also the heartbeat.
   */
  | { v: 1; type: 'state'; pair: [string, string] | null; at: number }
  /** "Be my partner" (sent only to a lower peer id, so waits can never form a cycle). */
  | { v: 1; type: 'offer' }
  /** "Yes": we are a pair from `at`. */
  | { v: 1; type: 'accept'; at: number }
  /** "No, the room is full". */
  | { v: 1; type: 'reject' }
  /** "Our just-formed pair lost a simultaneous race to an older one": unpair. */
  | { v: 1; type: 'release' };

/** Messages peers exchange over the data channel. */
export type Message =
  | AdmissionMessage
  /** "I am hanging up": lets the other side say "they hung up" at once instead of "connection lost". */
  | { v: 1; type: 'bye' }
  /** A chat message: plain text, cleaned and capped, numbered by its sender (core/chat). */
  | { v: 1; type: 'chat'; id: number; text: string }
  /** "Your chat message `id` arrived" (it need not be sent again after a re-dial). */
  | { v: 1; type: 'chat-ack'; id: number }
  /**
   * "You are not the person my seat is kept for: wait" (sent, as a heartbeat, to someone who arrived
   * while our partner's connection was being recovered). If the seat is later given to them, both
   * screens know they are someone new to this call.
   */
  | { v: 1; type: 'hold' };

const ADMISSION_TYPES = new Set(['state', 'offer', 'accept', 'reject', 'release']);
export const isAdmissionMessage = (m: Message): m is AdmissionMessage => ADMISSION_TYPES.has(m.type);

const isPeerId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_PEER_ID;
// -0 passes `>= 0` but is not what any encoder writes (JSON.stringify(-0) is "0"): refused, so that
// whatever parses re-encodes to itself.
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && !Object.is(v, -0);

/** Parses an untrusted data-channel payload; anything unknown, malformed or oversized is null, never an exception. */
export const parseMessage = (raw: unknown): Message | null => {
  const r = parseJsonObject(raw, MAX_MESSAGE_BYTES);
  if (r === null) return null;
  if (r['v'] !== PROTOCOL_VERSION) return null;
  switch (r['type']) {
    case 'bye':
    case 'hold':
    case 'offer':
    case 'reject':
    case 'release':
      return { v: 1, type: r['type'] };
    case 'chat':
    case 'chat-ack': {
      const frame = parseChatFrame(r['type'], r);
      return frame && { v: 1, ...frame };
    }
    case 'accept':
      return isTime(r['at']) ? { v: 1, type: 'accept', at: r['at'] } : null;
    case 'state': {
      if (!isTime(r['at'])) return null;
      const pair = r['pair'];
      if (pair === null) return { v: 1, type: 'state', pair: null, at: r['at'] };
      if (!Array.isArray(pair) || pair.length !== 2 || !isPeerId(pair[0]) || !isPeerId(pair[1]) || pair[0] >= pair[1])
        return null;
      return { v: 1, type: 'state', pair: [pair[0], pair[1]], at: r['at'] };
    }
    default:
      return null;
  }
};

/** Serialises a message for the data channel. */
export const encodeMessage = (message: Message): string => JSON.stringify(message);
