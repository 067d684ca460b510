import type { NostrEvent } from './nostr-types.js';
import type { EventCheck } from './schnorr-verifier.js';

// The messages between the relay's main thread and its verify workers (verify-pool.ts,
// verify-worker.ts): kept apart so both sides compile against the same shapes.

/** Events to check, numbered so the answer finds its batch. */
export interface VerifyBatch {
  id: number;
  events: NostrEvent[];
}

/** Answers travel as one byte per event: the index of the check in this list. */
export const CHECK_CODES: readonly EventCheck[] = ['valid', 'bad-id', 'bad-signature'];

export type VerifyWorkerMessage =
  | { type: 'ready'; engine: 'wasm' | 'js'; fallback?: string }
  /** Answers for the batch's events `from` on, in order; a batch may be answered in several parts. */
  | { type: 'checked'; id: number; from: number; checks: Uint8Array };

/**
 * Reads a worker's answer for `count` events at most: one known code per event, or undefined
 * (a worker that answers anything else is treated as broken, and the batch is checked again in-thread).
 */
export const decodeChecks = (checks: unknown, count: number): EventCheck[] | undefined => {
  if (!(checks instanceof Uint8Array) || checks.length === 0 || checks.length > count) return undefined;
  const out: EventCheck[] = [];
  for (const code of checks) {
    const check = CHECK_CODES[code];
    if (check === undefined) return undefined;
    out.push(check);
  }
  return out;
};
