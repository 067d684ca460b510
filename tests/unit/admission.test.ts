import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createAdmission,
  pairWins,
  PROVISIONAL_MS,
  type Admission,
  type AdmissionOutput,
} from '../../src/core/admission';
import type { AdmissionMessage } from '../../src/core/protocol';

/** A tiny seeded PRNG (mulberry32) so every failing schedule replays exactly. */
const prng = (seed: number) => () => {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

interface Sim {
  peers: Map<string, Admission>;
  /** Ordered channel per direction, as a data channel is: key `from>to`. */
  links: Map<string, AdmissionMessage[]>;
  /** Peers that were told the room is full (and then left, as the app does). */
  refused: Set<string>;
  /** Every partner change per peer, to check that a pair is never disturbed. */
  history: Map<string, Array<string | null>>;
  now: number;
}

const key = (a: string, b: string) => `${a}>${b}`;

const apply = (sim: Sim, self: string, outputs: AdmissionOutput[]) => {
  for (const o of outputs) {
    if (o.kind === 'send') sim.links.get(key(self, o.to))?.push(o.message);
    else if (o.kind === 'paired') sim.history.get(self)?.push(o.peer);
    else if (o.kind === 'unpaired') sim.history.get(self)?.push(null);
    else if (o.kind === 'full') {
      sim.refused.add(self);
      leave(sim, self);
      return;
    }
  }
};

const connect = (sim: Sim, a: string, b: string) => {
  if (!sim.peers.has(a) || !sim.peers.has(b) || sim.links.has(key(a, b))) return;
  sim.links.set(key(a, b), []);
  sim.links.set(key(b, a), []);
  apply(sim, a, sim.peers.get(a)!.connect(b, sim.now));
  if (sim.peers.has(b)) apply(sim, b, sim.peers.get(b)!.connect(a, sim.now));
};

function leave(sim: Sim, id: string) {
  if (!sim.peers.delete(id)) return;
  for (const other of [...sim.peers.keys()]) {
    if (!sim.links.delete(key(id, other))) continue;
    sim.links.delete(key(other, id));
    const adm = sim.peers.get(other);
    if (adm) apply(sim, other, adm.disconnect(id, sim.now));
  }
}

const deliverOne = (sim: Sim, linkKey: string) => {
  const queue = sim.links.get(linkKey);
  const message = queue?.shift();
  if (!message) return;
  const [from, to] = linkKey.split('>') as [string, string];
  const adm = sim.peers.get(to);
  if (adm) apply(sim, to, adm.receive(from, message, sim.now));
};

/** Runs joins, connections and deliveries in a seeded random order until nothing is left to do. */
const run = (ids: string[], seed: number, options: { startAt?: number[] } = {}) => {
  const rand = prng(seed);
  const sim: Sim = { peers: new Map(), links: new Map(), refused: new Set(), history: new Map(), now: 1_000 };
  const pending = ids.map((id, i) => ({ id, at: options.startAt?.[i] ?? 0 }));
  let steps = 0;
  while (steps++ < 100_000) {
    const due = pending.filter((p) => p.at <= sim.now);
    const toConnect: Array<[string, string]> = [];
    const live = [...sim.peers.keys()];
    for (const a of live) for (const b of live) if (a < b && !sim.links.has(key(a, b))) toConnect.push([a, b]);
    const busy = [...sim.links].filter(([, q]) => q.length > 0).map(([k]) => k);
    const choices = due.length + toConnect.length + busy.length;
    if (choices === 0) {
      if (pending.length === 0) break;
      sim.now = Math.min(...pending.map((p) => p.at));
      continue;
    }
    const pick = Math.floor(rand() * choices);
    if (pick < due.length) {
      const p = due[pick]!;
      pending.splice(pending.indexOf(p), 1);
      sim.peers.set(p.id, createAdmission(p.id));
      sim.history.set(p.id, []);
    } else if (pick < due.length + toConnect.length) {
      const [a, b] = toConnect[pick - due.length]!;
      connect(sim, a, b);
    } else deliverOne(sim, busy[pick - due.length - toConnect.length]!);
    sim.now += Math.floor(rand() * 40);
  }
  return sim;
};

const pairsOf = (sim: Sim) => {
  const pairs = new Set<string>();
  for (const [id, adm] of sim.peers) if (adm.partner !== null) pairs.add([id, adm.partner].sort().join('+'));
  return pairs;
};

const peerIds = fc.uniqueArray(fc.stringMatching(/^[0-9A-Za-z]{4}$/), { minLength: 2, maxLength: 5 });

describe('admission: exactly one pair per room', () => {
  it('two people pair, whoever arrives first', () => {
    const sim = run(['b', 'a'], 1);
    expect(pairsOf(sim)).toEqual(new Set(['a+b']));
    expect(sim.refused.size).toBe(0);
  });

  it('property: any 2–5 peers joining at once, any delivery order → one pair, agreed by both, everyone else told "full"', () => {
    fc.assert(
      fc.property(peerIds, fc.integer(), (ids, seed) => {
        const sim = run(ids, seed);
        const pairs = pairsOf(sim);
        expect(pairs.size).toBe(1);
        const [a, b] = [...pairs][0]!.split('+') as [string, string];
        expect(sim.peers.get(a)?.partner).toBe(b);
        expect(sim.peers.get(b)?.partner).toBe(a);
        // Everyone not in the pair was refused and told why; nobody else remains.
        expect([...sim.peers.keys()].sort()).toEqual([a, b].sort());
        expect(sim.refused).toEqual(new Set(ids.filter((id) => id !== a && id !== b)));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: late arrivals never disturb an established pair', () => {
    fc.assert(
      fc.property(
        peerIds.filter((ids) => ids.length >= 3),
        fc.integer(),
        (ids, seed) => {
          // The first two arrive at once; the others well after the pair has settled.
          const startAt = ids.map((_, i) => (i < 2 ? 0 : 60_000 + i * 1000));
          const sim = run(ids, seed, { startAt });
          const [first, second] = ids as [string, string];
          expect(pairsOf(sim)).toEqual(new Set([[first, second].sort().join('+')]));
          // Each pair member paired exactly once and never changed partner.
          expect(sim.history.get(first)).toEqual([second]);
          expect(sim.history.get(second)).toEqual([first]);
          expect(sim.refused).toEqual(new Set(ids.slice(2)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('property: when a pair member leaves, the slot reopens and the remaining ones pair again', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const sim = run(['m', 'k'], seed);
        expect(pairsOf(sim)).toEqual(new Set(['k+m']));
        leave(sim, 'm');
        expect(sim.peers.get('k')?.partner).toBeNull();
        // Someone else arrives later: they pair with the one who waited.
        sim.peers.set('z', createAdmission('z'));
        sim.history.set('z', []);
        connect(sim, 'k', 'z');
        for (let i = 0; i < 100; i++) for (const k of [...sim.links.keys()]) deliverOne(sim, k);
        expect(pairsOf(sim)).toEqual(new Set(['k+z']));
      }),
      { numRuns: 200 },
    );
  });
});

/** Outputs other than state messages (which are re-sent freely and asserted separately). */
const act = (out: AdmissionOutput[]) => out.filter((o) => !(o.kind === 'send' && o.message.type === 'state'));
/** Only what changes the pairing: pairing, unpairing, "full", offers and releases (not states, not "I am taken"). */
const decided = (out: AdmissionOutput[]) => act(out).filter((o) => !(o.kind === 'send' && o.message.type === 'reject'));

describe('admission: rules', () => {
  it("answers a peer's first state with its own, once, in case its first was lost while the connection opened", () => {
    const a = createAdmission('a');
    a.connect('b', 0);
    const first = a.receive('b', { v: 1, type: 'state', pair: null, at: 0 }, 0);
    expect(first).toEqual([{ kind: 'send', to: 'b', message: { v: 1, type: 'state', pair: null, at: 0 } }]);
    expect(a.receive('b', { v: 1, type: 'state', pair: null, at: 0 }, 500)).toEqual([]);
  });

  it('a paired peer rejects any offer and tells newcomers it is taken; a free one is refused only when both of the pair refuse it', () => {
    const a = createAdmission('a');
    a.connect('b', 0);
    a.receive('b', { v: 1, type: 'state', pair: null, at: 0 }, 0);
    const out = a.receive('b', { v: 1, type: 'offer' }, 10);
    expect(out).toContainEqual({ kind: 'paired', peer: 'b' });
    expect(act(a.connect('c', 20))).toEqual([{ kind: 'send', to: 'c', message: { v: 1, type: 'reject' } }]);
    expect(a.receive('c', { v: 1, type: 'offer' }, 30)).toEqual([
      { kind: 'send', to: 'c', message: { v: 1, type: 'reject' } },
    ]);

    const c = createAdmission('c');
    c.connect('a', 0);
    c.connect('b', 0);
    // One member's word is not the pair's: c waits.
    expect(act(c.receive('a', { v: 1, type: 'state', pair: ['a', 'b'], at: 10 }, 40))).toEqual([]);
    expect(act(c.receive('a', { v: 1, type: 'reject' }, 41))).toEqual([]);
    expect(act(c.receive('b', { v: 1, type: 'state', pair: ['a', 'b'], at: 10 }, 42))).toEqual([]);
    expect(c.refused).toBe(false);
    // Both members say it of themselves, and both turn c down: the room is full.
    expect(act(c.receive('b', { v: 1, type: 'reject' }, 43))).toEqual([{ kind: 'full' }]);
    expect(c.refused).toBe(true);
  });

  it('a just-formed pair yields to an older one both of whose members confirm it; an established pair never does', () => {
    const young = createAdmission('c');
    young.connect('d', 0);
    young.receive('d', { v: 1, type: 'offer' }, 1_000);
    expect(young.partner).toBe('d');
    young.connect('a', 1_100);
    young.connect('b', 1_100);
    // One member's claim alone changes nothing.
    expect(decided(young.receive('a', { v: 1, type: 'state', pair: ['a', 'b'], at: 900 }, 1_200))).toEqual([]);
    expect(young.partner).toBe('d');
    young.receive('a', { v: 1, type: 'reject' }, 1_200);
    young.receive('b', { v: 1, type: 'reject' }, 1_200);
    const out = young.receive('b', { v: 1, type: 'state', pair: ['a', 'b'], at: 900 }, 1_250);
    expect(out).toContainEqual({ kind: 'send', to: 'd', message: { v: 1, type: 'release' } });
    expect(out).toContainEqual({ kind: 'unpaired', peer: 'd' });
    expect(out).toContainEqual({ kind: 'full' });

    const settled = createAdmission('c');
    settled.connect('d', 0);
    settled.receive('d', { v: 1, type: 'offer' }, 1_000);
    settled.connect('a', 1_000 + PROVISIONAL_MS);
    settled.connect('b', 1_000 + PROVISIONAL_MS);
    // Even a far older pair, confirmed by both its members, cannot break a call that has settled.
    settled.receive('a', { v: 1, type: 'state', pair: ['a', 'b'], at: 0 }, 1_000 + PROVISIONAL_MS);
    expect(
      decided(settled.receive('b', { v: 1, type: 'state', pair: ['a', 'b'], at: 0 }, 1_000 + PROVISIONAL_MS)),
    ).toEqual([]);
    expect(settled.partner).toBe('d');
  });

  it('an offer or an accept lost on the way (dropped by a rate budget) is asked and answered again', () => {
    const z = createAdmission('z');
    z.connect('a', 0);
    expect(act(z.receive('a', { v: 1, type: 'state', pair: null, at: 0 }, 0))).toEqual([
      { kind: 'send', to: 'a', message: { v: 1, type: 'offer' } },
    ]);
    // The offer never arrived; a's next heartbeat still says it is free: z asks again.
    expect(act(z.receive('a', { v: 1, type: 'state', pair: null, at: 0 }, 500))).toEqual([
      { kind: 'send', to: 'a', message: { v: 1, type: 'offer' } },
    ]);
    const a = createAdmission('a');
    a.connect('z', 0);
    a.receive('z', { v: 1, type: 'state', pair: null, at: 0 }, 0);
    expect(a.receive('z', { v: 1, type: 'offer' }, 600)).toContainEqual({ kind: 'paired', peer: 'z' });
    // Its accept was lost too: the same offer again gets the same answer, not a refusal.
    expect(act(a.receive('z', { v: 1, type: 'offer' }, 1_100))).toEqual([
      { kind: 'send', to: 'z', message: { v: 1, type: 'accept', at: 600 } },
    ]);
    expect(z.receive('a', { v: 1, type: 'accept', at: 600 }, 1_200)).toContainEqual({ kind: 'paired', peer: 'a' });
  });

  it('orders pairs by age, then by smallest id', () => {
    expect(pairWins(['a', 'b'], 1, ['c', 'd'], 2)).toBe(true);
    expect(pairWins(['c', 'd'], 1, ['a', 'b'], 2)).toBe(true);
    expect(pairWins(['a', 'z'], 5, ['b', 'c'], 5)).toBe(true);
    expect(pairWins(['b', 'c'], 5, ['a', 'z'], 5)).toBe(false);
  });

  it('ignores messages from peers it is not connected to', () => {
    const a = createAdmission('a');
    expect(a.receive('ghost', { v: 1, type: 'offer' }, 0)).toEqual([]);
    expect(a.partner).toBeNull();
  });
});

/** Delivers every queued message among `peers` until nothing moves (a fixed order: these are scripted attacks). */
const settle = (
  peers: Map<string, Admission>,
  links: Map<string, AdmissionMessage[]>,
  now: number,
  refused: Set<string>,
) => {
  for (let moved = true; moved; ) {
    moved = false;
    for (const [k, q] of links) {
      const message = q.shift();
      if (!message) continue;
      moved = true;
      const [from, to] = k.split('>') as [string, string];
      const adm = peers.get(to);
      if (!adm) continue;
      for (const o of adm.receive(from, message, now)) {
        if (o.kind === 'send') links.get(key(to, o.to))?.push(o.message);
        if (o.kind === 'full') refused.add(to);
      }
    }
  }
};

describe('admission under attack: claims a peer cannot back are never believed (issue 14)', () => {
  /** Honest peers `ids` plus an attacker `x` connected to each of them; returns the wiring. */
  const room = (ids: string[]) => {
    const peers = new Map(ids.map((id) => [id, createAdmission(id)] as const));
    const links = new Map<string, AdmissionMessage[]>();
    const refused = new Set<string>();
    const wire = (a: string, b: string, now: number) => {
      links.set(key(a, b), []);
      links.set(key(b, a), []);
      for (const [self, other] of [
        [a, b],
        [b, a],
      ] as const) {
        for (const o of peers.get(self)?.connect(other, now) ?? [])
          if (o.kind === 'send') links.get(key(self, o.to))?.push(o.message);
      }
    };
    return {
      peers,
      links,
      refused,
      wire,
      forge: (from: string, to: string, m: AdmissionMessage) => links.get(key(from, to))?.push(m),
    };
  };

  it('one forged state ("pair": ["0","1"]) from a link holder sends nobody to "room full"; the two honest people still pair', () => {
    const { peers, links, refused, wire, forge } = room(['m', 'k']);
    wire('m', 'x', 0);
    wire('k', 'x', 0);
    for (const to of ['m', 'k']) {
      forge('x', to, { v: 1, type: 'state', pair: ['0', '1'], at: 0 });
      forge('x', to, { v: 1, type: 'state', pair: ['0', 'x'], at: 0 });
      forge('x', to, { v: 1, type: 'reject' });
    }
    settle(peers, links, 10, refused);
    expect(refused).toEqual(new Set());
    expect([peers.get('m')?.refused, peers.get('k')?.refused]).toEqual([false, false]);
    // The honest pair forms as soon as the two meet.
    wire('m', 'k', 20);
    settle(peers, links, 30, refused);
    expect([peers.get('m')?.partner, peers.get('k')?.partner]).toEqual(['k', 'm']);
  });

  it('a young pair is not broken by one peer claiming an older pair (its mate absent or silent)', () => {
    const { peers, links, refused, wire, forge } = room(['m', 'k']);
    wire('m', 'k', 1_000);
    settle(peers, links, 1_000, refused);
    expect(peers.get('m')?.partner).toBe('k');
    wire('m', 'x', 1_100);
    // "I have been paired with `0` since the dawn of time", said by x alone.
    forge('x', 'm', { v: 1, type: 'state', pair: ['0', 'x'], at: 0 });
    forge('x', 'm', { v: 1, type: 'reject' });
    settle(peers, links, 1_200, refused);
    expect([peers.get('m')?.partner, peers.get('k')?.partner]).toEqual(['k', 'm']);
    expect(refused).toEqual(new Set());
  });

  it('a pair stays young only by our own clock: an accept stamped far in the future does not make it yield later', () => {
    const m = createAdmission('m');
    m.connect('k', 0);
    m.receive('k', { v: 1, type: 'state', pair: null, at: 0 }, 0);
    // m offered k (k < m); k accepts with a label from its own, far-off clock.
    expect(m.receive('k', { v: 1, type: 'accept', at: 9e15 }, 100)).toContainEqual({ kind: 'paired', peer: 'k' });
    m.connect('a', 100 + PROVISIONAL_MS);
    m.connect('b', 100 + PROVISIONAL_MS);
    m.receive('a', { v: 1, type: 'state', pair: ['a', 'b'], at: 0 }, 100 + PROVISIONAL_MS);
    expect(decided(m.receive('b', { v: 1, type: 'state', pair: ['a', 'b'], at: 0 }, 100 + PROVISIONAL_MS))).toEqual([]);
    expect(m.partner).toBe('k');
  });

  it('a peer that turned us down is asked again once it says it is free', () => {
    const z = createAdmission('z');
    z.connect('a', 0);
    z.receive('a', { v: 1, type: 'state', pair: null, at: 0 }, 0);
    expect(act(z.receive('a', { v: 1, type: 'reject' }, 10))).toEqual([]);
    expect(z.refused).toBe(false);
    // Still the same word: not asked again (no ping-pong of offers and rejections).
    expect(act(z.receive('a', { v: 1, type: 'state', pair: null, at: 0 }, 20))).toEqual([]);
    z.receive('a', { v: 1, type: 'state', pair: ['a', 'q'], at: 5 }, 30);
    expect(act(z.receive('a', { v: 1, type: 'state', pair: null, at: 0 }, 40))).toEqual([
      { kind: 'send', to: 'a', message: { v: 1, type: 'offer' } },
    ]);
  });
});
