// The parley patch to Trystero's offer pool (patches/README.md, "An offer pool for two"): upstream
// built 20 RTCPeerConnections with offers synchronously on every join, for a room that only ever
// holds one partner. These tests drive the patched node_modules/@trystero-p2p/core/dist/offer-pool.mjs
// with peers that count themselves; each fails on the unpatched file (20 made during the join).
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadOfferPool, type OfferPoolModule, type TrysteroPeer } from './trystero-dist';

interface CountedPeer extends TrysteroPeer {
  created: number;
  destroyed: boolean;
}

let mod: OfferPoolModule;
beforeAll(async () => {
  mod = await loadOfferPool();
});

/** Every offer peer the pool made, in order. */
let made: CountedPeer[] = [];
const makeOffer = (): CountedPeer => {
  const peer: CountedPeer = {
    created: Date.now(),
    destroyed: false,
    connection: {},
    get isDead() {
      return this.destroyed;
    },
    destroy() {
      this.destroyed = true;
    },
  };
  made.push(peer);
  return peer;
};
const alive = () => made.filter((p) => !p.destroyed);
/** What encryptOffer does with a fresh peer: it has an offer. */
const encryptOffer = async () => 'offer';

/** The browser's idle callbacks, run when the test says the page is idle. */
let idle: Array<() => void> = [];
const runIdle = () => {
  const due = idle;
  idle = [];
  due.forEach((f) => f());
};

beforeEach(() => {
  made = [];
  idle = [];
  vi.stubGlobal('requestIdleCallback', (f: () => void) => idle.push(f));
  vi.stubGlobal('cancelIdleCallback', () => undefined);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('Trystero offer pool (patched for a two-person room)', () => {
  it('a join makes no offer connection itself; the page’s next idle moment makes two, not twenty', () => {
    const pool = new mod.OfferPool(makeOffer);
    pool.warmup();
    expect(made).toHaveLength(0);
    runIdle();
    expect(made).toHaveLength(2);
    // Nothing more while nothing is taken.
    runIdle();
    expect(made).toHaveLength(2);
    pool.destroy();
    expect(alive()).toHaveLength(0);
  });

  it('a partner arriving before the page was idle gets an offer made on the spot; the pool is topped up to two afterwards', async () => {
    const pool = new mod.OfferPool(makeOffer);
    pool.warmup();
    const [first] = await pool.checkout(1, false, encryptOffer);
    expect(first?.offer).toBe('offer');
    expect(made).toHaveLength(1);
    runIdle();
    expect(made).toHaveLength(3);
    // The next partner (a re-dial) takes a pooled one: nothing is made during the checkout itself.
    await pool.checkout(1, false, encryptOffer);
    expect(made).toHaveLength(3);
    runIdle();
    expect(made).toHaveLength(4);
    pool.destroy();
  });

  it('pooled offers are replaced before they go stale, so the one handed out is fresh', async () => {
    vi.useFakeTimers();
    const pool = new mod.OfferPool(makeOffer);
    pool.warmup();
    runIdle();
    const firstTwo = [...made];
    // Five minutes of waiting alone, the page idle whenever asked.
    for (let t = 0; t < 300_000; t += 1_000) {
      vi.advanceTimersByTime(1_000);
      runIdle();
    }
    expect(firstTwo.every((p) => p.destroyed)).toBe(true);
    // Still two at most alive, and every one younger than Trystero's offer TTL.
    expect(alive()).toHaveLength(2);
    for (const p of alive()) expect(Date.now() - p.created).toBeLessThan(mod.offerTtl);
    const handedOut = made.length;
    await pool.checkout(1, false, encryptOffer);
    expect(made).toHaveLength(handedOut);
    pool.destroy();
    // Only the one handed out is left: it is the caller's now.
    expect(alive()).toHaveLength(1);
  });

  it('leaving before the page was idle makes nothing afterwards', () => {
    const pool = new mod.OfferPool(makeOffer);
    pool.warmup();
    pool.destroy();
    runIdle();
    expect(made).toHaveLength(0);
  });

  it('without requestIdleCallback (Node, old browsers) the pool fills on the next macrotask, not during the join', async () => {
    vi.unstubAllGlobals();
    vi.useFakeTimers();
    const pool = new mod.OfferPool(makeOffer);
    pool.warmup();
    expect(made).toHaveLength(0);
    vi.advanceTimersByTime(0);
    expect(made).toHaveLength(2);
    pool.destroy();
  });
});
