// The cryptographic steps of `parley-verify-v1` (docs/verification.md §"Cryptography"), as small pure functions so
// tests can check each one against an independent implementation (node:crypto) with fixed inputs.
import { x25519 } from '@noble/curves/ed25519.js';
import { extract, expand } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { lengthPrefixed } from './length-prefix.js';
import { SAS_BYTES } from './verify-sas.js';

/** Protocol name; every label below starts with it so no value of this protocol can be mistaken for another's. */
export const VERIFY_PROTOCOL = 'parley-verify-v1';
/** Byte lengths fixed by the protocol. */
export const TXID_BYTES = 16;
export const NONCE_BYTES = 16;
export const KEY_BYTES = 32;
export const HASH_BYTES = 32;
export const FINGERPRINT_BYTES = 32;

const COMMIT_LABEL = `${VERIFY_PROTOCOL} commit`;
const TRANSCRIPT_LABEL = `${VERIFY_PROTOCOL} transcript`;
const SAS_INFO = utf8ToBytes(`${VERIFY_PROTOCOL} sas`);
const CONFIRM_I_INFO = utf8ToBytes(`${VERIFY_PROTOCOL} confirm initiator`);
const CONFIRM_R_INFO = utf8ToBytes(`${VERIFY_PROTOCOL} confirm responder`);
const CONFIRM_PREFIX = utf8ToBytes('confirm');
const DONE_PREFIX = utf8ToBytes('done');

const expectBytes = (value: Uint8Array, length: number, what: string): void => {
  if (value.length !== length) throw new Error(`expected ${what} of length ${length}, got length=${value.length}`);
};

/** Compares two byte arrays in time that depends only on their lengths (no early exit on the first difference). */
export const constantTimeEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
};

/** Overwrites secrets in place. JS gives no guarantee copies were not made, but we drop what we hold. */
export const zero = (...arrays: ReadonlyArray<Uint8Array | undefined>): void => {
  for (const a of arrays) a?.fill(0);
};

/** The X25519 base point, u = 9 (RFC 7748 §4.1), as 32 little-endian bytes. */
const BASE_U = Uint8Array.from({ length: KEY_BYTES }, (_, i) => (i === 0 ? 9 : 0));

/**
 * X25519 public key for a 32-byte secret: X25519(sk, 9) (RFC 7748 §6.1; the secret is clamped by
 * X25519 itself). By the Montgomery ladder, not noble's `getPublicKey`: that one first builds
 * base-point tables, ~90 ms of main thread once per page (~170 ms in Chromium here, a long task in
 * the lobby), while one ladder is ~3 ms and a call makes one or two key pairs.
 */
export const publicKeyOf = (secretKey: Uint8Array): Uint8Array => {
  expectBytes(secretKey, KEY_BYTES, 'X25519 secret key');
  return x25519.scalarMult(secretKey, BASE_U);
};

/**
 * X25519(sk, pk) or null when pk is a low-order point (RFC 7748 §6.1: the result would be all zero and so
 * known to an attacker). noble refuses the known low-order u-coordinates before the ladder; we also refuse an
 * all-zero output, as the RFC suggests, in case a future version stops doing so.
 */
export const sharedSecret = (secretKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array | null => {
  expectBytes(secretKey, KEY_BYTES, 'X25519 secret key');
  if (peerPublicKey.length !== KEY_BYTES) return null;
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secretKey, peerPublicKey);
  } catch {
    return null;
  }
  if (shared.every((b) => b === 0)) return null;
  return shared;
};

/**
 * c = SHA-256(lp("parley-verify-v1 commit", txid, pk_I, n_I, ctx)) — step 1. The initiator commits before it
 * sees the responder's key, so an attacker cannot search for keys that make the short codes equal
 * (RFC 6189 §4.4.1.1 "hash commitment"): it gets one blind guess, 2^-42 for the emoji code.
 */
export const commitment = (txid: Uint8Array, pkI: Uint8Array, nI: Uint8Array, ctx: string): Uint8Array => {
  expectBytes(txid, TXID_BYTES, 'txid');
  expectBytes(pkI, KEY_BYTES, 'public key');
  expectBytes(nI, NONCE_BYTES, 'nonce');
  return sha256(lengthPrefixed(COMMIT_LABEL, txid, pkI, nI, ctx));
};

