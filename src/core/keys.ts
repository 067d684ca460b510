import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** What we hand to Trystero for a room: never the code itself. */
export interface RoomKeys {
  /** Public rendezvous id (Trystero's roomId); relays see a hash of it. */
  readonly topic: string;
  /** High-entropy signaling password (Trystero encrypts SDP with a hash of it). */
  readonly signalingPassword: string;
}

// Fixed salt per RFC 5869 §3.1 (a constant salt is fine with high-entropy input keying material);
// distinct `info` labels make the topic and the key independent (§3.2), so seeing one reveals nothing of the other.
const SALT = utf8ToBytes('parley-room-v1');
const TOPIC_INFO = utf8ToBytes('parley-v1 rendezvous topic');
const SIGNALING_INFO = utf8ToBytes('parley-v1 signaling key');

/** Derives the rendezvous topic and signaling password from a room secret with HKDF-SHA-256. */
export const deriveRoomKeys = (secret: Uint8Array): RoomKeys => {
  if (secret.length < 16) throw new Error(`expected a room secret of at least 16 bytes, got length=${secret.length}`);
  return {
    topic: bytesToHex(hkdf(sha256, secret, SALT, TOPIC_INFO, 16)),
    signalingPassword: bytesToHex(hkdf(sha256, secret, SALT, SIGNALING_INFO, 32)),
  };
};
