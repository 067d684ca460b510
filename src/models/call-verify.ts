import { signal, type ReadonlySignal } from '@preact/signals';
import type { CallEvent } from '../core/call-status';
import { errorDetail } from '../core/error-detail';
import { sameFingerprintPair, type FingerprintPair } from '../core/fingerprint';
import type { SignalingRoom } from '../adapters/signaling/types';
import type { ContactProblem, ContactsModel } from './contacts';
import { createVerification, INTERCEPTION, type Verification } from './verification';

/** Remembered contacts in this call (parley-verify-v2), for the call screen. */
export type ContinuityView =
  | { readonly kind: 'none' }
  /** Verified by continuity: the other side proved it holds the secret shared with this remembered person. */
  | { readonly kind: 'recognised'; readonly nickname: string }
  /** Its hints claimed this remembered person, its proof failed: "this may not be <nickname>". */
  | { readonly kind: 'broken'; readonly nickname: string }
  /** Both people verified by the codes: "Remember this person" may be offered. */
  | { readonly kind: 'offer' }
  | { readonly kind: 'remembered'; readonly nickname: string };

export interface CallVerifyDeps {
  randomBytes: (n: number) => Uint8Array;
  now: () => number;
  /** The room's HKDF verify context (hex), known once joined. */
  ctx: () => string;
  /** A run proved someone in the middle, or a person saw different codes: the call must end this way. */
  end: (event: Extract<CallEvent, { type: 'intercepted' | 'codes-differ' }>) => void;
  /** Remembered contacts; without them the call speaks parley-verify-v1 only. */
  contacts?: Pick<ContactsModel, 'secrets' | 'nicknameOf' | 'ratchet' | 'remember'>;
}

/**
 * How long a run waits for the partner's media before it starts anyway. A run's certificate reads, key
 * agreement and code sheet cost the page ~200 ms of main thread; at the moment of pairing that time
 * comes out of the first remote frame (bench/connect.bench.ts measured 1.2-1.4x bare Trystero with
 * the run started at pairing, 0.98x with it after the picture). So a run starts once the partner's
 * media flows, and at the latest after this (no camera, no picture, a slow first frame).
 */
export const VERIFY_WAIT_MS = 1000;
/** Verification messages kept while our run waits to start (the partner's may start first). */
const MAX_WAITING_MESSAGES = 16;

/** Whether a stream carries media already: a remote track is muted until its first packets arrive. */
const flowing = (stream: MediaStream): boolean => stream.getTracks().some((t) => t.muted !== true);

/**
 * The call's verification: a fresh run of parley-verify-v1 for every new connection to the partner, a
 * run over certificates both people already verified confirmed by our side alone, and the call ended on
 * interception or differing codes.
 */
