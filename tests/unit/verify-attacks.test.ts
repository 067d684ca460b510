// core/verify against the attacks of docs/verification.md: a DTLS-terminating relay, a two-legged
// attacker, broken commitments, replays, out-of-order and duplicate messages, low-order keys, a wrong ctx,
// and a randomised adversarial network for the rule "never verified without a valid done".
import { describe, expect, it } from 'vitest';
import { sharedSecret } from '../../src/core/verify-crypto';
import { encodeVerifyMessage, parseVerifyMessage, type VerifyMessage } from '../../src/core/verify';
import { Network, codeOf, fakeClock, fp, honestPair, party, seededRandom, type Party } from './verify-harness';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const neverShowedCode = (p: Party) => p.history.every((s) => codeOf(s) === null);

/** A ↔ M1 | M2 ↔ B: M terminates DTLS on both legs, so each side sees M's certificate as the remote one. */
const interceptedPair = (seed: number) => {
  const rng = seededRandom(seed);
  const clock = fakeClock();
  const [fa, fb, fm1, fm2] = [fp('cert A'), fp('cert B'), fp('cert M1'), fp('cert M2')];
  const a = party({
    name: 'A',
    selfId: 'alice-id',
    peerId: 'bob-id',
    fingerprints: { local: fa, remote: fm1 },
    rng,
    clock,
  });
  const b = party({
    name: 'B',
    selfId: 'bob-id',
    peerId: 'alice-id',
    fingerprints: { local: fb, remote: fm2 },
    rng,
    clock,
  });
  const net = new Network();
  net.link(a, b); // M relays every verification message unchanged
  return { a, b, net };
};

describe('a relay that terminates DTLS and passes the messages through unchanged', () => {
  for (const starts of ['A', 'B', 'both'] as const) {
    it(`ends in key_mismatch on both sides and never shows a code (${starts} start)`, () => {
      const { a, b, net } = interceptedPair(100);
      if (starts !== 'B') net.start(a);
      if (starts !== 'A') net.start(b);
      net.run();
      expect(a.verifier.state).toMatchObject({ phase: 'cancelled', reason: 'key_mismatch' });
      expect(b.verifier.state).toMatchObject({ phase: 'cancelled', reason: 'key_mismatch' });
      expect(neverShowedCode(a)).toBe(true);
      expect(neverShowedCode(b)).toBe(true);
      // The people cannot override it.
      net.confirm(a, true);
      expect(a.verifier.state.phase).toBe('cancelled');
    });
  }

  it('also fails when only one side sees a foreign certificate', () => {
    const { a, b, net } = honestPair(101);
    const c = party({
      name: 'A*',
      selfId: 'alice-id',
      peerId: 'bob-id',
      fingerprints: { local: fp('cert alice-id'), remote: fp('cert M') },
      rng: seededRandom(102),
      clock: fakeClock(),
    });
    const net2 = new Network();
    net2.link(c, b);
    net2.start(c);
    net2.run();
    expect(c.verifier.state).toMatchObject({ phase: 'cancelled', reason: 'key_mismatch' });
    expect(b.verifier.state).toMatchObject({ phase: 'cancelled', reason: 'key_mismatch' });
    void a, void net;
  });
});

