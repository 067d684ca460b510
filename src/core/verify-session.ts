// Every run of `parley-verify-v1` on one connection (docs/verification.md §"Runs, warnings and Verify again").
// A verifier (core/verify) is one run; this session starts the first, starts a new one when either person
// asks to verify again, and decides what each ending means:
//   - completion ('verified') is the only good end;
//   - proof of interception (key_mismatch, mismatched_commitment, invalid_key) or "the codes differ"
//     (mismatched_sas) is fatal: the call must end (the model does that);
//   - anything else once a run exists — a timeout, a cancel from the other side (which anyone in the middle can
//     forge: cancels carry no MAC), an unexpected message, a changed certificate, a lost channel — is a
//     WARNING: the call goes on, but both screens say it could not be verified and offer "Verify again".
// A man in the middle who drops or forges messages therefore gets a warning both people see, never a neutral
// "unverified" and never a matching code.
//
// Runs must not be confusable: each has its own random txid, and messages bearing the txid of an earlier run
// on this connection are dropped (a stale cancel of the old run cannot end the new one). "Verify again" sends
// `again{txid}` then the new run's commit{txid}: the peer drops whatever run it had and answers (both pressing at
// once: the lower peer id's run proceeds, as with glare). Restarts are limited (VERIFY_AGAIN_LIMIT): our
// person's button is refused past the limit (and says when it works again), and a peer asking more often is
// ignored, so a spamming peer costs us at most a few key pairs a minute and never reaches "verified".
// Pure: no I/O, no clock or randomness of its own (both injected through the options).
import type { FingerprintPair } from './fingerprint.js';
import {
  createVerifier,
  type CancelReason,
  type Retained,
  type Verifier,
  type VerifierOptions,
  type VerifyMessage,
  type VerifyState,
} from './verify.js';

/** Restarts ("Verify again", by either person) allowed on one connection: at most `limit` in any `windowMs`. */
export const VERIFY_AGAIN_LIMIT = { limit: 3, windowMs: 60_000 } as const;
/**
 * A peer's restarts are counted in the same window with one more allowed, so an honest peer whose clock or
 * messages run a little behind ours is never refused; past that its requests are ignored.
 */
export const PEER_AGAIN_LIMIT = VERIFY_AGAIN_LIMIT.limit + 1;
/** Earlier runs' txids remembered to drop their late messages (an honest run has at most two: its own and a glare loser's). */
const REMEMBERED_TXIDS = 32;
/** Txids recorded for one run; a peer sending many bogus ones cannot grow this. */
const MAX_RUN_TXIDS = 8;

/** Endings that prove someone in the middle, or that a person saw different codes: the call must end. */
export type FatalReason = 'key_mismatch' | 'mismatched_commitment' | 'invalid_key' | 'mismatched_sas';
export const FATAL_REASONS: ReadonlySet<CancelReason> = new Set<CancelReason>([
  'key_mismatch',
  'mismatched_commitment',
  'invalid_key',
  'mismatched_sas',
]);
/** Why a started run could not be completed; the call goes on, unverified and warned. */
export type WarningReason = Exclude<CancelReason, FatalReason> | 'channel_lost';

export type SessionState =
  | Exclude<VerifyState, { phase: 'cancelled' }>
  /** Fatal: the call must end. */
  | { readonly phase: 'cancelled'; readonly reason: FatalReason; readonly by: 'self' | 'peer' }
  /** The run ended without completing: "could not verify — someone may be in the middle", with Verify again. */
  | { readonly phase: 'warning'; readonly reason: WarningReason; readonly by: 'self' | 'peer' };

export interface SessionStep {
  readonly send: readonly VerifyMessage[];
  readonly state: SessionState;
}

/** What the UI shows beside the state. */
export interface SessionInfo {
  /** 1 for the first run, +1 for every restart. */
  readonly run: number;
  /** Who asked for the current run when it is a restart; null for the first run. */
  readonly startedBy: 'self' | 'peer' | null;
  /** When our "Verify again" is allowed again (ms on `now`'s clock); null when it is allowed now. */
  readonly againAt: number | null;
  /** Restart requests from the peer ignored for being over the limit. */
  readonly ignoredRequests: number;
}

