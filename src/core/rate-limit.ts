/** Where a limiter keeps its history, so limits survive reloads. Loads are untrusted and parsed. */
export interface LimiterStore {
  load(): unknown;
  save(value: number[]): void;
}

export type Acquire = { ok: true } | { ok: false; retryAt: number };

/** Parses a stored history: finite timestamps only, at most `limit` of them; anything else counts as empty. */
const parseHistory = (raw: unknown, limit: number): number[] =>
  Array.isArray(raw) ? raw.filter((t): t is number => typeof t === 'number' && Number.isFinite(t)).slice(-limit) : [];

/**
 * At most `limit` acquisitions in any `windowMs` (a sliding window over the last `limit` timestamps),
 * persisted through `store`. A refused attempt is not recorded, and says when the next one is allowed.
 */
export const createSlidingWindowLimiter = (options: {
  limit: number;
  windowMs: number;
  store: LimiterStore;
  now: () => number;
}) => {
  const { limit, windowMs, store, now } = options;
  return {
    tryAcquire(): Acquire {
      const t = now();
      // Entries from the future (a clock set back) would block forever: drop them with the expired ones.
      const recent = parseHistory(store.load(), limit).filter((s) => s > t - windowMs && s <= t);
      if (recent.length >= limit) return { ok: false, retryAt: (recent[0] ?? t) + windowMs };
      recent.push(t);
      store.save(recent);
      return { ok: true };
    },
  };
};

/** Join attempts allowed per browser per minute (issue: five, persisted across reloads). */
export const JOIN_LIMIT = { limit: 5, windowMs: 60_000 } as const;