describe('an attacker who runs its own verification with each side', () => {
  // A ↔ X1 and X2 ↔ B are two honest-looking runs; X knows every certificate, so both MACs verify and both
  // sides reach "comparing". The codes are independent 42-bit values: the commitment (RFC 6189 §4.4.1.1)
  // makes X fix its key before it can know the other leg's code, so each run is one blind guess that
  // succeeds with probability 2^-42 (emoji; 2^-39 for the decimal form). Over 1,000 runs the chance that any
  // pair is equal is ≤ 1000 · 2^-39 ≈ 1.8e-9, so "all differ" is a sound assertion, with a fixed seed besides.
  it('gets different codes on the two screens in 1,000 of 1,000 runs', () => {
    const runs = 1000;
    const rng = seededRandom(0x5eed);
    const clock = fakeClock();
    let differing = 0;
    for (let i = 0; i < runs; i++) {
      const [fa, fb, fx1, fx2] = [fp(`A${i}`), fp(`B${i}`), fp(`X1 ${i}`), fp(`X2 ${i}`)];
      const a = party({
        name: 'A',
        selfId: 'alice',
        peerId: 'bob',
        fingerprints: { local: fa, remote: fx1 },
        rng,
        clock,
      });
      const x1 = party({
        name: 'X1',
        selfId: 'bob',
        peerId: 'alice',
        fingerprints: { local: fx1, remote: fa },
        rng,
        clock,
      });
      const x2 = party({
        name: 'X2',
        selfId: 'alice',
        peerId: 'bob',
        fingerprints: { local: fx2, remote: fb },
        rng,
        clock,
      });
      const b = party({
        name: 'B',
        selfId: 'bob',
        peerId: 'alice',
        fingerprints: { local: fb, remote: fx2 },
        rng,
        clock,
      });
      const net = new Network();
      net.link(a, x1);
      net.link(x2, b);
      // Vary who initiates each leg: X as responder on both legs, as initiator on both, or mixed.
      const plan = i % 4;
      net.start(plan === 0 || plan === 2 ? a : x1);
      net.start(plan === 0 || plan === 3 ? b : x2);
      net.run();
      for (const p of [a, x1, x2, b]) expect(p.verifier.state.phase).toBe('comparing');
      const codeA = codeOf(a.verifier.state);
      const codeB = codeOf(b.verifier.state);
      expect(codeOf(x1.verifier.state)).toBe(codeA); // each leg alone is consistent
      expect(codeOf(x2.verifier.state)).toBe(codeB);
      const [sa, sb] = [a.verifier.state, b.verifier.state];
      if (sa.phase !== 'comparing' || sb.phase !== 'comparing') throw new Error('unreachable');
      const emojiA = sa.sas.emoji.map((e) => e.index).join();
      const emojiB = sb.sas.emoji.map((e) => e.index).join();
      if (emojiA !== emojiB && sa.sas.decimal.join() !== sb.sas.decimal.join()) differing++;
      // The people compare, see different codes, and end the call.
      net.confirm(a, false);
      net.run();
      expect(a.verifier.state).toMatchObject({ phase: 'cancelled', reason: 'mismatched_sas' });
    }
    expect(differing).toBe(runs);
  }, 120_000);
});

describe('commitments', () => {
  it('a reveal that differs from the commitment → mismatched_commitment on both sides, no code', () => {
    for (const field of ['publicKey', 'nonce'] as const) {
      const { a, b, net } = honestPair(200);
      const swap = honestPair(201);
      swap.net.start(swap.a);
      swap.net.run();
      const otherReveal = swap.a.sent.find((m) => m.type === 'reveal');
      if (otherReveal?.type !== 'reveal') throw new Error('no reveal');
      net.tamper = (data) => {
        const m = parseVerifyMessage(data);
        if (m?.type !== 'reveal') return data;
        return encodeVerifyMessage({ ...m, [field]: otherReveal[field] });
      };
      net.start(a);
      net.run();
      expect(b.verifier.state).toEqual({ phase: 'cancelled', reason: 'mismatched_commitment', by: 'self' });
      expect(a.verifier.state).toEqual({ phase: 'cancelled', reason: 'mismatched_commitment', by: 'peer' });
      expect(neverShowedCode(a) && neverShowedCode(b)).toBe(true);
    }
  });
});

