/**
 * Ids of events the relay already forwarded, so an exact replay is dropped instead of fanned out
 * again. Every id is kept for `ttlMs` (the relay sets it to twice the created_at window: past that
 * the event is refused as stale anyway) and at most `capacity` ids are kept, oldest forgotten first,
 * so memory is bounded whatever the load. Forgetting early only lets one replay through once more;
 * it never grants a seat that is held (see topic-roster.ts).
 */
export interface ReplayCache {
  has(id: string): boolean;
  /** Remembers an id; false if it was already there. */
  add(id: string): boolean;
  readonly size: number;
}

export const createReplayCache = (capacity: number, ttlMs: number, now: () => number): ReplayCache => {
  // A Map iterates in insertion order, and every entry lives equally long: the first entry is always the next to expire.
  const expiries = new Map<string, number>();
  const dropExpired = (at: number): void => {
    for (const [id, expiresAt] of expiries) {
      if (expiresAt > at) return;
      expiries.delete(id);
    }
  };
  return {
    has(id) {
      dropExpired(now());
      return expiries.has(id);
    },
    add(id) {
      const at = now();
      dropExpired(at);
      if (expiries.has(id)) return false;
      while (expiries.size >= capacity) {
        const oldest = expiries.keys().next();
        if (oldest.done === true) break;
        expiries.delete(oldest.value);
      }
      expiries.set(id, at + ttlMs);
      return true;
    },
    get size() {
      return expiries.size;
    },
  };
};
