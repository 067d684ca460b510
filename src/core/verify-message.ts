// Wire format of `parley-verify-v1` messages (docs/verification.md §"Messages"). They share the data channel with
// core/protocol's messages, so they carry the same `v` and a `verify.`-prefixed `type`. Bytes travel as
// lower-case hex of an exact length (one canonical encoding per value; no padding or case variants).
//
//   {"v":1,"type":"verify.commit", "txid":<32 hex>,"commitment":<64 hex>}
//   {"v":1,"type":"verify.key",    "txid":<32 hex>,"publicKey":<64 hex>,"nonce":<32 hex>}
//   {"v":1,"type":"verify.reveal", "txid":<32 hex>,"publicKey":<64 hex>,"nonce":<32 hex>}
//   {"v":1,"type":"verify.confirm","txid":<32 hex>,"mac":<64 hex>}
//   {"v":1,"type":"verify.done",   "txid":<32 hex>,"mac":<64 hex>}
//   {"v":1,"type":"verify.cancel", "txid":<32 hex>,"reason":<CancelReason>}
//   {"v":1,"type":"verify.again",  "txid":<32 hex>}      (a new run follows with this txid; core/verify-session)
// parley-verify-v2 adds (docs/verification.md §"parley-verify-v2"; a v1 parser returns null for both):
//   {"v":1,"type":"verify.hints",  "txid":<32 hex>,"salt":<32 hex>,"hints":[<64 hex> × 32]}
//   {"v":1,"type":"verify.confirm","txid":<32 hex>,"mac":<64 hex>,"continuity":<64 hex>}
//
// Any other key, a missing key, another type or length makes the whole message invalid (null).
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { HINT_SLOTS, SALT_BYTES } from './verify-continuity.js';
import { HASH_BYTES, KEY_BYTES, NONCE_BYTES, TXID_BYTES } from './verify-crypto.js';

/**
 * Why a run ended without verification (docs/verification.md §"Cancel reasons"). `invalid_key` is a low-order
 * X25519 key (RFC 7748 §6.1); `certificate_changed` means the sender re-read the connection's DTLS
 * certificates and found others than the run was bound to.
 */
export const CANCEL_REASONS = [
  'mismatched_commitment',
  'key_mismatch',
  'mismatched_sas',
  'unexpected_message',
  'timeout',
  'invalid_key',
  'certificate_changed',
] as const;
/** One of CANCEL_REASONS. */
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** A parsed verification message; byte fields have exactly the lengths the protocol fixes. */
export type VerifyMessage =
  | { readonly type: 'commit'; readonly txid: Uint8Array; readonly commitment: Uint8Array }
  | { readonly type: 'key'; readonly txid: Uint8Array; readonly publicKey: Uint8Array; readonly nonce: Uint8Array }
  | { readonly type: 'reveal'; readonly txid: Uint8Array; readonly publicKey: Uint8Array; readonly nonce: Uint8Array }
  /** `continuity` only between two v2 sides: HMAC(c_own, "continuity" ‖ TH). */
  | { readonly type: 'confirm'; readonly txid: Uint8Array; readonly mac: Uint8Array; readonly continuity?: Uint8Array }
  /** v2: the sender's hints for this run (HINT_SLOTS of them). */
  | {
      readonly type: 'hints';
      readonly txid: Uint8Array;
      readonly salt: Uint8Array;
      readonly hints: readonly Uint8Array[];
    }
  | { readonly type: 'done'; readonly txid: Uint8Array; readonly mac: Uint8Array }
  | { readonly type: 'cancel'; readonly txid: Uint8Array; readonly reason: CancelReason }
  /** "My person asked to verify again": the sender abandoned its earlier runs; its new run's commit (same txid) follows. */
  | { readonly type: 'again'; readonly txid: Uint8Array };

/** Longest serialised verification message we parse (the longest valid one, v2's hints, is ~2,250 characters). */
export const MAX_VERIFY_MESSAGE_CHARS = 2_400;

const HEX = /^[0-9a-f]*$/;

const hexField = (record: Record<string, unknown>, key: string, bytes: number): Uint8Array | null => {
  const value = record[key];
  if (typeof value !== 'string' || value.length !== bytes * 2 || !HEX.test(value)) return null;
  return hexToBytes(value);
};

const hasExactKeys = (record: Record<string, unknown>, keys: readonly string[]): boolean => {
  const own = Object.keys(record);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(record, k));
};

const isCancelReason = (value: unknown): value is CancelReason =>
  typeof value === 'string' && (CANCEL_REASONS as readonly string[]).includes(value);

