/**
 * Ids of events the relay already forwarded (with what it needs to know about each), so an exact
 * replay is not fanned out again. Every id is kept for `ttlMs` (the relay sets it to twice the
 * created_at window: past that the event is refused as stale anyway) and at most `capacity` ids are
 * kept, oldest forgotten first, so memory is bounded whatever the load. Forgetting early only lets a
 * replay through once more; it never grants a seat that is held (see topic-roster.ts).
 */
export interface ReplayCache<V> {
  get(id: string): V | undefined;
  /** Remembers an id (or updates what is remembered about it, keeping its expiry). */
  set(id: string, value: V): void;
  readonly size: number;
}

export const createReplayCache = <V>(capacity: number, ttlMs: number, now: () => number): ReplayCache<V> => {
  // A Map iterates in insertion order, and every entry lives equally long: the first entry is always the next to expire.
  const entries = new Map<string, { expiresAt: number; value: V }>();
  const dropExpired = (at: number): void => {
    for (const [id, entry] of entries) {
      if (entry.expiresAt > at) return;
      entries.delete(id);
    }
  };
  return {
    get(id) {
      dropExpired(now());
      return entries.get(id)?.value;
    },
    set(id, value) {
      const at = now();
      dropExpired(at);
      const entry = entries.get(id);
      if (entry !== undefined) {
        entry.value = value;
        return;
      }
      while (entries.size >= capacity) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
      entries.set(id, { expiresAt: at + ttlMs, value });
    },
    get size() {
      return entries.size;
    },
  };
};
