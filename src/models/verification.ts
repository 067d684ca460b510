import { signal, type ReadonlySignal } from '@preact/signals';
import { errorDetail } from '../core/error-detail';
import { CertificateConflictError, sameFingerprintPair, type FingerprintPair } from '../core/fingerprint';
import type { CancelReason, Retained, RetainedSecret, Sas, VerifyMessage } from '../core/verify';
import type { SessionState, SessionStep, VerifySession } from '../core/verify-session';

/** What the call header and the verify panel show. */
export type VerificationView =
  /** Reading fingerprints, loading, or keys in flight: the call is unverified. */
  | { phase: 'starting' }
  | SessionState
  /** Our own side could not run the step (e.g. fingerprints unreadable): unverified, and why. */
  | { phase: 'unavailable'; message: string };

/** Beside the view: which run this is, who asked for it, and whether "Verify again" may be pressed now. */
export interface VerificationInfo {
  /** 1 for the first run on this connection. */
  run: number;
  /** Who asked for the current run when it is a restart; null for the first. */
  startedBy: 'self' | 'peer' | null;
  /** Seconds until "Verify again" works again (0: now). */
  againInSeconds: number;
  /** Requests from the other side to verify again that were ignored for being too frequent. */
  ignoredRequests: number;
}

export interface VerificationDeps {
  selfId: string;
  peerId: string;
  /** Binds the run to this room (the HKDF "verify context", hex). */
  ctx: string;
  /** Our and the peer's DTLS certificate fingerprints, as this side sees them now (read again on every call). */
  fingerprints: () => Promise<FingerprintPair>;
  /** Sends one message; a rejection means the channel is gone. */
  send: (data: string) => Promise<void>;
  randomBytes: (n: number) => Uint8Array;
  now: () => number;
  /**
   * parley-verify-v2: the retained secrets of remembered contacts, read when the step starts. Without it the
   * step speaks v1 only (no hints, nothing to remember).
   */
  secrets?: () => Promise<RetainedSecret[]>;
}

/** Cancels that mean someone is in the middle of the connection: the call must end. */
export const INTERCEPTION: ReadonlySet<CancelReason> = new Set([
  'key_mismatch',
  'mismatched_commitment',
  'invalid_key',
]);

/** At most this many messages wait while the protocol code loads; a peer cannot queue more. */
const MAX_EARLY = 16;

/**
 * parley-verify-v1 with the current partner, over one connection: the first run, and every "Verify again"
 * (core/verify-session). The protocol code (X25519 and friends) loads on first use, so it weighs nothing on
 * the home screen.
 */
