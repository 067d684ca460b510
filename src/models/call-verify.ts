import { signal, type ReadonlySignal } from '@preact/signals';
import type { CallEvent } from '../core/call-status';
import { sameFingerprintPair, type FingerprintPair } from '../core/fingerprint';
import type { SignalingRoom } from '../adapters/signaling/types';
import { createVerification, INTERCEPTION, type Verification } from './verification';

export interface CallVerifyDeps {
  randomBytes: (n: number) => Uint8Array;
  now: () => number;
  /** The room's HKDF verify context (hex), known once joined. */
  ctx: () => string;
  /** A run proved someone in the middle, or a person saw different codes: the call must end this way. */
  end: (event: Extract<CallEvent, { type: 'intercepted' | 'codes-differ' }>) => void;
}

/**
 * The call's verification: a fresh run of parley-verify-v1 for every new connection to the partner, a
 * run over certificates both people already verified confirmed by our side alone, and the call ended on
 * interception or differing codes.
 */
export const createCallVerify = (deps: CallVerifyDeps) => {
  const current = signal<Verification | null>(null);
  /** The partner and certificates that both people verified in this call, if any. */
  let verifiedWith: { peer: string; fingerprints: FingerprintPair } | null = null;
  let unwatch: () => void = () => undefined;

  const stop = () => {
    unwatch();
    unwatch = () => undefined;
    // Ends a run mid-way too: its secrets are wiped, not left for the collector.
    current.value?.dispose();
    current.value = null;
  };

  /** Runs parley-verify-v1 with `id` over the connection `r` has to them now. */
  const start = (r: SignalingRoom, id: string) => {
    stop();
    // The certificates this run is bound to, as read for it.
    let seen: FingerprintPair | null = null;
    const v = createVerification({
      selfId: r.selfId,
      peerId: id,
      ctx: deps.ctx(),
      fingerprints: async () => (seen = await r.fingerprints(id)),
      send: (data) => r.send(data, id),
      randomBytes: deps.randomBytes,
      now: deps.now,
    });
    current.value = v;
    unwatch = v.view.subscribe((view) => {
      if (view.phase === 'verified' && seen) verifiedWith = { peer: id, fingerprints: seen };
      // A fresh connection to someone both people verified, over the very same certificates (a re-dial
      // keeps them): this run's keys are bound to those certificates, so it vouches for the same
      // people the codes read aloud did. Our side says "they match" for us; nobody reads codes again.
      // Any other certificate (a relay in the middle of the new connection) gets no such pass.
      if (
        view.phase === 'comparing' &&
        seen &&
        verifiedWith?.peer === id &&
        sameFingerprintPair(verifiedWith.fingerprints, seen)
      ) {
        queueMicrotask(() => v.confirm(true));
      }
      if (view.phase !== 'cancelled' || (view.reason !== 'mismatched_sas' && !INTERCEPTION.has(view.reason))) return;
      const event =
        view.reason === 'mismatched_sas'
          ? ({ type: 'codes-differ', by: view.by } as const)
          : ({ type: 'intercepted' } as const);
      // Let the cancel reach the other side before the connection closes.
      queueMicrotask(() => deps.end(event));
    });
  };

  return {
    current: current as ReadonlySignal<Verification | null>,
    start,
    stop,
  };
};
