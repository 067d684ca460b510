// One run of `parley-verify-v1` (docs/verification.md) as a pure state machine: no I/O, no clock and no
// randomness of its own. The caller feeds it events (start, a received message, the person's answer, clock
// ticks) and sends the messages each call returns. Given the same inputs it produces the same outputs.
//
// Flow (I = the side whose commit is used, R = the other):
//   I → R commit{txid, c}          R → I key{txid, pk_R, n_R}
//   I → R reveal{txid, pk_I, n_I}  + confirm{txid, mac_I}      (R checks c, then sends confirm{txid, mac_R})
//   both check the peer's confirm MAC, then show the code; "They match" → done{txid, mac}; "They differ" →
//   cancel{mismatched_sas}. Verified = local "match" AND a valid done from the peer.
//
// A verifier is one run and never restarts: `cancelled` is final for it. Runs on one connection — the first,
// and every "Verify again" by either person — are managed by core/verify-session, which makes a fresh
// verifier (fresh txid, keys and nonces) per run, keeps an old run's messages away from the new one, limits
// restarts, and decides which endings are warnings (the call goes on, unverified) and which end the call.
// Driving it directly (tests, the raw-WebRTC e2e): create one verifier per run with ctx = the room's HKDF
// verify context (core/keys verifyContext, hex) and the fingerprints read for this connection
// (adapters/rtc/fingerprints readDtlsFingerprints(pc)), call start() on both sides — glare is resolved
// here (the lower peer id's run proceeds) — send every returned message with encodeVerifyMessage, give each
// payload parseVerifyMessage accepts to receive(), wire the two buttons to confirm(), call tick() every
// second (or at `deadline`), and render `state`; only phase 'verified' is verified.
import type { FingerprintPair } from './fingerprint.js';
import {
  FINGERPRINT_BYTES,
  KEY_BYTES,
  NONCE_BYTES,
  TXID_BYTES,
  commitment,
  confirmMac,
  constantTimeEqual,
  deriveKeys,
  doneMac,
  publicKeyOf,
  sharedSecret,
  transcriptHash,
  zero,
} from './verify-crypto.js';
import type { CancelReason, VerifyMessage } from './verify-message.js';
import { sasFromBytes, type Sas } from './verify-sas.js';

export { CANCEL_REASONS, encodeVerifyMessage, parseVerifyMessage } from './verify-message.js';
export type { CancelReason, VerifyMessage } from './verify-message.js';
export { formatSas } from './verify-sas.js';
export { warmUpKeys } from './verify-crypto.js';
export type { Sas, SasSymbol } from './verify-sas.js';

/** A run fails with `timeout` when no progress was made for this long (docs/verification.md §"Rules of one run": 60 s). */
export const VERIFY_TIMEOUT_MS = 60_000;

/** SHA-256 fingerprints (32 raw bytes) of our certificate (`local`) and of the one the peer presented (`remote`). */
export type DtlsFingerprints = FingerprintPair;

/** What a verifier needs; one verifier per peer connection (re-create it for a new connection or certificate). */
export interface VerifierOptions {
  /** Our peer id; on glare (both sent commit) the commit of the lower id (UTF-16 code-unit order) wins. */
  readonly selfId: string;
  readonly peerId: string;
  /**
   * Binds the run to this room: the room's HKDF "verify context" (core/keys `verifyContext`, as hex), a value
   * only holders of the room code can compute. It is not the public rendezvous topic.
   */
  readonly ctx: string;
  readonly fingerprints: DtlsFingerprints;
  /** Cryptographically secure random bytes, a fresh array per call (crypto.getRandomValues(new Uint8Array(n))); the verifier owns and zeroes the secret ones. */
  readonly randomBytes: (length: number) => Uint8Array;
  /** Milliseconds on a monotonic-enough clock (Date.now or performance.now). */
  readonly now: () => number;
}

/** What the UI shows. A code exists only after the peer's confirm MAC verified; "verified" only after a valid done. */
export type VerifyState =
  /** Nothing started yet: show "unverified". */
  | { readonly phase: 'idle' }
  /** Keys and MACs in flight: show "unverified" / "checking…", no code. */
  | { readonly phase: 'exchanging' }
  /** Show the code with "They match" / "They don't match". */
  | { readonly phase: 'comparing'; readonly sas: Sas }
  /** We said "match"; waiting for the peer's person. Still unverified. */
  | { readonly phase: 'confirmed'; readonly sas: Sas }
  /** Both people said the codes match. */
  | { readonly phase: 'verified'; readonly sas: Sas }
  /** Ended without verification; `by` says which side cancelled. Final for this verifier: a new run is a new verifier (core/verify-session). */
  | { readonly phase: 'cancelled'; readonly reason: CancelReason; readonly by: 'self' | 'peer' };