describe('replayed messages from an earlier run (another txid)', () => {
  const earlierRun = () => {
    const old = honestPair(300);
    old.net.start(old.a);
    old.net.run();
    old.net.confirm(old.a, true);
    old.net.confirm(old.b, true);
    old.net.run();
    expect(old.a.verifier.state.phase).toBe('verified');
    return { fromA: old.a.sent, fromB: old.b.sent };
  };

  it('are refused with unexpected_message at every step of a new run', () => {
    const old = earlierRun();
    const replays: [VerifyMessage | undefined, 'A' | 'B', number][] = [
      [old.fromB[0], 'A', 0], // old key while A waits for key
      [old.fromA[1], 'B', 1], // old reveal while B waits for reveal
      [old.fromA[2], 'B', 2], // old confirm while B waits for confirm
      [old.fromB[1], 'A', 3], // old confirm while A waits for confirm
      [old.fromB[2], 'A', 99], // old done while A compares codes
    ];
    for (const [message, target, after] of replays) {
      if (!message) throw new Error('missing message');
      const { a, b, net } = honestPair(301);
      net.start(a);
      for (let i = 0; i < after && net.deliverOne(); i++);
      if (after === 99) net.run();
      const victim = target === 'A' ? a : b;
      const step = net.apply(victim, victim.verifier.receive(message));
      expect(step.state).toEqual({ phase: 'cancelled', reason: 'unexpected_message', by: 'self' });
      expect(step.send).toHaveLength(1);
      expect(hex(step.send[0]?.txid ?? new Uint8Array())).toBe(hex(a.sent[0]?.txid ?? new Uint8Array()));
    }
  });

  it('a whole earlier run replayed into a fresh verifier never produces a code', () => {
    const old = earlierRun();
    const { b } = honestPair(302); // fresh B, same certificates as the earlier run
    const net = new Network();
    for (const m of old.fromA) {
      net.apply(b, b.verifier.receive(m));
      if (b.verifier.state.phase === 'cancelled') break;
    }
    // The old reveal matches the old commit, but B's fresh key makes the old confirm MAC wrong.
    expect(b.verifier.state).toEqual({ phase: 'cancelled', reason: 'key_mismatch', by: 'self' });
    expect(neverShowedCode(b)).toBe(true);
  });
});

describe('out-of-order and duplicate messages → unexpected_message', () => {
  // The honest order is: commit(A→B), key(B→A), reveal(A→B), confirm(A→B), confirm(B→A), then done.
  const cases: {
    name: string;
    deliverFirst: number;
    inject: (a: Party, b: Party) => [Party, VerifyMessage | undefined];
  }[] = [
    { name: 'duplicate commit', deliverFirst: 1, inject: (a, b) => [b, a.sent[0]] },
    { name: 'duplicate key', deliverFirst: 4, inject: (a, b) => [a, b.sent[0]] },
    { name: 'duplicate reveal', deliverFirst: 4, inject: (a, b) => [b, a.sent[1]] },
    { name: 'duplicate confirm', deliverFirst: 5, inject: (a, b) => [b, a.sent[2]] },
    { name: 'confirm before reveal', deliverFirst: 2, inject: (a, b) => [b, a.sent[2]] },
    { name: 'reveal to the initiator itself', deliverFirst: 2, inject: (a) => [a, a.sent[1]] },
    {
      name: 'key to a verifier that is idle',
      deliverFirst: 0,
      inject: () => [
        honestPair(9).a,
        {
          type: 'key',
          txid: new Uint8Array(16).fill(2),
          publicKey: new Uint8Array(32).fill(9),
          nonce: new Uint8Array(16),
        },
      ],
    },
    { name: 'commit reflected back to its sender', deliverFirst: 0, inject: (a) => [a, a.sent[0]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { a, b, net } = honestPair(400);
      net.start(a);
      for (let i = 0; i < c.deliverFirst; i++) net.deliverOne();
      const [victim, message] = c.inject(a, b);
      if (!message) throw new Error('missing message');
      const step = victim.verifier.receive(message);
      expect(step.state).toEqual({ phase: 'cancelled', reason: 'unexpected_message', by: 'self' });
      expect(step.send.map((m) => m.type)).toEqual(['cancel']);
    });
  }

  it('duplicate done while the code is still shown', () => {
    const { a, b, net } = honestPair(401);
    net.start(a);
    net.run();
    net.confirm(a, true);
    const done = a.sent.at(-1);
    if (done?.type !== 'done') throw new Error('no done');
    net.run();
    expect(b.verifier.receive(done).state).toEqual({ phase: 'cancelled', reason: 'unexpected_message', by: 'self' });
  });

  it('a cancel for an unknown txid cancels the run in progress', () => {
    const { a, net } = honestPair(402);
    net.start(a);
    const step = a.verifier.receive({ type: 'cancel', txid: new Uint8Array(16).fill(1), reason: 'timeout' });
    expect(step.state).toEqual({ phase: 'cancelled', reason: 'unexpected_message', by: 'self' });
  });
});