export const createCallVerify = (deps: CallVerifyDeps) => {
  const current = signal<Verification | null>(null);
  const continuity = signal<ContinuityView>({ kind: 'none' });
  /** The next retained secret of a run both people verified by its codes, while "Remember" is offered. */
  let offered: Uint8Array | null = null;
  const contacts = deps.contacts;
  /** The partner and certificates that both people verified in this call, if any. */
  let verifiedWith: { peer: string; fingerprints: FingerprintPair } | null = null;
  let unwatch: () => void = () => undefined;
  /** A run waiting for the partner's media: what cancels the wait, and the messages that came meanwhile. */
  let waiting: { cancel: () => void; start: () => void; messages: unknown[] } | null = null;

  const stop = () => {
    waiting?.cancel();
    waiting = null;
    unwatch();
    unwatch = () => undefined;
    // Ends a run mid-way too: its secrets are wiped, not left for the collector.
    current.value?.dispose();
    current.value = null;
  };

  /** Runs parley-verify-v1 with `id` over the connection `r` has to them now. */
  const start = (r: SignalingRoom, id: string) => {
    stop();
    // A new connection is recognised (or offered) afresh; a broken continuity stays on screen.
    if (continuity.value.kind === 'offer' || continuity.value.kind === 'recognised')
      continuity.value = { kind: 'none' };
    offered = null;
    // The certificates this run is bound to, as read for it.
    let seen: FingerprintPair | null = null;
    const v = createVerification({
      ...(contacts && { secrets: () => contacts.secrets() }),
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
      if (contacts) noteContinuity(v, view, contacts);
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

  /**
   * Starts a run with `id` once their media flows (see VERIFY_WAIT_MS): a track of `remote` that is not
   * muted or unmutes (Chromium does not always send `unmute`), the screen saying their picture is shown
   * (mediaShown), or VERIFY_WAIT_MS, whichever comes first. Their messages meanwhile are kept (bounded)
   * and handed to the run when it starts.
   */
  const startWhenMediaFlows = (r: SignalingRoom, id: string, remote: ReadonlySignal<MediaStream | null>) => {
    stop();
    const messages: unknown[] = [];
    let unmuted: (() => void) | null = null;
    const begin = () => {
      if (waiting?.messages !== messages) return;
      waiting = null;
      cleanup();
      start(r, id);
      for (const m of messages) current.value?.receive(m);
    };
    const timer = setTimeout(begin, VERIFY_WAIT_MS);
    const unsubscribe = remote.subscribe((stream) => {
      if (!stream || unmuted) return;
      if (flowing(stream)) return void queueMicrotask(begin);
      const tracks = stream.getTracks();
      for (const t of tracks) t.addEventListener('unmute', begin, { once: true });
      unmuted = () => tracks.forEach((t) => t.removeEventListener('unmute', begin));
    });
    const cleanup = () => {
      clearTimeout(timer);
      unsubscribe();
      unmuted?.();
    };
    waiting = { cancel: cleanup, start: begin, messages };
  };

  /** The partner's picture is on screen: a run waiting for their media starts now. */
  const mediaShown = () => waiting?.start();

  /** A verification payload from the partner (untrusted): to the run, or kept until it starts. */
  const receive = (raw: unknown) => {
    if (waiting) {
      if (waiting.messages.length < MAX_WAITING_MESSAGES) waiting.messages.push(raw);
      return;
    }
    current.value?.receive(raw);
  };

  /** The run (by number) of each verification whose continuity was acted on: one ratchet per verified run. */
  const handled = new WeakMap<Verification, number>();
  const nameOf = (id: string) => contacts?.nicknameOf(id) ?? 'this person';
  /** What this run means for remembered contacts: recognised (and ratcheted once), broken, or "Remember" offered. */
  const noteContinuity = (v: Verification, view: Verification['view']['value'], c: NonNullable<typeof contacts>) => {
    if ((view.phase === 'comparing' || view.phase === 'confirmed' || view.phase === 'verified') && view.broken) {
      continuity.value = { kind: 'broken', nickname: nameOf(view.broken) };
      return;
    }
    if (view.phase !== 'verified') return;
    const run = v.info.value.run;
    const retained = v.retained();
    if (!retained || handled.get(v) === run) return;
    handled.set(v, run);
    if (retained.contactId !== null) {
      continuity.value = { kind: 'recognised', nickname: nameOf(retained.contactId) };
      void c.ratchet(retained.contactId, retained.used, retained.next);
    } else if (continuity.value.kind !== 'remembered') {
      offered = Uint8Array.from(retained.next);
      continuity.value = { kind: 'offer' };
    }
  };

  return {
    current: current as ReadonlySignal<Verification | null>,
    continuity: continuity as ReadonlySignal<ContinuityView>,
    /** "Remember this person": only while offered (after a run both people verified by its codes). */
    async remember(nickname: string): Promise<ContactProblem | null> {
      if (!contacts || !offered || continuity.value.kind !== 'offer') return { kind: 'nothing-to-remember' };
      let result: Awaited<ReturnType<typeof contacts.remember>>;
      try {
        result = await contacts.remember(nickname, offered);
      } catch (e) {
        // IndexedDB refused (private browsing, storage full): say so; the call is unaffected.
        return { kind: 'remember-failed', detail: errorDetail(e) };
      }
      if (!result.ok) return result.error;
      offered.fill(0);
      offered = null;
      continuity.value = { kind: 'remembered', nickname: result.value.nickname };
      return null;
    },
    start,
    startWhenMediaFlows,
    mediaShown,
    receive,
    stop,
  };
};