/** The result of one event: messages to send to the peer, in order, and the state after the event. */
export interface VerifyStep {
  readonly send: readonly VerifyMessage[];
  readonly state: VerifyState;
}

/** One verification with one peer. Every method is synchronous and returns what to send. */
export interface Verifier {
  /** Current state, for the UI. */
  readonly state: VerifyState;
  /** When the current step times out (ms on `now`'s clock), or null when nothing is pending. */
  readonly deadline: number | null;
  /** Begins a run by sending commit; a no-op once a run exists (e.g. the peer's commit arrived first). */
  start(): VerifyStep;
  /** Feeds one parsed message from the peer. */
  receive(message: VerifyMessage): VerifyStep;
  /** The local person's answer while the code is shown; ignored in any other state. */
  confirm(matches: boolean): VerifyStep;
  /** Checks the timeout; call it periodically (e.g. every second) or at `deadline`. */
  tick(): VerifyStep;
  /**
   * Ends the run on our side for a reason found outside the protocol (e.g. `certificate_changed`), in any
   * phase, including after 'verified': the peer is told with a cancel of the run's txid. A no-op once cancelled.
   */
  abort(reason: CancelReason): VerifyStep;
  /**
   * The verifier is thrown away (the call ended, or its connection did) mid-run: zeroes the run's secrets
   * (the X25519 private key, the transcript hash and the keys derived from the shared secret) and ends the
   * run without telling the peer (there is nobody left to tell). Every later event is a no-op.
   */
  destroy(): void;
}

/** Secrets and transcript of the current run; every byte array here is zeroed when the run ends. */
interface Run {
  readonly txid: Uint8Array;
  readonly role: 'initiator' | 'responder';
  readonly sk: Uint8Array;
  readonly pk: Uint8Array;
  readonly nonce: Uint8Array;
  readonly commitment: Uint8Array;
  th?: Uint8Array;
  kOwn?: Uint8Array;
  kPeer?: Uint8Array;
  sasBytes?: Uint8Array;
}

type Phase =
  | { readonly name: 'idle' }
  /** Initiator: commit sent, waiting for key. `glareSeen`: we already ignored the peer's losing commit once. */
  | { readonly name: 'committed'; readonly run: Run; glareSeen: boolean }
  /** Responder: key sent, waiting for reveal. */
  | { readonly name: 'keyed'; readonly run: Run }
  /** Our confirm sent, waiting for the peer's. */
  | { readonly name: 'awaitingConfirm'; readonly run: Run }
  | { readonly name: 'comparing'; readonly run: Run; readonly sas: Sas; peerDone: boolean }
  | { readonly name: 'confirmed'; readonly run: Run; readonly sas: Sas }
  | { readonly name: 'verified'; readonly txid: Uint8Array; readonly sas: Sas }
  | { readonly name: 'cancelled'; readonly reason: CancelReason; readonly by: 'self' | 'peer' };

const expectLength = (value: Uint8Array, length: number, what: string): void => {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new Error(`expected ${what}: Uint8Array of length ${length}, got length=${String(value?.length)}`);
  }
};

