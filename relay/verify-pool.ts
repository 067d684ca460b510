import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from './log.js';
import type { NostrEvent } from './nostr-types.js';
import type { EventCheck, EventVerifier } from './schnorr-verifier.js';
import { decodeChecks, type VerifyBatch, type VerifyWorkerMessage } from './verify-protocol.js';

// Signature checks on worker threads. One Schnorr check costs ~340 µs even in WASM: on the main
// thread, ~2,300 events/s fill a core, and everything else the relay does (parsing, forwarding,
// /healthz) waits behind the checks. A worker on the machine's other core(s) takes them off that
// thread. If no worker can run (its script is missing, it crashes), the checks run in-thread with
// the same engine choice, and the switch is logged once.

/** Where a batch of events gets checked. */
export interface VerifyBackend {
  /** True when checks run on this thread: `verify` then answers before it returns. */
  readonly inThread: boolean;
  /** Whether another batch may be handed over now; false while every worker has its share in flight. */
  hasCapacity(): boolean;
  /**
   * Checks the events; calls `answer` once or more with the answers for the events `from` on, in
   * order, until every event is answered (the batch's last part frees its room).
   */
  verify(events: readonly NostrEvent[], answer: (from: number, checks: readonly EventCheck[]) => void): void;
  /** Stops the workers (batches in flight are dropped: the relay is closing). */
  close(): Promise<void>;
}

/**
 * Events each worker may hold at once (~20 ms of checks): enough that it never idles waiting for the
 * main thread to hand it more (on a busy machine a thread may wait many milliseconds for a core),
 * few enough that an event arriving behind a flood waits for at most these before its turn.
 */
const IN_FLIGHT_EVENTS_PER_WORKER = 64;

/**
 * Workers to start by default: one per core beyond the main thread's, at least one (so a verify
 * flood never stalls the main thread even on one core), at most four.
 */
export const defaultVerifyWorkers = (): number => Math.max(1, Math.min(4, availableParallelism() - 1));

/** The compiled worker beside this module (build/relay/verify-worker.js). */
const WORKER_URL = new URL('./verify-worker.js', import.meta.url);

/** Checks in this thread, answering before `verify` returns. */
export const inThreadBackend = (verifier: EventVerifier): VerifyBackend => ({
  inThread: true,
  hasCapacity: () => true,
  verify: (events, answer) =>
    answer(
      0,
      events.map((e) => verifier.check(e)),
    ),
  close: () => Promise.resolve(),
});

interface Slot {
  worker: Worker;
  alive: boolean;
  inFlight: Map<number, InFlight>;
  /** Events in `inFlight` not answered yet. */
  pending: number;
}

interface InFlight {
  events: readonly NostrEvent[];
  /** Events answered so far (the first ones). */
  answered: number;
  answer: (from: number, checks: readonly EventCheck[]) => void;
}

export interface VerifyPoolOptions {
  /** Worker threads to start; 0 checks in-thread. */
  workers: number;
  /** The in-thread engine: the fallback when no worker runs, and for batches a dying worker held. */
  verifier: EventVerifier;
  log: Logger;
  /** The worker script; tests point it at one that fails. */
  workerUrl?: URL | undefined;
}

export const createVerifyPool = (options: VerifyPoolOptions): VerifyBackend => {
  const { verifier, log } = options;
  const fallback = inThreadBackend(verifier);
  const url = options.workerUrl ?? WORKER_URL;
  const slots: Slot[] = [];
  let nextBatch = 1;
  let fellBack = false;

  /** Logs the switch to in-thread checks once, with the first reason. */
  const fallBack = (reason: string): void => {
    if (fellBack || slots.some((s) => s.alive)) return;
    fellBack = true;
    log('verifier', { engine: verifier.engine, thread: 'main', fallback: reason });
  };

  const retire = (slot: Slot, reason: string): void => {
    if (!slot.alive) return;
    slot.alive = false;
    log('verify_worker_failed', { reason });
    // What it held is checked here instead: no event is lost or answered twice.
    const held = [...slot.inFlight.values()];
    slot.inFlight.clear();
    slot.pending = 0;
    void slot.worker.terminate();
    fallBack(reason);
    for (const batch of held)
      fallback.verify(batch.events.slice(batch.answered), (from, checks) =>
        batch.answer(batch.answered + from, checks),
      );
  };

  const start = (): void => {
    const worker = new Worker(url);
    // Never the reason the process stays alive; close() ends it too.
    worker.unref();
    const slot: Slot = { worker, alive: true, inFlight: new Map(), pending: 0 };
    slots.push(slot);
    worker.on('message', (message: VerifyWorkerMessage) => {
      if (message.type === 'ready') {
        log('verifier', {
          engine: message.engine,
          thread: 'worker',
          ...(message.fallback === undefined ? {} : { fallback: message.fallback }),
        });
        return;
      }
      const batch = slot.inFlight.get(message.id);
      if (batch === undefined) return;
      const checks =
        message.from === batch.answered
          ? decodeChecks(message.checks, batch.events.length - batch.answered)
          : undefined;
      if (checks === undefined)
        return retire(slot, 'answered a batch out of order or with something other than one check per event');
      batch.answered += checks.length;
      slot.pending -= checks.length;
      if (batch.answered === batch.events.length) slot.inFlight.delete(message.id);
      batch.answer(message.from, checks);
    });
    worker.on('error', (e) => retire(slot, `worker error: ${e.message}`));
    worker.on('exit', (code) => retire(slot, `worker exited with code ${code}`));
  };

  if (options.workers > 0) {
    if (existsSync(fileURLToPath(url))) for (let i = 0; i < options.workers; i += 1) start();
    else fallBack(`no worker script at ${fileURLToPath(url)} (the relay runs from sources, not the build)`);
  }

  const leastBusy = (): Slot | undefined => {
    let best: Slot | undefined;
    for (const slot of slots) if (slot.alive && (best === undefined || slot.pending < best.pending)) best = slot;
    return best;
  };

  return {
    get inThread() {
      return !slots.some((s) => s.alive);
    },
    hasCapacity() {
      const slot = leastBusy();
      return slot === undefined || slot.pending < IN_FLIGHT_EVENTS_PER_WORKER;
    },
    verify(events, answer) {
      const slot = leastBusy();
      if (slot === undefined) return fallback.verify(events, answer);
      const id = nextBatch++;
      slot.inFlight.set(id, { events, answered: 0, answer });
      slot.pending += events.length;
      const batch: VerifyBatch = { id, events: [...events] };
      slot.worker.postMessage(batch);
    },
    async close() {
      const stopping = slots.filter((s) => s.alive);
      for (const slot of stopping) {
        slot.alive = false;
        slot.inFlight.clear();
      }
      await Promise.all(stopping.map((s) => s.worker.terminate()));
    },
  };
};