/** Everything both sides must agree on; fingerprints ordered by role (initiator's certificate first). */
export interface Transcript {
  readonly ctx: string;
  readonly txid: Uint8Array;
  readonly commitment: Uint8Array;
  readonly pkI: Uint8Array;
  readonly nI: Uint8Array;
  readonly pkR: Uint8Array;
  readonly nR: Uint8Array;
  readonly fpI: Uint8Array;
  readonly fpR: Uint8Array;
}

/**
 * TH = SHA-256(lp("parley-verify-v1 transcript", ctx, txid, c, pk_I, n_I, pk_R, n_R, fp_I, fp_R)) — step 4.
 * The DTLS fingerprints are mixed in (draft-johnston-rtcweb-zrtp) so a relay that terminates DTLS on both legs
 * but forwards these messages unchanged leaves the two sides with different TH, hence failing MACs.
 */
export const transcriptHash = (t: Transcript): Uint8Array => {
  expectBytes(t.txid, TXID_BYTES, 'txid');
  expectBytes(t.commitment, HASH_BYTES, 'commitment');
  expectBytes(t.pkI, KEY_BYTES, 'public key');
  expectBytes(t.pkR, KEY_BYTES, 'public key');
  expectBytes(t.nI, NONCE_BYTES, 'nonce');
  expectBytes(t.nR, NONCE_BYTES, 'nonce');
  expectBytes(t.fpI, FINGERPRINT_BYTES, 'fingerprint');
  expectBytes(t.fpR, FINGERPRINT_BYTES, 'fingerprint');
  return sha256(lengthPrefixed(TRANSCRIPT_LABEL, t.ctx, t.txid, t.commitment, t.pkI, t.nI, t.pkR, t.nR, t.fpI, t.fpR));
};

/** Output of the key schedule: SAS material and one confirmation key per role. */
export interface VerifyKeys {
  readonly sas: Uint8Array;
  readonly kI: Uint8Array;
  readonly kR: Uint8Array;
}

/**
 * PRK = HKDF-Extract(SHA-256, salt=TH, ikm=Z) (RFC 5869 §2.2); sas, k_I, k_R = HKDF-Expand(PRK, label, L)
 * (§2.3) with distinct `info` labels so the three outputs are independent. Zeroes PRK before returning.
 */
export const deriveKeys = (shared: Uint8Array, th: Uint8Array): VerifyKeys => {
  expectBytes(shared, KEY_BYTES, 'shared secret');
  expectBytes(th, HASH_BYTES, 'transcript hash');
  const prk = extract(sha256, shared, th);
  try {
    return {
      sas: expand(sha256, prk, SAS_INFO, SAS_BYTES),
      kI: expand(sha256, prk, CONFIRM_I_INFO, 32),
      kR: expand(sha256, prk, CONFIRM_R_INFO, 32),
    };
  } finally {
    zero(prk);
  }
};

/** HMAC-SHA-256(key, prefix ‖ TH): every MAC of the protocol (confirm, done, v2's continuity). */
export const transcriptMac = (key: Uint8Array, prefix: Uint8Array, th: Uint8Array): Uint8Array => {
  expectBytes(key, 32, 'confirmation key');
  expectBytes(th, HASH_BYTES, 'transcript hash');
  const message = new Uint8Array(prefix.length + th.length);
  message.set(prefix);
  message.set(th, prefix.length);
  return hmac(sha256, key, message);
};

/** HMAC-SHA-256(k, "confirm" || TH) — step 5: proves the sender derived the same keys from the same transcript. */
export const confirmMac = (key: Uint8Array, th: Uint8Array): Uint8Array => transcriptMac(key, CONFIRM_PREFIX, th);

/** HMAC-SHA-256(k, "done" || TH) — step 6: the sender's person said the codes match. */
export const doneMac = (key: Uint8Array, th: Uint8Array): Uint8Array => transcriptMac(key, DONE_PREFIX, th);