/** Creates a verifier for one peer connection; throws on invalid options (programming errors, not peer input). */
export const createVerifier = (options: VerifierOptions): Verifier => {
  const { selfId, peerId, ctx, randomBytes, now } = options;
  if (selfId === '' || peerId === '' || selfId === peerId) throw new Error('expected two distinct, non-empty peer ids');
  if (ctx === '') throw new Error('expected a non-empty ctx');
  expectLength(options.fingerprints.local, FINGERPRINT_BYTES, 'local fingerprint');
  expectLength(options.fingerprints.remote, FINGERPRINT_BYTES, 'remote fingerprint');
  const fpLocal = Uint8Array.from(options.fingerprints.local);
  const fpRemote = Uint8Array.from(options.fingerprints.remote);
  const winsGlare = selfId < peerId;

  let phase: Phase = { name: 'idle' };
  let state: VerifyState = { phase: 'idle' };
  let deadline: number | null = null;

  const random = (length: number): Uint8Array => {
    const bytes = randomBytes(length);
    expectLength(bytes, length, 'randomBytes output');
    return bytes;
  };

  const wipe = (run: Run): void => zero(run.sk, run.th, run.kOwn, run.kPeer, run.sasBytes);

  const currentRun = (): Run | null =>
    phase.name === 'idle' || phase.name === 'verified' || phase.name === 'cancelled' ? null : phase.run;

  const enter = (next: Phase): void => {
    phase = next;
    switch (next.name) {
      case 'idle':
        state = { phase: 'idle' };
        deadline = null;
        return;
      case 'committed':
      case 'keyed':
      case 'awaitingConfirm':
        state = { phase: 'exchanging' };
        break;
      case 'comparing':
        state = { phase: 'comparing', sas: next.sas };
        break;
      case 'confirmed':
        state = { phase: 'confirmed', sas: next.sas };
        break;
      case 'verified':
        state = { phase: 'verified', sas: next.sas };
        deadline = null;
        return;
      case 'cancelled':
        state = { phase: 'cancelled', reason: next.reason, by: next.by };
        deadline = null;
        return;
    }
    // Progress was made: the peer (or our person) has another full timeout for the next step.
    deadline = now() + VERIFY_TIMEOUT_MS;
  };

  const step = (send: VerifyMessage[] = []): VerifyStep => ({ send, state });

  /** Ends the run on our side; the peer learns why (no silent failure, no retry). */
  const cancel = (reason: CancelReason, txid?: Uint8Array): VerifyStep => {
    const run = currentRun();
    const id = run?.txid ?? txid;
    if (run) wipe(run);
    enter({ name: 'cancelled', reason, by: 'self' });
    return step(id ? [{ type: 'cancel', txid: Uint8Array.from(id), reason }] : []);
  };

  const expired = (): boolean => deadline !== null && now() >= deadline;

  const newRun = (role: Run['role'], txid: Uint8Array, c: Uint8Array | null): Run => {
    const sk = random(KEY_BYTES);
    const pk = publicKeyOf(sk);
    const nonce = random(NONCE_BYTES);
    return { txid, role, sk, pk, nonce, commitment: c ?? commitment(txid, pk, nonce, ctx) };
  };

  /** Becomes R for the peer's commit: sends key (step 2). */
  const respond = (message: Extract<VerifyMessage, { type: 'commit' }>): VerifyStep => {
    const run = newRun('responder', Uint8Array.from(message.txid), Uint8Array.from(message.commitment));
    enter({ name: 'keyed', run });
    return step([{ type: 'key', txid: run.txid, publicKey: run.pk, nonce: run.nonce }]);
  };

  /** Step 4 for either role: Z, TH and the key schedule; false when the peer's key is low-order. */
  const agree = (run: Run, peerPk: Uint8Array, peerNonce: Uint8Array): boolean => {
    const shared = sharedSecret(run.sk, peerPk);
    zero(run.sk); // the X25519 secret is used exactly once
    if (!shared) return false;
    const initiator = run.role === 'initiator';
    const th = transcriptHash({
      ctx,
      txid: run.txid,
      commitment: run.commitment,
      pkI: initiator ? run.pk : peerPk,
      nI: initiator ? run.nonce : peerNonce,
      pkR: initiator ? peerPk : run.pk,
      nR: initiator ? peerNonce : run.nonce,
      fpI: initiator ? fpLocal : fpRemote,
      fpR: initiator ? fpRemote : fpLocal,
    });
    const keys = deriveKeys(shared, th);
    zero(shared);
    run.th = th;
    run.kOwn = initiator ? keys.kI : keys.kR;
    run.kPeer = initiator ? keys.kR : keys.kI;
    run.sasBytes = keys.sas;
    return true;
  };

  const ownConfirm = (run: Run): VerifyMessage => ({
    type: 'confirm',
    txid: run.txid,
    mac: confirmMac(req(run.kOwn), req(run.th)),
  });

  const start = (): VerifyStep => {
    if (expired()) return cancel('timeout');
    if (phase.name !== 'idle') return step();
    const run = newRun('initiator', random(TXID_BYTES), null);
    enter({ name: 'committed', run, glareSeen: false });
    return step([{ type: 'commit', txid: run.txid, commitment: run.commitment }]);
  };

  const receive = (message: VerifyMessage): VerifyStep => {
    if (expired()) return cancel('timeout');
    const p = phase;
    if (p.name === 'cancelled') return step();
    if (p.name === 'verified') {
      // A late cancel of this run (e.g. the peer timed out while our done was in flight) still ends it.
      if (message.type === 'cancel' && constantTimeEqual(message.txid, p.txid)) {
        enter({ name: 'cancelled', reason: message.reason, by: 'peer' });
      }
      return step();
    }
    if (p.name === 'idle')
      return message.type === 'commit' ? respond(message) : cancel('unexpected_message', message.txid);

    const run = p.run;
    const sameRun = constantTimeEqual(message.txid, run.txid);
    if (message.type === 'cancel') {
      if (!sameRun) return cancel('unexpected_message');
      wipe(run);
      enter({ name: 'cancelled', reason: message.reason, by: 'peer' });
      return step();
    }
    // Glare: both sides sent commit. The lower peer id's run proceeds; the other side abandons its own.
    if (p.name === 'committed' && message.type === 'commit' && !sameRun) {
      if (!winsGlare) {
        wipe(run);
        return respond(message);
      }
      if (p.glareSeen) return cancel('unexpected_message');
      p.glareSeen = true;
      return step();
    }
    if (!sameRun) return cancel('unexpected_message');

    switch (p.name) {
      case 'committed': {
        if (message.type !== 'key') return cancel('unexpected_message');
        if (!agree(run, message.publicKey, message.nonce)) return cancel('invalid_key');
        enter({ name: 'awaitingConfirm', run });
        // Step 3 then step 5: the reveal opens our commitment; our confirm can follow at once.
        return step([{ type: 'reveal', txid: run.txid, publicKey: run.pk, nonce: run.nonce }, ownConfirm(run)]);
      }
      case 'keyed': {
        if (message.type !== 'reveal') return cancel('unexpected_message');
        // Step 3: the revealed key must be the committed one (RFC 6189 §4.4.1.1); compare in constant time.
        const expected = commitment(run.txid, message.publicKey, message.nonce, ctx);
        if (!constantTimeEqual(expected, run.commitment)) return cancel('mismatched_commitment');
        if (!agree(run, message.publicKey, message.nonce)) return cancel('invalid_key');
        enter({ name: 'awaitingConfirm', run });
        return step([ownConfirm(run)]);
      }
      case 'awaitingConfirm': {
        if (message.type !== 'confirm') return cancel('unexpected_message');
        // Step 5: a bad MAC means the two sides hashed different transcripts — in practice different DTLS
        // certificates, i.e. someone terminates DTLS in the middle. No code is ever derived for display.
        if (!constantTimeEqual(message.mac, confirmMac(req(run.kPeer), req(run.th)))) return cancel('key_mismatch');
        const sasBytes = req(run.sasBytes);
        const sas = sasFromBytes(sasBytes);
        zero(sasBytes);
        enter({ name: 'comparing', run, sas, peerDone: false });
        return step();
      }
      case 'comparing':
      case 'confirmed': {
        const alreadyDone = p.name === 'comparing' && p.peerDone;
        if (message.type !== 'done' || alreadyDone) return cancel('unexpected_message');
        if (!constantTimeEqual(message.mac, doneMac(req(run.kPeer), req(run.th)))) return cancel('key_mismatch');
        if (p.name === 'comparing') {
          // The peer's person said "match" before ours answered: remember it, still unverified.
          p.peerDone = true;
          deadline = now() + VERIFY_TIMEOUT_MS;
          return step();
        }
        wipe(run);
        enter({ name: 'verified', txid: run.txid, sas: p.sas });
        return step();
      }
    }
  };

  const confirm = (matches: boolean): VerifyStep => {
    if (expired()) return cancel('timeout');
    const p = phase;
    if (p.name !== 'comparing') return step();
    if (!matches) return cancel('mismatched_sas');
    const run = p.run;
    const done: VerifyMessage = { type: 'done', txid: run.txid, mac: doneMac(req(run.kOwn), req(run.th)) };
    if (p.peerDone) {
      wipe(run);
      enter({ name: 'verified', txid: run.txid, sas: p.sas });
    } else {
      enter({ name: 'confirmed', run, sas: p.sas });
    }
    return step([done]);
  };

  const tick = (): VerifyStep => (expired() ? cancel('timeout') : step());

  const abort = (reason: CancelReason): VerifyStep => {
    const p = phase;
    if (p.name === 'cancelled') return step();
    if (p.name === 'verified') {
      enter({ name: 'cancelled', reason, by: 'self' });
      return step([{ type: 'cancel', txid: Uint8Array.from(p.txid), reason }]);
    }
    return cancel(reason);
  };

  const destroy = (): void => {
    const run = currentRun();
    if (run) wipe(run);
    if (phase.name !== 'cancelled') enter({ name: 'cancelled', reason: 'unexpected_message', by: 'self' });
  };

  return {
    get state() {
      return state;
    },
    get deadline() {
      return deadline;
    },
    start,
    receive,
    confirm,
    tick,
    abort,
    destroy,
  };
};

/** Values set by `agree` are present in every later phase; this turns a broken invariant into a loud error. */
const req = (value: Uint8Array | undefined): Uint8Array => {
  if (value === undefined) throw new Error('verifier invariant broken: key material missing');
  return value;
};