describe('all-zero and low-order public keys (RFC 7748 §6.1)', () => {
  // The u-coordinates of points of order 1, 2, 4 and 8 on Curve25519 and its twist, the non-canonical
  // encodings p and p + 1 (≡ 0 and 1), and the same with the top bit set, which RFC 7748 §5 says to ignore
  // (the blocklist libsodium uses, see https://cr.yp.to/ecdh.html#validate).
  const lowOrder = [
    '0000000000000000000000000000000000000000000000000000000000000000', // 0 (all zero)
    '0100000000000000000000000000000000000000000000000000000000000000', // 1
    'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', // order 8
    '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', // order 8
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p − 1 (order 2)
    'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p (≡ 0)
    'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p + 1 (≡ 1)
    '0000000000000000000000000000000000000000000000000000000000000080', // 0, top bit set
    '0100000000000000000000000000000000000000000000000000000000000080', // 1, top bit set
    'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880', // order 8, top bit set
    '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7', // order 8, top bit set
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // p − 1, top bit set
    'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // p, top bit set
    'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // p + 1, top bit set
  ].map((h) => Uint8Array.from(Buffer.from(h, 'hex')));

  it('sharedSecret refuses every one of them', () => {
    const sk = seededRandom(500).bytes(32);
    for (const pk of lowOrder) expect(sharedSecret(sk, pk)).toBeNull();
    expect(sharedSecret(sk, Uint8Array.from(Buffer.from('09'.padEnd(64, '0'), 'hex')))).not.toBeNull(); // the base point is fine
  });

  it('a responder that sends a low-order key → invalid_key at the initiator, no code', () => {
    for (const pk of lowOrder) {
      const { a, b, net } = honestPair(501);
      net.tamper = (data) => {
        const m = parseVerifyMessage(data);
        return m?.type === 'key' ? encodeVerifyMessage({ ...m, publicKey: pk }) : data;
      };
      net.start(a);
      net.run();
      expect(a.verifier.state).toEqual({ phase: 'cancelled', reason: 'invalid_key', by: 'self' });
      expect(b.verifier.state).toEqual({ phase: 'cancelled', reason: 'invalid_key', by: 'peer' });
      expect(neverShowedCode(a) && neverShowedCode(b)).toBe(true);
    }
  });

  it('an initiator that commits to a low-order key and reveals it → invalid_key at the responder', async () => {
    const { commitment } = await import('../../src/core/verify-crypto');
    for (const pk of lowOrder) {
      const { b } = honestPair(502);
      const txid = new Uint8Array(16).fill(3);
      const nonce = new Uint8Array(16).fill(4);
      const c = commitment(txid, pk, nonce, 'c0ffee00c0ffee00c0ffee00c0ffee00');
      b.verifier.receive({ type: 'commit', txid, commitment: c });
      const step = b.verifier.receive({ type: 'reveal', txid, publicKey: pk, nonce });
      expect(step.state).toEqual({ phase: 'cancelled', reason: 'invalid_key', by: 'self' });
    }
  });
});

describe('a different ctx', () => {
  it('fails: the commitment binds ctx, so the responder refuses the reveal and no code is shown', () => {
    const rng = seededRandom(600);
    const clock = fakeClock();
    const [fa, fb] = [fp('a'), fp('b')];
    const a = party({
      name: 'A',
      selfId: 'a',
      peerId: 'b',
      fingerprints: { local: fa, remote: fb },
      rng,
      clock,
      ctx: 'room-1',
    });
    const b = party({
      name: 'B',
      selfId: 'b',
      peerId: 'a',
      fingerprints: { local: fb, remote: fa },
      rng,
      clock,
      ctx: 'room-2',
    });
    const net = new Network();
    net.link(a, b);
    net.start(a);
    net.run();
    expect(b.verifier.state).toEqual({ phase: 'cancelled', reason: 'mismatched_commitment', by: 'self' });
    expect(a.verifier.state).toEqual({ phase: 'cancelled', reason: 'mismatched_commitment', by: 'peer' });
    expect(neverShowedCode(a) && neverShowedCode(b)).toBe(true);
  });

  it('fails the same way whichever side starts', () => {
    const rng = seededRandom(601);
    const clock = fakeClock();
    const [fa, fb] = [fp('a'), fp('b')];
    const a = party({
      name: 'A',
      selfId: 'a',
      peerId: 'b',
      fingerprints: { local: fa, remote: fb },
      rng,
      clock,
      ctx: 'room-1',
    });
    const b = party({
      name: 'B',
      selfId: 'b',
      peerId: 'a',
      fingerprints: { local: fb, remote: fa },
      rng,
      clock,
      ctx: 'room-2',
    });
    const net = new Network();
    net.link(a, b);
    net.start(b);
    net.run();
    expect(a.verifier.state).toEqual({ phase: 'cancelled', reason: 'mismatched_commitment', by: 'self' });
    expect(b.verifier.state).toEqual({ phase: 'cancelled', reason: 'mismatched_commitment', by: 'peer' });
    expect(neverShowedCode(a) && neverShowedCode(b)).toBe(true);
  });
});

