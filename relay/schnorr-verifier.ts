import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { errorDetail } from '../src/core/error-detail.js';
import type { NostrEvent } from './nostr-types.js';

// Verifying a Nostr event is the relay's dearest work: the id is a SHA-256 over the event, the
// signature a BIP-340 Schnorr check. In JS (noble) the Schnorr check alone costs ~1–2.5 ms here, so
// one core forwards a few hundred events/s; libsecp256k1 compiled to WASM (nostr-wasm) does it in
// a fraction of that. The engine is chosen once at start: WASM when it loads, noble otherwise.

/** What a check found; both engines answer the same for the same event. */
export type EventCheck = 'valid' | 'bad-id' | 'bad-signature';

export interface EventVerifier {
  readonly engine: 'wasm' | 'js';
  /** Checks id = hash of the fields and the signature over the id by `pubkey`. Never throws. */
  check(event: NostrEvent): EventCheck;
}

/** NIP-01 event id: sha256 of the UTF-8 JSON array `[0, pubkey, created_at, kind, tags, content]`. */
export const computeEventId = (e: Omit<NostrEvent, 'id' | 'sig'>): string =>
  bytesToHex(sha256(utf8ToBytes(JSON.stringify([0, e.pubkey, e.created_at, e.kind, e.tags, e.content]))));

/** The fallback: noble's audited JS. Expects hex fields already checked for length and alphabet. */
export const jsVerifier: EventVerifier = {
  engine: 'js',
  check(event) {
    if (computeEventId(event) !== event.id) return 'bad-id';
    // verify() returns false for bad points/scalars; it only throws on wrong byte lengths, which
    // the caller's hex checks rule out. The catch keeps a library surprise from reaching the socket.
    try {
      return schnorr.verify(hexToBytes(event.sig), hexToBytes(event.id), hexToBytes(event.pubkey))
        ? 'valid'
        : 'bad-signature';
    } catch {
      return 'bad-signature';
    }
  },
};

/** nostr-wasm's `verifyEvent` says why by throwing one of these messages. */
const WASM_BAD_ID = 'id is invalid';
const WASM_BAD_SIGNATURE = new Set(['pubkey is invalid', 'signature is invalid']);

/**
 * libsecp256k1 (nostr-wasm, the binary inlined in its JS: no file to locate at run time).
 * Its fixed WASM heap refuses an event too large to hash there ("Out of memory"): such an event,
 * or any other surprise, is checked by the JS path instead, so both engines always agree.
 */
export const createWasmVerifier = async (): Promise<EventVerifier> => {
  const { initNostrWasm } = await import('nostr-wasm');
  const wasm = await initNostrWasm();
  return {
    engine: 'wasm',
    check(event) {
      try {
        wasm.verifyEvent(event);
        return 'valid';
      } catch (e) {
        const message = e instanceof Error ? e.message : '';
        if (message === WASM_BAD_ID) return 'bad-id';
        if (WASM_BAD_SIGNATURE.has(message)) return 'bad-signature';
        return jsVerifier.check(event);
      }
    },
  };
};

export interface VerifierChoice {
  verifier: EventVerifier;
  /** Why the JS path was taken, when it was. */
  fallbackReason?: string;
}

/**
 * Picks the engine once: `PARLEY_RELAY_VERIFIER=js` forces the fallback (to compare in the bench);
 * otherwise WASM, unless it fails to load or fails a known-answer self-test. `loadWasm` is there
 * so a test can hand it a loader that fails.
 */
export const chooseVerifier = async (
  wanted: string | undefined,
  loadWasm: () => Promise<EventVerifier> = createWasmVerifier,
): Promise<VerifierChoice> => {
  if (wanted === 'js') return { verifier: jsVerifier, fallbackReason: 'PARLEY_RELAY_VERIFIER=js' };
  try {
    const wasm = await loadWasm();
    const failed = selfTest(wasm);
    if (failed !== undefined)
      return { verifier: jsVerifier, fallbackReason: `WASM verifier failed its self-test: ${failed}` };
    return { verifier: wasm };
  } catch (e) {
    return {
      verifier: jsVerifier,
      fallbackReason: `WASM verifier did not load: ${errorDetail(e)}`,
    };
  }
};

/** A fixed event signed with noble at start (secret key 3, as in BIP-340's vector 0; zero aux randomness). */
const signedKnownEvent = (): NostrEvent => {
  const secret = new Uint8Array(32);
  secret[31] = 3;
  const fields = {
    pubkey: bytesToHex(schnorr.getPublicKey(secret)),
    created_at: 1_700_000_000,
    kind: 24242,
    tags: [['x', 'self-test']],
    content: 'parley relay self-test',
  };
  const id = computeEventId(fields);
  return { ...fields, id, sig: bytesToHex(schnorr.sign(hexToBytes(id), secret, new Uint8Array(32))) };
};

/** Known answers: a valid event, a changed one, a forged signature. Undefined when all agree. */
const selfTest = (v: EventVerifier): string | undefined => {
  const signed = signedKnownEvent();
  if (v.check(signed) !== 'valid') return 'rejected a valid event';
  if (v.check({ ...signed, content: 'changed' }) !== 'bad-id') return 'accepted a changed event';
  const flipped = signed.sig.slice(0, -1) + (signed.sig.endsWith('0') ? '1' : '0');
  if (v.check({ ...signed, sig: flipped }) !== 'bad-signature') return 'accepted a forged signature';
  return undefined;
};

/**
 * The engine this process uses, chosen when the module loads (top-level await: every importer,
 * the CLI and tests alike, gets the same one). The CLI logs `chosen` at start.
 */
export const chosen: VerifierChoice = await chooseVerifier(process.env['PARLEY_RELAY_VERIFIER']);
export const eventVerifier: EventVerifier = chosen.verifier;