export const createVerification = (deps: VerificationDeps) => {
  const view = signal<VerificationView>({ phase: 'starting' });
  const info = signal<VerificationInfo>({ run: 1, startedBy: null, againInSeconds: 0, ignoredRequests: 0 });
  let session: VerifySession | null = null;
  let parse: ((raw: unknown) => VerifyMessage | null) | null = null;
  let encode: ((m: VerifyMessage) => string) | null = null;
  const early: unknown[] = [];
  /** Aborted when the verification is thrown away: late answers (fingerprints, the protocol code) change nothing. */
  const life = new AbortController();
  const disposed = () => life.signal.aborted;
  let initialising = false;
  /** Another change came while the certificates were being read: read them once more. */
  let recheckAgain = false;
  /** The last read found no connected transport: read again at the next tick. */
  let unsettled = false;

  const publish = () => {
    if (!session) return;
    view.value = session.state;
    const i = session.info;
    const againInSeconds = i.againAt === null ? 0 : Math.max(1, Math.ceil((i.againAt - deps.now()) / 1000));
    const last = info.value;
    if (
      last.run !== i.run ||
      last.startedBy !== i.startedBy ||
      last.againInSeconds !== againInSeconds ||
      last.ignoredRequests !== i.ignoredRequests
    ) {
      info.value = { run: i.run, startedBy: i.startedBy, againInSeconds, ignoredRequests: i.ignoredRequests };
    }
  };

  const apply = (step: SessionStep) => {
    // `encode` is set together with `session` (both come from the lazily loaded verify code).
    if (disposed() || !session || !encode) return;
    // Publish after sending: a send may be answered (and the run advanced) before it returns.
    for (const m of step.send) {
      deps.send(encode(m)).catch(() => {
        if (!disposed() && session) apply(session.channelLost());
      });
    }
    publish();
  };

  const receiveParsed = (raw: unknown) => {
    const message = parse?.(raw);
    if (message && session) apply(session.receive(message));
  };

  const init = async () => {
    if (initialising) return;
    initialising = true;
    view.value = { phase: 'starting' };
    try {
      const [core, sessions, fingerprints, secrets] = await Promise.all([
        import('../core/verify'),
        import('../core/verify-session'),
        deps.fingerprints(),
        // Unreadable contacts must not stop the call being verified: then nobody is recognised.
        deps.secrets?.().catch(() => []),
      ]);
      if (disposed()) return;
      parse = core.parseVerifyMessage;
      encode = core.encodeVerifyMessage;
      session = sessions.createVerifySession({
        ...deps,
        fingerprints,
        ...(secrets && { continuity: { secrets } }),
      });
      // What the peer sent while we loaded goes first: if its commit is there, we answer it rather than
      // open a competing run. start() is a no-op once a run exists.
      for (const raw of early.splice(0)) receiveParsed(raw);
      apply(session.start());
    } catch (e) {
      if (!disposed()) view.value = { phase: 'unavailable', message: errorDetail(e) };
    } finally {
      initialising = false;
    }
  };
  void init();

  /** Reads the certificates again; a pair other than the one the runs are bound to ends the current run as a warning. */
  let inflight: Promise<void> | null = null;
  const readAgain = async () => {
    do {
      recheckAgain = false;
      try {
        const now = await deps.fingerprints();
        unsettled = false;
        if (!disposed() && session && !sameFingerprintPair(now, session.fingerprints))
          apply(session.certificatesChanged(now));
      } catch (e) {
        // Transports that disagree are a sign of someone in the middle. Any other failure is a transport
        // between states (a DTLS restart under way): read again at every tick until it settles, since its
        // last event may have been answered from Chromium's getStats() cache (~50 ms) with the old state.
        unsettled = !(e instanceof CertificateConflictError);
        if (!unsettled && !disposed() && session) apply(session.certificatesChanged(null));
      }
    } while (recheckAgain && !disposed());
  };
  /** Coalesces bursts of transport events: one read at a time, and one more if anything changed meanwhile. */
  const recheck = (): Promise<void> => {
    if (!session || disposed()) return Promise.resolve();
    if (inflight) {
      recheckAgain = true;
      return inflight;
    }
    inflight = readAgain().finally(() => (inflight = null));
    return inflight;
  };

  return {
    view: view as ReadonlySignal<VerificationView>,
    info: info as ReadonlySignal<VerificationInfo>,
    /** A data-channel payload that looks like a verification message (still untrusted). */
    receive(raw: unknown) {
      if (session) receiveParsed(raw);
      else if (early.length < MAX_EARLY) early.push(raw);
    },
    confirm(matches: boolean) {
      if (session) apply(session.confirm(matches));
    },
    tick() {
      if (!session) return;
      apply(session.tick());
      if (unsettled && !inflight) void recheck();
    },
    /**
     * Our person asks for a new run after a warning (limited in rate: `info.againInSeconds`). The certificates
     * are read afresh for it. When our side could not start at all, this tries again.
     */
    async verifyAgain() {
      if (disposed()) return;
      if (!session) {
        if (view.value.phase === 'unavailable') await init();
        return;
      }
      if (session.state.phase !== 'warning' || session.info.againAt !== null) {
        publish();
        return;
      }
      let fingerprints: FingerprintPair;
      try {
        fingerprints = await deps.fingerprints();
      } catch {
        // Unreadable now: the run starts over the certificates it knew, and fails loudly if they changed.
        fingerprints = session.fingerprints;
      }
      if (!disposed() && session) apply(session.verifyAgain(fingerprints));
    },
    /** The connection's transports or negotiation changed: read the certificates again. */
    recheck(): Promise<void> {
      return recheck();
    },
    /** Once the current run verified over v2: what to remember or ratchet to (core/verify `retained`). */
    retained(): Retained | null {
      return session?.retained ?? null;
    },
    /** The call or the connection ended: nothing more is sent or shown, and a run under way has its secrets wiped. */
    dispose() {
      life.abort();
      early.length = 0;
      session?.destroy();
    },
  };
};

export type Verification = ReturnType<typeof createVerification>;
export type { Sas };

/** Verification messages carry a `verify.` type; everything else belongs to core/protocol. */
export const looksLikeVerifyMessage = (raw: unknown): boolean =>
  typeof raw === 'string' && raw.includes('"type":"verify.');
