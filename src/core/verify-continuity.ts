// Key continuity for `parley-verify-v2` (docs/verification.md §"parley-verify-v2"): unlinkable hints of the
// retained secrets each side holds, matching them, the v2 transcript and key schedule with the matched secret
// mixed into the continuity MACs, the ratchet, and the "Call again" room derivation. Pure (@noble/hashes).
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { lengthPrefixed } from './length-prefix.js';
import {
  HASH_BYTES,
  KEY_BYTES,
  TXID_BYTES,
  transcriptHash,
  transcriptMac,
  zero,
  type Transcript,
} from './verify-crypto.js';
import { SAS_BYTES } from './verify-sas.js';

export const VERIFY_V2 = 'parley-verify-v2';
/** Hints per message: fixed, so the count tells nothing about how many contacts the sender has. */
export const HINT_SLOTS = 32;
/** Two secrets (current and previous) per contact must fit in the hint slots. */
export const MAX_CONTACTS = HINT_SLOTS / 2;
export const SALT_BYTES = 16;
export const SECRET_BYTES = 32;

export type Role = 'initiator' | 'responder';

/** One retained secret this device holds, and whose it is. */
export interface RetainedSecret {
  readonly contactId: string;
  readonly slot: 'current' | 'previous';
  readonly secret: Uint8Array;
}

/** A side's hints for one run: what goes on the wire in `verify.hints`. */
export interface Hints {
  readonly salt: Uint8Array;
  readonly hints: readonly Uint8Array[];
}

const expectBytes = (value: Uint8Array, length: number, what: string): void => {
  if (value.length !== length) throw new Error(`expected ${what} of length ${length}, got length=${value.length}`);
};

/** hint(s, role, txid, salt) = HMAC-SHA-256(s, lp("parley-verify-v2 hint", role, txid, salt)); role = the sender's. */
export const hintOf = (secret: Uint8Array, role: Role, txid: Uint8Array, salt: Uint8Array): Uint8Array => {
  expectBytes(secret, SECRET_BYTES, 'retained secret');
  expectBytes(txid, TXID_BYTES, 'txid');
  expectBytes(salt, SALT_BYTES, 'salt');
  return hmac(sha256, secret, lengthPrefixed(`${VERIFY_V2} hint`, role, txid, salt));
};

/** Our hints for a run: one per secret we hold, the rest random (indistinguishable from HMAC outputs). */
export const makeHints = (
  secrets: readonly RetainedSecret[],
  role: Role,
  txid: Uint8Array,
  randomBytes: (n: number) => Uint8Array,
): Hints => {
  if (secrets.length > HINT_SLOTS) throw new Error(`at most ${HINT_SLOTS} retained secrets, got ${secrets.length}`);
  const salt = randomBytes(SALT_BYTES);
  const hints = secrets.map((s) => hintOf(s.secret, role, txid, salt));
  while (hints.length < HINT_SLOTS) hints.push(randomBytes(HASH_BYTES));
  return { salt, hints };
};

/** Our secrets the peer also holds: those whose hint, computed with the peer's role and salt, is in its list. */
export const matchHints = (
  secrets: readonly RetainedSecret[],
  peerRole: Role,
  txid: Uint8Array,
  peer: Hints,
): RetainedSecret[] => {
  // A set lookup per secret: a hostile list costs us at most one HMAC per secret we hold, whatever it contains.
  const theirs = new Set(peer.hints.map(bytesToHex));
  return secrets.filter((s) => theirs.has(bytesToHex(hintOf(s.secret, peerRole, txid, peer.salt))));
};

/** H = SHA-256(lp("parley-verify-v2 hints", salt, hint_1, …, hint_32)), bound into the v2 transcript. */
export const hintsDigest = (h: Hints): Uint8Array => sha256(lengthPrefixed(`${VERIFY_V2} hints`, h.salt, ...h.hints));

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return a.length - b.length;
};

/** s: 32 zero bytes when nothing matched, else SHA-256(lp("parley-verify-v2 matched", sorted secrets…)). */
export const mixedSecret = (matched: readonly RetainedSecret[]): Uint8Array => {
  if (matched.length === 0) return new Uint8Array(SECRET_BYTES);
  const unique = new Map(matched.map((m) => [bytesToHex(m.secret), m.secret]));
  const sorted = [...unique.values()].sort(compareBytes);
  return sha256(lengthPrefixed(`${VERIFY_V2} matched`, ...sorted));
};

/** v1's transcript inputs plus the digests of both sides' hints. */
export interface TranscriptV2 extends Transcript {
  readonly hI: Uint8Array;
  readonly hR: Uint8Array;
}

/** TH = SHA-256(lp("parley-verify-v2 transcript", ctx, txid, c, pk_I, n_I, pk_R, n_R, fp_I, fp_R, H_I, H_R)). */
export const transcriptHashV2 = (t: TranscriptV2): Uint8Array => {
  // v1's own checks on every shared input (its hash is discarded), then the two digests.
  transcriptHash(t);
  for (const h of [t.hI, t.hR]) expectBytes(h, HASH_BYTES, 'hints digest');
  return sha256(
    lengthPrefixed(
      `${VERIFY_V2} transcript`,
      t.ctx,
      t.txid,
      t.commitment,
      t.pkI,
      t.nI,
      t.pkR,
      t.nR,
      t.fpI,
      t.fpR,
      t.hI,
      t.hR,
    ),
  );
};

