import { describe, expect, it } from 'vitest';
import { createSlidingWindowLimiter, JOIN_LIMIT } from '../../src/core/rate-limit';
import { memoryStore } from '../../src/adapters/storage/local-storage';

const limiter = (store: ReturnType<typeof memoryStore>, clock: { t: number }) =>
  createSlidingWindowLimiter({ ...JOIN_LIMIT, store, now: () => clock.t });

describe('join rate limit', () => {
  it('allows five joins a minute and says when the sixth may happen', () => {
    const clock = { t: 1_000_000 };
    const l = limiter(memoryStore(), clock);
    for (let i = 0; i < 5; i++, clock.t += 1000) expect(l.tryAcquire()).toEqual({ ok: true });
    expect(l.tryAcquire()).toEqual({ ok: false, retryAt: 1_000_000 + 60_000 });
    clock.t = 1_000_000 + 59_999;
    expect(l.tryAcquire().ok).toBe(false);
    clock.t = 1_000_000 + 60_000;
    expect(l.tryAcquire()).toEqual({ ok: true });
    expect(l.tryAcquire()).toEqual({ ok: false, retryAt: 1_001_000 + 60_000 });
  });

  it('persists across reloads: a new limiter over the same store remembers', () => {
    const clock = { t: 5_000 };
    const store = memoryStore();
    const first = limiter(store, clock);
    for (let i = 0; i < 5; i++) first.tryAcquire();
    const afterReload = limiter(store, clock);
    expect(afterReload.tryAcquire().ok).toBe(false);
  });

  it('treats corrupt or hostile stored state as empty, bounded, or stale', () => {
    const clock = { t: 100_000 };
    for (const junk of ['nope', { a: 1 }, [null, 'x', Infinity, NaN], null])
      expect(limiter(memoryStore(junk), clock).tryAcquire().ok).toBe(true);
    // A million entries are cut to the limit; entries from the future (clock set back) do not block.
    const full = memoryStore(Array.from({ length: 1_000_000 }, () => 99_999));
    expect(limiter(full, clock).tryAcquire().ok).toBe(false);
    const stale = memoryStore(Array.from({ length: 1_000_000 }, (_, i) => i % 1000));
    expect(limiter(stale, clock).tryAcquire().ok).toBe(true);
    expect(stale.value).toEqual([100_000]);
    expect(limiter(memoryStore([200_000, 200_001, 200_002, 200_003, 200_004]), clock).tryAcquire().ok).toBe(true);
  });
});
