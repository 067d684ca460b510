import { signal, type ReadonlySignal } from '@preact/signals';
import type { FingerprintPair } from '../core/fingerprint';
import type { CancelReason, Sas, Verifier, VerifyMessage, VerifyState } from '../core/verify';


/** What the call header and the verify panel show. */
export type VerificationView =
  /** Reading fingerprints, loading, or keys in flight: the call is unverified. */
  | { phase: 'starting' }
  | VerifyState
  /** Our own side could not run the step (e.g. fingerprints unreadable): unverified, and why. */
  | { phase: 'unavailable'; message: string };

export interface VerificationDeps {
  selfId: string;
  peerId: string;
  /** Binds the run to this room (the HKDF "verify context", hex). */
  ctx: string;
  /** Our and the peer's DTLS certificate fingerprints, as this side sees them. */
  fingerprints: () => Promise<FingerprintPair>;
  send: (data: string) => void;
  randomBytes: (n: number) => Uint8Array;
  now: () => number;
}

/** Cancels that mean someone is in the middle of the connection: the call must end. */
export const INTERCEPTION: ReadonlySet<CancelReason> = new Set(['key_mismatch', 'mismatched_commitment', 'invalid_key']);

/** At most this many messages wait while the protocol code loads; a peer cannot queue more. */
const MAX_EARLY = 16;

/**
 * One run of parley-verify-v1 with the current partner. The protocol code (X25519 and friends) loads
 * on first use, so it weighs nothing on the home screen.
 */
export const createVerification = (deps: VerificationDeps) => {
  const view = signal<VerificationView>({ phase: 'starting' });
  let verifier: Verifier | null = null;
  let parse: ((raw: unknown) => VerifyMessage | null) | null = null;
  let encode: ((m: VerifyMessage) => string) | null = null;
  const early: unknown[] = [];
  let disposed = false;

  const apply = (step: { send: readonly VerifyMessage[] }) => {
    if (disposed || !verifier) return;
    // Read the state after sending: a send may be answered (and the run advanced) before it returns.
    for (const m of step.send) deps.send(encode!(m));
    view.value = verifier.state;
  };

  const receiveParsed = (raw: unknown) => {
    const message = parse?.(raw);
    if (message && verifier) apply(verifier.receive(message));
  };

  void (async () => {
    try {
      const [core, fingerprints] = await Promise.all([import('../core/verify'), deps.fingerprints()]);
      if (disposed) return;
      parse = core.parseVerifyMessage;
      encode = core.encodeVerifyMessage;
      verifier = core.createVerifier({ ...deps, fingerprints });
      // What the peer sent while we loaded goes first: if its commit is there, we answer it rather than
      // open a competing run. start() is a no-op once a run exists.
      for (const raw of early.splice(0)) receiveParsed(raw);
      apply(verifier.start());
    } catch (e) {
      if (!disposed) view.value = { phase: 'unavailable', message: e instanceof Error ? e.message : String(e) };
    }
  })();

  return {
    view: view as ReadonlySignal<VerificationView>,
    /** A data-channel payload that looks like a verification message (still untrusted). */
    receive(raw: unknown) {
      if (verifier) receiveParsed(raw);
      else if (early.length < MAX_EARLY) early.push(raw);
    },
    confirm(matches: boolean) {
      if (verifier) apply(verifier.confirm(matches));
    },
    tick() {
      if (verifier) apply(verifier.tick());
    },
    dispose() {
      disposed = true;
      early.length = 0;
    },
  };
};

export type Verification = ReturnType<typeof createVerification>;
export type { Sas };

/** Verification messages carry a `verify.` type; everything else belongs to core/protocol. */
export const looksLikeVerifyMessage = (raw: unknown): boolean => typeof raw === 'string' && raw.includes('"type":"verify.');