const parseRecord = (record: Record<string, unknown>): VerifyMessage | null => {
  if (record['v'] !== 1) return null;
  const type = record['type'];
  switch (type) {
    case 'verify.commit': {
      if (!hasExactKeys(record, ['v', 'type', 'txid', 'commitment'])) return null;
      const txid = hexField(record, 'txid', TXID_BYTES);
      const commitment = hexField(record, 'commitment', HASH_BYTES);
      return txid && commitment ? { type: 'commit', txid, commitment } : null;
    }
    case 'verify.key':
    case 'verify.reveal': {
      if (!hasExactKeys(record, ['v', 'type', 'txid', 'publicKey', 'nonce'])) return null;
      const txid = hexField(record, 'txid', TXID_BYTES);
      const publicKey = hexField(record, 'publicKey', KEY_BYTES);
      const nonce = hexField(record, 'nonce', NONCE_BYTES);
      if (!txid || !publicKey || !nonce) return null;
      return type === 'verify.key'
        ? { type: 'key', txid, publicKey, nonce }
        : { type: 'reveal', txid, publicKey, nonce };
    }
    case 'verify.confirm':
    case 'verify.done': {
      if (type === 'verify.confirm' && hasExactKeys(record, ['v', 'type', 'txid', 'mac', 'continuity'])) {
        const txid = hexField(record, 'txid', TXID_BYTES);
        const mac = hexField(record, 'mac', HASH_BYTES);
        const continuity = hexField(record, 'continuity', HASH_BYTES);
        return txid && mac && continuity ? { type: 'confirm', txid, mac, continuity } : null;
      }
      if (!hasExactKeys(record, ['v', 'type', 'txid', 'mac'])) return null;
      const txid = hexField(record, 'txid', TXID_BYTES);
      const mac = hexField(record, 'mac', HASH_BYTES);
      if (!txid || !mac) return null;
      return type === 'verify.confirm' ? { type: 'confirm', txid, mac } : { type: 'done', txid, mac };
    }
    case 'verify.hints': {
      if (!hasExactKeys(record, ['v', 'type', 'txid', 'salt', 'hints'])) return null;
      const txid = hexField(record, 'txid', TXID_BYTES);
      const salt = hexField(record, 'salt', SALT_BYTES);
      const list = record['hints'];
      if (!txid || !salt || !Array.isArray(list) || list.length !== HINT_SLOTS) return null;
      const hints: Uint8Array[] = [];
      for (const [i] of list.entries()) {
        const h = hexField(list as unknown as Record<string, unknown>, String(i), HASH_BYTES);
        if (!h) return null;
        hints.push(h);
      }
      return { type: 'hints', txid, salt, hints };
    }
    case 'verify.cancel': {
      if (!hasExactKeys(record, ['v', 'type', 'txid', 'reason'])) return null;
      const txid = hexField(record, 'txid', TXID_BYTES);
      const reason = record['reason'];
      return txid && isCancelReason(reason) ? { type: 'cancel', txid, reason } : null;
    }
    case 'verify.again': {
      if (!hasExactKeys(record, ['v', 'type', 'txid'])) return null;
      const txid = hexField(record, 'txid', TXID_BYTES);
      return txid ? { type: 'again', txid } : null;
    }
    default:
      return null;
  }
};

/**
 * Parses an untrusted data-channel payload (a JSON string, or an already-decoded object) into a
 * VerifyMessage; anything malformed, oversized or of another type is null, never an exception.
 */
export const parseVerifyMessage = (raw: unknown): VerifyMessage | null => {
  try {
    let value: unknown = raw;
    if (typeof raw === 'string') {
      if (raw.length > MAX_VERIFY_MESSAGE_CHARS) return null;
      value = JSON.parse(raw);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    return parseRecord(value as Record<string, unknown>);
  } catch {
    // JSON syntax errors, and hostile objects (throwing getters, proxies) handed in directly.
    return null;
  }
};

/** Serialises a message for the data channel (the format in this file's header). */
export const encodeVerifyMessage = (message: VerifyMessage): string => {
  const base = { v: 1, type: `verify.${message.type}`, txid: bytesToHex(message.txid) };
  switch (message.type) {
    case 'commit':
      return JSON.stringify({ ...base, commitment: bytesToHex(message.commitment) });
    case 'key':
    case 'reveal':
      return JSON.stringify({ ...base, publicKey: bytesToHex(message.publicKey), nonce: bytesToHex(message.nonce) });
    case 'confirm':
      return JSON.stringify(
        message.continuity
          ? { ...base, mac: bytesToHex(message.mac), continuity: bytesToHex(message.continuity) }
          : { ...base, mac: bytesToHex(message.mac) },
      );
    case 'done':
      return JSON.stringify({ ...base, mac: bytesToHex(message.mac) });
    case 'hints':
      return JSON.stringify({ ...base, salt: bytesToHex(message.salt), hints: message.hints.map(bytesToHex) });
    case 'cancel':
      return JSON.stringify({ ...base, reason: message.reason });
    case 'again':
      return JSON.stringify(base);
  }
};
