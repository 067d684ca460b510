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
import {
  continuityMac,
  deriveKeysV2,
  hintsDigest,
  makeHints,
  matchHints,
  matchedContact,
  mixedSecret,
  transcriptHashV2,
  type Hints,
  type RetainedSecret,
} from './verify-continuity.js';
import type { CancelReason, VerifyMessage } from './verify-message.js';
import { sasFromBytes, type Sas } from './verify-sas.js';

export { CANCEL_REASONS, encodeVerifyMessage, parseVerifyMessage } from './verify-message.js';
export type { CancelReason, VerifyMessage } from './verify-message.js';
export type { RetainedSecret } from './verify-continuity.js';
export { formatSas } from './verify-sas.js';
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
  /**
   * parley-verify-v2 (docs/verification.md): present, the verifier sends hints of these retained secrets in
   * every run and, when the peer sends hints too, uses the v2 key schedule (continuity). Absent: v1 only.
   */
  readonly continuity?: { readonly secrets: readonly RetainedSecret[] };
}

/** After a v2 run verified: the next retained secret, and the contact it continues (null: a stranger verified by codes). */
export interface Retained {
  readonly next: Uint8Array;
  readonly contactId: string | null;
  /** The newest matched secret of that contact (the ratchet's `previous`). */
  readonly used: Uint8Array | null;
}

/** What the UI shows. A code exists only after the peer's confirm MAC verified; "verified" only after a valid done. */
export type VerifyState =
  /** Nothing started yet: show "unverified". */
  | { readonly phase: 'idle' }
  /** Keys and MACs in flight: show "unverified" / "checking…", no code. */
  | { readonly phase: 'exchanging' }
  /**
   * Show the code with "They match" / "They don't match". `broken`: the peer's hints matched this remembered
   * contact's secret but its continuity MAC was wrong — warn loudly, "this may not be <nickname>".
   */
  | { readonly phase: 'comparing'; readonly sas: Sas; readonly broken?: string }
  /** We said "match"; waiting for the peer's person. Still unverified. */
  | { readonly phase: 'confirmed'; readonly sas: Sas; readonly broken?: string }
  /** Both people said the codes match, or (`contactId`) the peer proved it holds this remembered contact's secret. */
  | { readonly phase: 'verified'; readonly sas: Sas; readonly contactId?: string; readonly broken?: string }
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
  /** Once a v2 run verified (and continuity was not broken): what to remember or ratchet to. Null otherwise. */
  readonly retained: Retained | null;
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
  /** Our hints for this run (v2 only). */
  readonly hints: Hints | null;
  /** Set by `agree` when both sides are v2. */
  v2?: { readonly matched: readonly RetainedSecret[]; cOwn: Uint8Array; cPeer: Uint8Array; next: Uint8Array };
}