export interface VerifySession {
  readonly state: SessionState;
  readonly info: SessionInfo;
  /** The certificates new runs are bound to. */
  readonly fingerprints: FingerprintPair;
  /** When the current step times out, or null. */
  readonly deadline: number | null;
  /** The current run's v2 outcome once it verified (core/verify `retained`). */
  readonly retained: Retained | null;
  /** Starts the first run (a no-op once a run exists). */
  start(): SessionStep;
  receive(message: VerifyMessage): SessionStep;
  confirm(matches: boolean): SessionStep;
  tick(): SessionStep;
  /**
   * Our person asks for a new run: allowed only while the state is 'warning' and within the limit; otherwise
   * nothing changes (read `info.againAt`). `fingerprints`: certificates read afresh for the new run.
   */
  verifyAgain(fingerprints?: FingerprintPair): SessionStep;
  /**
   * The connection's certificates were read again and differ from the ones the run is bound to (or cannot be
   * told apart: `null`). Ends the current run — 'verified' included — as a warning, and tells the peer.
   */
  certificatesChanged(fingerprints: FingerprintPair | null): SessionStep;
  /** The channel carrying the run failed under it (a send was refused): a warning, if a run was under way. */
  channelLost(): SessionStep;
  /** The session is thrown away (the call or the connection ended): the current run's secrets are zeroed. */
  destroy(): void;
}

export type SessionOptions = VerifierOptions;

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

const isFatal = (reason: CancelReason): reason is FatalReason => FATAL_REASONS.has(reason);

