import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { RoomCode } from './room-code.js';

/** What a room's code (and password, if any) turns into. The code itself never leaves the page. */
export interface RoomKeys {
  /** Public rendezvous id (Trystero's roomId, of which relays see a hash). */
  readonly topic: string;
  /** High-entropy signaling password: Trystero encrypts SDP with a hash of it. */
  readonly signalingPassword: string;
  /** Binds call verification to this room (32 bytes). */
  readonly verifyContext: Uint8Array;
}

// (Kept beside the worker's protocol, which Home's code loads: this module's hashes load with a room.)
export { PASSWORD_KDF } from './kdf-protocol.js';

// RFC 5869: one Extract over everything the code carries, then Expand with a distinct `info` label per
// output (§3.2), so the public topic tells nothing about the signaling key. A fixed salt is fine for
// high-entropy input keying material (§3.1).
const SALT = utf8ToBytes('parley-room-v1');
const label = (s: string) => utf8ToBytes(`parley-v1 ${s}`);

/** The input keying material: secret, expiry and header, so an edited expiry or flag lands in another room. */
export const roomMaterial = (code: RoomCode): Uint8Array => {
  const minutes = Math.round(code.expiresAt / 60_000);
  const out = new Uint8Array(16 + 4 + 1);
  out.set(code.secret, 0);
  new DataView(out.buffer).setUint32(16, minutes);
  out[20] = (code.version << 1) | (code.hasPassword ? 1 : 0);
  return out;
};

const codePrk = (code: RoomCode): Uint8Array => {
  if (code.secret.length !== 16) throw new Error(`expected a 16-byte room secret, got length=${code.secret.length}`);
  const material = roomMaterial(code);
  const prk = extract(sha256, material, SALT);
  material.fill(0);
  return prk;
};

/** The per-room scrypt salt for the room password (derived, so nobody has to transmit it). */
export const passwordSalt = (code: RoomCode): Uint8Array => {
  const prk = codePrk(code);
  const salt = expand(sha256, prk, label('password salt'), 16);
  prk.fill(0);
  return salt;
};

/**
 * Derives the room's keys from its code and, for a password room, the scrypt output of the password
 * (mixed in as a second Extract keyed by the code's PRK). The topic depends on the password too, so
 * a wrong password lands in an empty room instead of failing against the other person.
 */
export const deriveRoomKeys = (code: RoomCode, passwordKey: Uint8Array | null): RoomKeys => {
  if (code.hasPassword !== (passwordKey !== null)) {
    throw new Error(code.hasPassword ? 'this room needs its password' : 'this room has no password');
  }
  const base = codePrk(code);
  const prk = passwordKey ? extract(sha256, passwordKey, base) : base;
  const keys = {
    topic: bytesToHex(expand(sha256, prk, label('rendezvous topic'), 16)),
    signalingPassword: bytesToHex(expand(sha256, prk, label('signaling key'), 32)),
    verifyContext: expand(sha256, prk, label('verify context'), 32),
  };
  base.fill(0);
  prk.fill(0);
  return keys;
};

/** Unicode-normalises a typed password (NFKC, so the same characters typed on another keyboard match) into bytes. */
export const passwordBytes = (password: string): Uint8Array => utf8ToBytes(password.normalize('NFKC'));
