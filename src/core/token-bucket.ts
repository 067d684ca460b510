/**
 * A token bucket over an injected clock: `capacity` tokens, refilled at `perSecond`. Constant
 * memory whatever the load, so a flood costs one comparison per message and nothing else.
 * `take(cost)` charges by work (bytes, signature checks), not only by message count.
 */
export interface TokenBucket {
  /** Takes `cost` tokens (default 1) if there are that many; otherwise takes nothing. */
  take(cost?: number): boolean;
}

export const createTokenBucket = (capacity: number, perSecond: number, now: () => number): TokenBucket => {
  let tokens = capacity;
  let last = now();
  return {
    take(cost = 1): boolean {
      const t = now();
      tokens = Math.min(capacity, tokens + ((t - last) / 1000) * perSecond);
      last = t;
      if (tokens < cost) return false;
      tokens -= cost;
      return true;
    },
  };
};

/** Per-peer data-channel budget: bursts of 60, 30 a second sustained (we send our state twice a second). */
export const MESSAGE_BUDGET = { capacity: 60, perSecond: 30 } as const;
/** Unknown peers we talk to per minute (admission attempts); past that, new connections are closed unanswered. */
export const ADMISSION_BUDGET = { capacity: 12, perSecond: 12 / 60 } as const;