export const createVerifySession = (options: SessionOptions): VerifySession => {
  const { now } = options;
  const winsTie = options.selfId < options.peerId;
  let fingerprints = options.fingerprints;
  let verifier: Verifier = createVerifier(options);
  /** Txids seen in the current run (sent, or received while it was live); they become stale when it is replaced. */
  let runTxids = new Set<string>();
  /** Whether the current verifier has been given any message. */
  let received = false;
  /** Txids of earlier runs on this connection (bounded): their messages are stale. */
  const previous: string[] = [];
  /** Txids of restarts we refused (bounded): the commit that follows such a request is dropped too. */
  const refused: string[] = [];
  /** When restarts happened (both people's), for the limit. */
  let restarts: number[] = [];
  let run = 1;
  let startedBy: 'self' | 'peer' | null = null;
  let ignoredRequests = 0;
  /** A session-level ending that overrides the verifier's state (a lost channel). */
  let override: SessionState | null = null;

  const stateOf = (v: VerifyState): SessionState => {
    if (override) return override;
    if (v.phase !== 'cancelled') return v;
    return isFatal(v.reason)
      ? { phase: 'cancelled', reason: v.reason, by: v.by }
      : { phase: 'warning', reason: v.reason, by: v.by };
  };

  const recent = (): number[] => {
    const t = now();
    // A timestamp from the future (a clock set back) would block forever: drop it with the expired ones.
    restarts = restarts.filter((s) => s > t - VERIFY_AGAIN_LIMIT.windowMs && s <= t);
    return restarts;
  };

  const againAt = (): number | null => {
    const r = recent();
    return r.length < VERIFY_AGAIN_LIMIT.limit
      ? null
      : (r[r.length - VERIFY_AGAIN_LIMIT.limit] ?? now()) + VERIFY_AGAIN_LIMIT.windowMs;
  };

  const remember = (list: string[], id: string, max: number): void => {
    list.push(id);
    list.splice(0, Math.max(0, list.length - max));
  };

  const note = (id: string): void => {
    if (runTxids.size < MAX_RUN_TXIDS) runTxids.add(id);
  };

  const step = (inner: { send: readonly VerifyMessage[] }): SessionStep => {
    for (const m of inner.send) note(hex(m.txid));
    return { send: inner.send, state: stateOf(verifier.state) };
  };

  const fatal = (): boolean => stateOf(verifier.state).phase === 'cancelled';

  /** Replaces the current run by a fresh verifier; the old run's txids become stale. */
  const newRun = (by: 'self' | 'peer'): void => {
    for (const t of runTxids) remember(previous, t, REMEMBERED_TXIDS);
    runTxids = new Set();
    received = false;
    override = null;
    // Ending the old run zeroes its secrets; its cancel is not sent (the peer has left that run, or is told by `again`).
    verifier.abort('unexpected_message');
    verifier = createVerifier({ ...options, fingerprints });
    restarts.push(now());
    run += 1;
    startedBy = by;
  };

  /** The peer's "verify again" (its new run's txid): a new run on our side, within the limit. */
  const peerAgain = (id: string): SessionStep => {
    // Both people pressed at once: each side's fresh run is waiting for its first answer. As with glare on
    // commits, the lower peer id's run proceeds; the other side abandons its own and answers.
    if (startedBy === 'self' && !received && winsTie) return step({ send: [] });
    if (recent().length >= PEER_AGAIN_LIMIT) {
      ignoredRequests += 1;
      remember(refused, id, REMEMBERED_TXIDS);
      return step({ send: [] });
    }
    newRun('peer');
    note(id);
    return step({ send: [] });
  };

  const start = (): SessionStep => step(verifier.start());

  const receive = (message: VerifyMessage): SessionStep => {
    const id = hex(message.txid);
    // A late message of an earlier run (e.g. its cancel, crossing our restart) must not touch this one.
    if ((previous.includes(id) || refused.includes(id)) && !runTxids.has(id)) return step({ send: [] });
    if (fatal()) return step({ send: [] });
    if (message.type === 'again') return peerAgain(id);
    // v2 hints are kept by the verifier for the run they name; they are not an answer to our run (a restart
    // tie is decided on commits), and they never end a run.
    if (message.type === 'hints') return step(verifier.receive(message));
    received = true;
    const live = verifier.state.phase !== 'cancelled';
    if (live) note(id);
    const result = verifier.receive(message);
    const after = verifier.state;
    if (
      live &&
      message.type === 'cancel' &&
      after.phase === 'cancelled' &&
      after.by === 'peer' &&
      !isFatal(after.reason)
    ) {
      // A cancel may be forged by someone in the middle, who then keeps the other side's run waiting: echo it,
      // so the peer's screen warns now rather than at its timeout. (An honest peer has ended this run already
      // and ignores the echo.)
      return step({ send: [...result.send, { type: 'cancel', txid: message.txid, reason: after.reason }] });
    }
    return step(result);
  };

  const verifyAgain = (next?: FingerprintPair): SessionStep => {
    if (stateOf(verifier.state).phase !== 'warning' || againAt() !== null) return step({ send: [] });
    if (next) fingerprints = next;
    newRun('self');
    const begun = verifier.start();
    const commit = begun.send[0];
    if (!commit) throw new Error('verifier invariant broken: a fresh run sent no commit');
    // "again" first: it tells the peer to drop its run (whatever state it is in) and answer this commit.
    return step({ send: [{ type: 'again', txid: commit.txid }, ...begun.send] });
  };

  const certificatesChanged = (next: FingerprintPair | null): SessionStep => {
    if (next) fingerprints = next;
    if (fatal()) return step({ send: [] });
    override = null;
    return step(verifier.abort('certificate_changed'));
  };

  const channelLost = (): SessionStep => {
    const p = stateOf(verifier.state).phase;
    // Before a run, or after it ended (verified included: nothing is left to send), a lost channel changes nothing here.
    if (p === 'idle' || p === 'cancelled' || p === 'warning' || p === 'verified') return step({ send: [] });
    // Nothing can be sent any more; the verifier's own state is left as it was, and overridden.
    override = { phase: 'warning', reason: 'channel_lost', by: 'self' };
    return step({ send: [] });
  };

  return {
    get state() {
      return stateOf(verifier.state);
    },
    get info() {
      return { run, startedBy, againAt: againAt(), ignoredRequests };
    },
    get fingerprints() {
      return fingerprints;
    },
    get deadline() {
      return override ? null : verifier.deadline;
    },
    get retained() {
      return verifier.retained;
    },
    start,
    receive,
    confirm: (matches) => step(override ? { send: [] } : verifier.confirm(matches)),
    tick: () => step(override ? { send: [] } : verifier.tick()),
    verifyAgain,
    certificatesChanged,
    channelLost,
    destroy: () => verifier.destroy(),
  };
};