/** The v2 key schedule: v1's outputs under v2 labels, plus the continuity keys and the next retained secret. */
export interface KeysV2 {
  readonly sas: Uint8Array;
  readonly kI: Uint8Array;
  readonly kR: Uint8Array;
  readonly cI: Uint8Array;
  readonly cR: Uint8Array;
  readonly next: Uint8Array;
}

const info = (s: string) => utf8ToBytes(`${VERIFY_V2} ${s}`);

/** PRK = Extract(TH, Z); PRK_c = Extract(s, PRK): the matched secret keys the continuity MACs and the next secret. */
export const deriveKeysV2 = (shared: Uint8Array, th: Uint8Array, s: Uint8Array): KeysV2 => {
  expectBytes(shared, KEY_BYTES, 'shared secret');
  expectBytes(th, HASH_BYTES, 'transcript hash');
  expectBytes(s, SECRET_BYTES, 'mixed secret');
  const prk = extract(sha256, shared, th);
  const prkC = extract(sha256, prk, s);
  try {
    return {
      sas: expand(sha256, prk, info('sas'), SAS_BYTES),
      kI: expand(sha256, prk, info('confirm initiator'), 32),
      kR: expand(sha256, prk, info('confirm responder'), 32),
      cI: expand(sha256, prkC, info('continuity initiator'), 32),
      cR: expand(sha256, prkC, info('continuity responder'), 32),
      next: expand(sha256, prkC, info('retained secret'), SECRET_BYTES),
    };
  } finally {
    zero(prk, prkC);
  }
};

const CONTINUITY_PREFIX = utf8ToBytes('continuity');

/** HMAC-SHA-256(c_own, "continuity" ‖ TH): proves the sender holds the matched secret and saw the same transcript. */
export const continuityMac = (key: Uint8Array, th: Uint8Array): Uint8Array => transcriptMac(key, CONTINUITY_PREFIX, th);

/** The contact whose secrets matched, and its newest matched secret (what becomes `previous` in the ratchet). */
export const matchedContact = (
  matched: readonly RetainedSecret[],
): { readonly contactId: string; readonly used: Uint8Array } | null => {
  const first = matched.find((m) => m.slot === 'current') ?? matched[0];
  if (!first) return null;
  const own = matched.filter((m) => m.contactId === first.contactId);
  const used = own.find((m) => m.slot === 'current') ?? own[0] ?? first;
  return { contactId: first.contactId, used: used.secret };
};

/** A contact's secrets after a verified run: previous ← the newest matched one, current ← next. */
export interface ContactSecrets {
  readonly current: Uint8Array;
  readonly previous: Uint8Array | null;
}
export const ratchet = (used: Uint8Array | null, next: Uint8Array): ContactSecrets => {
  expectBytes(next, SECRET_BYTES, 'next secret');
  return { current: Uint8Array.from(next), previous: used ? Uint8Array.from(used) : null };
};

/** The retained secrets this device sends hints for: current and previous of every contact. */
export const secretsOf = (
  contacts: readonly { readonly id: string; readonly current: Uint8Array; readonly previous: Uint8Array | null }[],
): RetainedSecret[] =>
  contacts
    .slice(0, MAX_CONTACTS)
    .flatMap((c) => [
      { contactId: c.id, slot: 'current' as const, secret: c.current },
      ...(c.previous ? [{ contactId: c.id, slot: 'previous' as const, secret: c.previous }] : []),
    ]);

/** "Call again" windows: both people must press within one; a room lives to the end of the next. */
export const CALL_AGAIN_WINDOW_MS = 10 * 60_000;

/** The room secret of window w: HKDF-Expand(Extract("parley-verify-v2 call again", current), label ‖ uint64 w, 16). */
export const callAgainSecret = (current: Uint8Array, window: number): Uint8Array => {
  expectBytes(current, SECRET_BYTES, 'retained secret');
  if (!Number.isSafeInteger(window) || window < 0) throw new Error(`expected a window number, got ${window}`);
  const prk = extract(sha256, current, utf8ToBytes(`${VERIFY_V2} call again`));
  const label = utf8ToBytes(`${VERIFY_V2} call again room `);
  const infoBytes = new Uint8Array(label.length + 8);
  infoBytes.set(label);
  new DataView(infoBytes.buffer).setBigUint64(label.length, BigInt(window));
  try {
    return expand(sha256, prk, infoBytes, 16);
  } finally {
    zero(prk);
  }
};

/** The call-again room for `now`: its secret and expiry (the end of the next window). */
export const callAgainRoom = (
  current: Uint8Array,
  now: number,
): { readonly secret: Uint8Array; readonly window: number; readonly expiresAt: number } => {
  const window = Math.floor(now / CALL_AGAIN_WINDOW_MS);
  return { secret: callAgainSecret(current, window), window, expiresAt: (window + 2) * CALL_AGAIN_WINDOW_MS };
};