describe('"verified" needs the local person AND a valid done from the peer (randomised adversary)', () => {
  // 800 seeded scenarios. The network may drop, duplicate, delay, corrupt or replay messages; the people
  // answer "match" or "differ" at random moments or never. Whenever a side reports "verified", its own person
  // must have said "match" while the code was shown, the peer's person must have said "match" too (a done of
  // this run really exists), and both must have shown the same code.
  it('holds in every scenario', () => {
    const oldRun = honestPair(700);
    oldRun.net.start(oldRun.a);
    oldRun.net.run();
    const replayPool = [...oldRun.a.sent, ...oldRun.b.sent].map(encodeVerifyMessage);
    let verifiedRuns = 0;
    for (let seed = 0; seed < 800; seed++) {
      const rng = seededRandom(10_000 + seed);
      const { a, b, net, clock } = honestPair(20_000 + seed);
      const hostile = rng.next() < 0.7;
      net.tamper = (data) => {
        if (!hostile) return data;
        const roll = rng.next();
        if (roll < 0.08) return null; // drop
        if (roll < 0.16) {
          const chars = [...data];
          const at = rng.int(chars.length);
          chars[at] = '0123456789abcdef"{}:,'.charAt(rng.int(21));
          return chars.join(''); // corrupt one character
        }
        if (roll < 0.22) return replayPool[rng.int(replayPool.length)] ?? data; // replay
        if (roll < 0.3) net.queue.push({ from: a, to: rng.next() < 0.5 ? a : b, data }); // duplicate, maybe misrouted
        return data;
      };
      if (rng.next() < 0.8) net.start(a);
      if (rng.next() < 0.5) net.start(b);
      for (let i = 0; i < 40; i++) {
        const r = rng.next();
        if (r < 0.5) net.deliverOne();
        else if (r < 0.6) net.confirm(rng.next() < 0.5 ? a : b, rng.next() < 0.85);
        else if (r < 0.65) clock.advance(rng.int(70_000));
        else if (r < 0.7) net.apply(a, a.verifier.tick());
      }
      net.run();
      if (rng.next() < 0.7) net.confirm(a, true);
      if (rng.next() < 0.7) net.confirm(b, true);
      net.run();
      for (const [self, peer] of [
        [a, b],
        [b, a],
      ] as const) {
        const verifiedAt = self.history.findIndex((s) => s.phase === 'verified');
        if (verifiedAt < 0) continue;
        verifiedRuns++;
        expect(self.confirmedMatch).toBe(true);
        expect(peer.confirmedMatch).toBe(true);
        const doneTx = self.sent.find((m) => m.type === 'done')?.txid;
        const peerDone = peer.sent.find((m) => m.type === 'done');
        expect(peerDone && doneTx && hex(peerDone.txid) === hex(doneTx)).toBe(true);
        expect(codeOf(self.history[verifiedAt] ?? { phase: 'idle' })).toBe(
          codeOf(peer.history.find((s) => codeOf(s) !== null) ?? { phase: 'idle' }),
        );
      }
    }
    // The scenarios must actually reach "verified" often enough to mean something.
    expect(verifiedRuns).toBeGreaterThan(100);
  }, 120_000);
});
