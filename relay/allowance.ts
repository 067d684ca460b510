/**
 * A connection's allowance: work it may do without charging its address group (limits.ts,
 * `connectionAllowance`). Unlike a token bucket's all-or-nothing take, `cover` pays what it can of a
 * charge and returns the rest for the group to pay, so one large frame spends the allowance instead
 * of leaving it whole for later (the group then pays only what exceeds it).
 */
export interface Allowance {
  /** Pays up to `units` from the allowance; returns the part it could not pay. */
  cover(units: number): number;
}

export const createAllowance = (burst: number, perSecond: number, now: () => number): Allowance => {
  let tokens = burst;
  let last = now();
  return {
    cover(units) {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSecond);
      last = t;
      const paid = Math.min(tokens, units);
      tokens -= paid;
      return units - paid;
    },
  };
};
