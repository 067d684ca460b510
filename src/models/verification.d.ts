import { type ReadonlySignal } from '@preact/signals';
import { type FingerprintPair } from '../core/fingerprint';
import type { CancelReason, Sas } from '../core/verify';
import type { SessionState } from '../core/verify-session';
/** What the call header and the verify panel show. */
export type VerificationView = 
/** Reading fingerprints, loading, or keys in flight: the call is unverified. */
{
    phase: 'starting';
} | SessionState
/** Our own side could not run the step (e.g. fingerprints unreadable): unverified, and why. */
 | {
    phase: 'unavailable';
    message: string;
};
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
}
/** Cancels that mean someone is in the middle of the connection: the call must end. */
export declare const INTERCEPTION: ReadonlySet<CancelReason>;
/**
 * parley-verify-v1 with the current partner, over one connection: the first run, and every "Verify again"
 * (core/verify-session). The protocol code (X25519 and friends) loads on first use, so it weighs nothing on
 * the home screen.
 */
export declare const createVerification: (deps: VerificationDeps) => {
    view: ReadonlySignal<VerificationView>;
    info: ReadonlySignal<VerificationInfo>;
    /** A data-channel payload that looks like a verification message (still untrusted). */
    receive(raw: unknown): void;
    confirm(matches: boolean): void;
    tick(): void;
    /**
     * Our person asks for a new run after a warning (limited in rate: `info.againInSeconds`). The certificates
     * are read afresh for it. When our side could not start at all, this tries again.
     */
    verifyAgain(): Promise<void>;
    /** The connection's transports or negotiation changed: read the certificates again. */
    recheck(): Promise<void>;
    dispose(): void;
};
export type Verification = ReturnType<typeof createVerification>;
export type { Sas };
/** Verification messages carry a `verify.` type; everything else belongs to core/protocol. */
export declare const looksLikeVerifyMessage: (raw: unknown) => boolean;
