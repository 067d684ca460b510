import type { RateLimit } from './limits.js';

/** A token bucket over an injected clock (milliseconds). */
export interface TokenBucket {
  /** Takes one token if there is one. */
  take(): boolean;
}

export const createTokenBucket = (limit: RateLimit, now: () => number): TokenBucket => {
  let tokens = limit.burst;
  let last = now();
  return {
    take() {
      const t = now();
      tokens = Math.min(limit.burst, tokens + ((t - last) / 1000) * limit.perSecond);
      last = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
};