type Phase =
  | { readonly name: 'idle' }
  /** Initiator: commit sent, waiting for key. `glareSeen`: we already ignored the peer's losing commit once. */
  | { readonly name: 'committed'; readonly run: Run; glareSeen: boolean }
  /** Responder: key sent, waiting for reveal. */
  | { readonly name: 'keyed'; readonly run: Run }
  /** Our confirm sent, waiting for the peer's. */
  | { readonly name: 'awaitingConfirm'; readonly run: Run }
  | { readonly name: 'comparing'; readonly run: Run; readonly sas: Sas; peerDone: boolean; readonly broken?: string }
  | { readonly name: 'confirmed'; readonly run: Run; readonly sas: Sas; readonly broken?: string }
  | {
      readonly name: 'verified';
      readonly txid: Uint8Array;
      readonly sas: Sas;
      readonly contactId?: string;
      readonly broken?: string;
    }
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
  let retained: Retained | null = null;
  const secrets = options.continuity?.secrets ?? null;
  /** The peer's hints by txid: the first message per txid, at most PEER_HINT_TXIDS txids (glare, restarts). */
  const peerHints = new Map<string, Hints>();

  const random = (length: number): Uint8Array => {
    const bytes = randomBytes(length);
    expectLength(bytes, length, 'randomBytes output');
    return bytes;
  };

  const wipe = (run: Run): void =>
    zero(run.sk, run.th, run.kOwn, run.kPeer, run.sasBytes, run.v2?.cOwn, run.v2?.cPeer, run.v2?.next);

  /** A verified run: v2 hands its next retained secret on (copied: the run's copy is wiped), unless continuity broke. */
  const keepRetained = (run: Run, broken: string | undefined): void => {
    if (!run.v2 || broken !== undefined) return;
    const contact = matchedContact(run.v2.matched);
    retained = {
      next: Uint8Array.from(run.v2.next),
      contactId: contact?.contactId ?? null,
      used: contact ? Uint8Array.from(contact.used) : null,
    };
  };

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
        state = { phase: 'comparing', sas: next.sas, ...(next.broken !== undefined && { broken: next.broken }) };
        break;
      case 'confirmed':
        state = { phase: 'confirmed', sas: next.sas, ...(next.broken !== undefined && { broken: next.broken }) };
        break;
      case 'verified':
        state = {
          phase: 'verified',
          sas: next.sas,
          ...(next.contactId !== undefined && { contactId: next.contactId }),
          ...(next.broken !== undefined && { broken: next.broken }),
        };
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
    const hints = secrets ? makeHints(secrets, role, txid, random) : null;
    return { txid, role, sk, pk, nonce, commitment: c ?? commitment(txid, pk, nonce, ctx), hints };
  };

  /** v2: our hints go first in every run we take part in (docs/verification.md §"Negotiation"). */
  const withHints = (run: Run, message: VerifyMessage): VerifyMessage[] =>
    run.hints ? [{ type: 'hints', txid: run.txid, salt: run.hints.salt, hints: run.hints.hints }, message] : [message];

  /** Becomes R for the peer's commit: sends key (step 2). */
  const respond = (message: Extract<VerifyMessage, { type: 'commit' }>): VerifyStep => {
    const run = newRun('responder', Uint8Array.from(message.txid), Uint8Array.from(message.commitment));
    enter({ name: 'keyed', run });
    return step(withHints(run, { type: 'key', txid: run.txid, publicKey: run.pk, nonce: run.nonce }));
  };

  /** Step 4 for either role: Z, TH and the key schedule; false when the peer's key is low-order. */
  const agree = (run: Run, peerPk: Uint8Array, peerNonce: Uint8Array): boolean => {
    const shared = sharedSecret(run.sk, peerPk);
    zero(run.sk); // the X25519 secret is used exactly once
    if (!shared) return false;
    const initiator = run.role === 'initiator';
    // The transcript orders everything by role: the initiator's values first, whichever side we are.
    const ordered = {
      ctx,
      txid: run.txid,
      commitment: run.commitment,
      pkI: initiator ? run.pk : peerPk,
      nI: initiator ? run.nonce : peerNonce,
      pkR: initiator ? peerPk : run.pk,
      nR: initiator ? peerNonce : run.nonce,
      fpI: initiator ? fpLocal : fpRemote,
      fpR: initiator ? fpRemote : fpLocal,
    };
    const theirs = peerHints.get(hexOf(run.txid));
    if (secrets && run.hints && theirs) {
      // Both sides are v2: the hints join the transcript, and secrets both hold key the continuity MACs.
      const th = transcriptHashV2({
        ...ordered,
        hI: hintsDigest(initiator ? run.hints : theirs),
        hR: hintsDigest(initiator ? theirs : run.hints),
      });
      const matched = matchHints(secrets, initiator ? 'responder' : 'initiator', run.txid, theirs);
      const s = mixedSecret(matched);
      const keys = deriveKeysV2(shared, th, s);
      zero(shared, s);
      run.th = th;
      run.kOwn = initiator ? keys.kI : keys.kR;
      run.kPeer = initiator ? keys.kR : keys.kI;
      run.sasBytes = keys.sas;
      run.v2 = {
        matched,
        cOwn: initiator ? keys.cI : keys.cR,
        cPeer: initiator ? keys.cR : keys.cI,
        next: keys.next,
      };
      return true;
    }
    const th = transcriptHash(ordered);
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
    ...(run.v2 && { continuity: continuityMac(run.v2.cOwn, req(run.th)) }),
  });

  const start = (): VerifyStep => {
    if (expired()) return cancel('timeout');
    if (phase.name !== 'idle') return step();
    const run = newRun('initiator', random(TXID_BYTES), null);
    enter({ name: 'committed', run, glareSeen: false });
    return step(withHints(run, { type: 'commit', txid: run.txid, commitment: run.commitment }));
  };

  const receive = (message: VerifyMessage): VerifyStep => {
    if (message.type === 'hints') {
      // Kept aside for the run with this txid; never progress and never a cancel (a glare loser's or an old
      // run's hints are harmless). Bounded: the first per txid, a few txids.
      const id = hexOf(message.txid);
      if (secrets && !peerHints.has(id) && peerHints.size < PEER_HINT_TXIDS)
        peerHints.set(id, { salt: message.salt, hints: message.hints });
      return step();
    }
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
        const v2 = run.v2;
        // Between two v2 sides the continuity MAC is always there; without it the transcript was tampered with.
        if (v2 && !message.continuity) return cancel('key_mismatch');
        const sasBytes = req(run.sasBytes);
        const sas = sasFromBytes(sasBytes);
        zero(sasBytes);
        const contact = v2 ? matchedContact(v2.matched) : null;
        if (v2 && contact && message.continuity) {
          if (constantTimeEqual(message.continuity, continuityMac(v2.cPeer, req(run.th)))) {
            // The peer proved it holds the secret we share with this contact, over this very transcript
            // (these certificates): verified by continuity, no code to read (RFC 6189 §4.3).
            keepRetained(run, undefined);
            wipe(run);
            enter({ name: 'verified', txid: run.txid, sas, contactId: contact.contactId });
            return step();
          }
          // Its hints claimed the secret, its MAC cannot prove it: continuity broken, loudly; the codes decide.
          enter({ name: 'comparing', run, sas, peerDone: false, broken: contact.contactId });
          return step();
        }
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
        keepRetained(run, p.broken);
        wipe(run);
        enter({ name: 'verified', txid: run.txid, sas: p.sas, ...(p.broken !== undefined && { broken: p.broken }) });
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
    const broken = p.broken !== undefined ? { broken: p.broken } : {};
    if (p.peerDone) {
      keepRetained(run, p.broken);
      wipe(run);
      enter({ name: 'verified', txid: run.txid, sas: p.sas, ...broken });
    } else {
      enter({ name: 'confirmed', run, sas: p.sas, ...broken });
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
    get retained() {
      return retained;
    },
    start,
    receive,
    confirm,
    tick,
    abort,
    destroy,
  };
};

const PEER_HINT_TXIDS = 4;
const hexOf = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Values set by `agree` are present in every later phase; this turns a broken invariant into a loud error. */
const req = (value: Uint8Array | undefined): Uint8Array => {
  if (value === undefined) throw new Error('verifier invariant broken: key material missing');
  return value;
};
