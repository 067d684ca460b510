// The file-transfer wire protocol: what crosses the file data channel, parsed at the edge into typed
// values. Control frames are short JSON strings; file bytes travel in binary chunk frames with a
// 13-byte header. Everything from the peer is untrusted: anything malformed is null, never a throw.
import { parseJsonObject } from './bounded-json.js';

/** Bytes of file data in one chunk frame (the header adds CHUNK_HEADER_BYTES). Below Chromium's 256 KiB message cap. */
export const CHUNK_BYTES = 64 * 1024;
/** kind (1) + transfer id (8) + sequence number (4, big-endian). */
export const CHUNK_HEADER_BYTES = 13;
/** First byte of a chunk frame: the frame kind and protocol version in one. */
const CHUNK_KIND = 0x01;
/** Largest control frame we parse; a longer string is dropped unread. */
export const MAX_CONTROL_CHARS = 2048;
/** Longest file name an offer may carry (UTF-16 units), before sanitising for display and saving. */
export const MAX_OFFER_NAME = 1024;
/** Longest MIME type an offer may carry. */
const MAX_TYPE = 127;

/** A transfer id: 8 random bytes as 16 lower-case hex digits (chosen by the sender). */
export type TransferId = string;

/** Why a receiver declines an offer. */
export type RejectReason = 'declined' | 'too-large' | 'busy';
/** Why a transfer was stopped part-way (by either side). */
export type CancelReason = 'cancelled' | 'protocol' | 'hash-mismatch' | 'write-failed';

export type FileControl =
  /** The sender proposes a file; nothing flows until the receiver accepts. */
  | { t: 'offer'; id: TransferId; name: string; size: number; type: string }
  | { t: 'accept'; id: TransferId }
  | { t: 'reject'; id: TransferId; reason: RejectReason }
  /** The receiver has stored `bytes` bytes: the sender's window and its progress bar move on. */
  | { t: 'ack'; id: TransferId; bytes: number }
  /** The sender has sent everything; `sha256` (hex) is the file's digest: SHA-256 over each chunk's SHA-256 (core/file-digest). */
  | { t: 'done'; id: TransferId; sha256: string }
  /** The receiver's hash matched: the file is whole. */
  | { t: 'verified'; id: TransferId }
  | { t: 'cancel'; id: TransferId; reason: CancelReason };

/** One chunk of file data, `bytes` a view into the frame (no copy). */
export interface FileChunk {
  id: TransferId;
  seq: number;
  bytes: Uint8Array;
}

const REJECT_REASONS: readonly RejectReason[] = ['declined', 'too-large', 'busy'];
const CANCEL_REASONS: readonly CancelReason[] = ['cancelled', 'protocol', 'hash-mismatch', 'write-failed'];
/** Largest size any offer may announce (whatever the receiver's own limit): 2^53 - 1 would overflow arithmetic on counts. */
export const MAX_ANNOUNCED_BYTES = 2 ** 50;

const isId = (v: unknown): v is TransferId => typeof v === 'string' && /^[0-9a-f]{16}$/.test(v);
const isCount = (v: unknown, max: number): v is number =>
  // -0 passes every other check (JSON.parse('-0') is -0): refused, so a count is one exact value.
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max && !Object.is(v, -0);
const isMime = (v: unknown): v is string =>
  typeof v === 'string' && v.length <= MAX_TYPE && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i.test(v);

/** Parses an untrusted control frame; null for anything unknown, malformed or oversized. */
export const parseFileControl = (raw: unknown): FileControl | null => {
  const r = parseJsonObject(raw, MAX_CONTROL_CHARS);
  if (r === null) return null;
  const id = r['id'];
  if (r['v'] !== 1 || !isId(id)) return null;
  switch (r['t']) {
    case 'offer': {
      const { name, size, type } = r;
      if (typeof name !== 'string' || name.length === 0 || name.length > MAX_OFFER_NAME) return null;
      if (!isCount(size, MAX_ANNOUNCED_BYTES)) return null;
      // An unknown or odd type is shown as "unknown type", not a reason to refuse the file.
      return { t: 'offer', id, name, size, type: isMime(type) ? type.toLowerCase() : '' };
    }
    case 'accept':
    case 'verified':
      return { t: r['t'], id };
    case 'reject':
      return REJECT_REASONS.includes(r['reason'] as RejectReason)
        ? { t: 'reject', id, reason: r['reason'] as RejectReason }
        : null;
    case 'cancel':
      return CANCEL_REASONS.includes(r['reason'] as CancelReason)
        ? { t: 'cancel', id, reason: r['reason'] as CancelReason }
        : null;
    case 'ack':
      return isCount(r['bytes'], MAX_ANNOUNCED_BYTES) ? { t: 'ack', id, bytes: r['bytes'] } : null;
    case 'done':
      return typeof r['sha256'] === 'string' && /^[0-9a-f]{64}$/.test(r['sha256'])
        ? { t: 'done', id, sha256: r['sha256'] }
        : null;
    default:
      return null;
  }
};

export const encodeFileControl = (frame: FileControl): string => JSON.stringify({ v: 1, ...frame });

const HEX = '0123456789abcdef';
const idToBytes = (id: TransferId, into: Uint8Array, at: number) => {
  for (let i = 0; i < 8; i++) into[at + i] = Number.parseInt(id.slice(2 * i, 2 * i + 2), 16);
};
const bytesToId = (bytes: Uint8Array, at: number): TransferId => {
  let s = '';
  for (let i = 0; i < 8; i++) {
    const b = bytes[at + i] ?? 0;
    s += (HEX[b >> 4] ?? '0') + (HEX[b & 15] ?? '0');
  }
  return s;
};

/** A new transfer id from 8 random bytes (the caller's CSPRNG). */
export const transferIdFrom = (random8: Uint8Array): TransferId => bytesToId(random8, 0);

/** Builds a chunk frame: header, then `data` (1..CHUNK_BYTES bytes). */
export const encodeChunk = (id: TransferId, seq: number, data: Uint8Array): Uint8Array => {
  const frame = new Uint8Array(CHUNK_HEADER_BYTES + data.byteLength);
  frame[0] = CHUNK_KIND;
  idToBytes(id, frame, 1);
  new DataView(frame.buffer).setUint32(9, seq);
  frame.set(data, CHUNK_HEADER_BYTES);
  return frame;
};

/** Parses an untrusted binary frame; null unless it is a chunk frame carrying 1..CHUNK_BYTES bytes. */
export const parseChunk = (raw: unknown): FileChunk | null => {
  if (!(raw instanceof ArrayBuffer)) return null;
  const length = raw.byteLength - CHUNK_HEADER_BYTES;
  if (length < 1 || length > CHUNK_BYTES) return null;
  const frame = new Uint8Array(raw);
  if (frame[0] !== CHUNK_KIND) return null;
  return {
    id: bytesToId(frame, 1),
    seq: new DataView(raw).getUint32(9),
    bytes: frame.subarray(CHUNK_HEADER_BYTES),
  };
};

/** Chunks a file of `size` bytes is sent in. */
export const chunkCount = (size: number): number => Math.ceil(size / CHUNK_BYTES);
