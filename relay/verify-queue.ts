import type { NostrEvent } from './nostr-types.js';
import type { EventCheck } from './schnorr-verifier.js';
import type { VerifyBackend } from './verify-pool.js';

// Events waiting for their signature check, per connection, with three properties the relay needs:
// - Order: a connection's frames take effect in the order sent (Trystero's offer before its
//   candidates, a REQ before the events that follow it), whichever worker answers first.
// - Bounds: what waits is capped in count and bytes, per connection and in total, so a flood of
//   events (valid-looking, badly signed) cannot grow memory; past a cap the event is refused at once.
// - Fairness: batches are filled round-robin over connections, so an honest page's event waits for
//   at most one check per busy connection, not behind a flooder's whole backlog.

export interface VerifyQueueLimits {
  /** Entries (events waiting or in flight, frames held behind them) one connection may have. */
  perConnection: number;
  /** Their bytes (frame length), per connection. */
  perConnectionBytes: number;
  /** Entries over all connections. */
  total: number;
  totalBytes: number;
  /** Events per batch handed to the backend: small, since an answer comes back per batch. */
  maxBatch: number;
}

/**
 * Roomy for honest use (a Trystero page has a few events of a few KB in flight at most; a
 * connection may still queue two maximum-size events) and small in memory. Measured on the flood
 * test (tests/relay/verify-worker.test.ts): the relay's RSS grows ~8× the frame bytes allowed to
 * wait (parsed copies, the copy sent to the worker, and garbage the collector frees late), so
 * 4 MiB here is ~30 MiB of RSS at worst. ~1,000 Trystero-sized events are ~0.35 s of checks.
 */
export const DEFAULT_VERIFY_QUEUE_LIMITS: VerifyQueueLimits = {
  perConnection: 64,
  perConnectionBytes: 256 * 1024,
  total: 1024,
  totalBytes: 4 * 1024 * 1024,
  maxBatch: 16,
};

export interface VerifyQueue<K> {
  /**
   * Queues an event for its check; `then` runs with the answer once every earlier entry of the
   * connection has run. False (and nothing queued, `then` never runs): over a cap.
   */
  submit(key: K, bytes: number, event: NostrEvent, then: (check: EventCheck) => void): boolean;
  /**
   * Runs `then` after the connection's waiting entries, or now when it has none. False (nothing
   * queued): over a cap.
   */
  after(key: K, bytes: number, then: () => void): boolean;
  /** Drops a connection's entries (it closed): their `then` never runs. */
  forget(key: K): void;
  /** Entries and bytes held now, in total. */
  readonly size: { entries: number; bytes: number };
}

interface Entry<K> {
  key: K;
  bytes: number;
  /** Absent for a frame held only for order. */
  event: NostrEvent | undefined;
  /** Set once checked (or at once for a frame held for order). */
  check: EventCheck | undefined;
  done: boolean;
  run: (check: EventCheck | undefined) => void;
}

interface ConnectionQueue<K> {
  /** Every entry of the connection, oldest first: run from the front as they are done. */
  entries: Entry<K>[];
  /** Its events not yet handed to the backend, oldest first. */
  waiting: Entry<K>[];
  bytes: number;
}

export const createVerifyQueue = <K>(
  backend: VerifyBackend,
  limits: VerifyQueueLimits = DEFAULT_VERIFY_QUEUE_LIMITS,
): VerifyQueue<K> => {
  const queues = new Map<K, ConnectionQueue<K>>();
  /** Connections with waiting events, in round-robin order (a Set keeps insertion order). */
  const ring = new Set<K>();
  let totalEntries = 0;
  let totalBytes = 0;
  let flushScheduled = false;

  const fits = (queue: ConnectionQueue<K> | undefined, bytes: number): boolean =>
    (queue?.entries.length ?? 0) < limits.perConnection &&
    (queue?.bytes ?? 0) + bytes <= limits.perConnectionBytes &&
    totalEntries < limits.total &&
    totalBytes + bytes <= limits.totalBytes;

  const add = (key: K, entry: Entry<K>): ConnectionQueue<K> => {
    let queue = queues.get(key);
    if (queue === undefined) {
      queue = { entries: [], waiting: [], bytes: 0 };
      queues.set(key, queue);
    }
    queue.entries.push(entry);
    queue.bytes += entry.bytes;
    totalEntries += 1;
    totalBytes += entry.bytes;
    return queue;
  };

  /** Runs the connection's entries from the front while they are done. */
  const drain = (key: K): void => {
    const queue = queues.get(key);
    if (queue === undefined) return;
    while (queue.entries[0]?.done === true) {
      const entry = queue.entries.shift() as Entry<K>;
      queue.bytes -= entry.bytes;
      totalEntries -= 1;
      totalBytes -= entry.bytes;
      entry.run(entry.check);
      // `run` may have closed the connection (a slow consumer is cut off): its queue is gone then.
      if (queues.get(key) !== queue) return;
    }
    if (queue.entries.length === 0) queues.delete(key);
  };

  const takeBatch = (): Entry<K>[] => {
    const batch: Entry<K>[] = [];
    while (batch.length < limits.maxBatch && ring.size > 0) {
      // One event from the connection at the front, which then goes to the back if it has more.
      const key = ring.values().next().value as K;
      ring.delete(key);
      const queue = queues.get(key);
      const entry = queue?.waiting.shift();
      if (entry !== undefined) batch.push(entry);
      if (queue !== undefined && queue.waiting.length > 0) ring.add(key);
    }
    return batch;
  };

  const flush = (): void => {
    flushScheduled = false;
    while (ring.size > 0 && backend.hasCapacity()) {
      const batch = takeBatch();
      if (batch.length === 0) return;
      backend.verify(
        batch.map((e) => e.event as NostrEvent),
        (from, checks) => {
          const keys = new Set<K>();
          checks.forEach((check, i) => {
            const entry = batch[from + i];
            if (entry === undefined || entry.done) return;
            entry.check = check;
            entry.done = true;
            keys.add(entry.key);
          });
          for (const key of keys) drain(key);
          // A worker may have room again: hand it what waits.
          if (!backend.inThread) schedule();
        },
      );
    }
  };

  /**
   * Off-thread, batches are sent once the frames that arrived together have been read (setImmediate
   * runs after this round of socket reads), so one postMessage carries several events. In-thread,
   * the check runs at once, exactly as if there were no queue.
   */
  const schedule = (): void => {
    if (backend.inThread) {
      flush();
      return;
    }
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(flush);
  };

  return {
    submit(key, bytes, event, then) {
      const queue = queues.get(key);
      if (!fits(queue, bytes)) return false;
      const entry: Entry<K> = {
        key,
        bytes,
        event,
        check: undefined,
        done: false,
        run: (check) => then(check ?? 'bad-signature'),
      };
      add(key, entry).waiting.push(entry);
      ring.add(key);
      schedule();
      return true;
    },
    after(key, bytes, then) {
      const queue = queues.get(key);
      if (queue === undefined) {
        then();
        return true;
      }
      if (!fits(queue, bytes)) return false;
      add(key, { key, bytes, event: undefined, check: undefined, done: true, run: () => then() });
      drain(key);
      return true;
    },
    forget(key) {
      const queue = queues.get(key);
      if (queue === undefined) return;
      queues.delete(key);
      ring.delete(key);
      totalEntries -= queue.entries.length;
      totalBytes -= queue.bytes;
    },
    get size() {
      return { entries: totalEntries, bytes: totalBytes };
    },
  };
};
