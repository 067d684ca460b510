// core/verify-session: every run on one connection (docs/verification.md §"Runs, warnings and Verify again").
// The attacker here sits on the data channel before verification: it can drop, forge and replay any
// verification message (cancels carry no MAC), but cannot make two screens show the same code.
import { describe, expect, it } from 'vitest';
import { VERIFY_TIMEOUT_MS, type CancelReason } from '../../src/core/verify';
import { PEER_AGAIN_LIMIT, VERIFY_AGAIN_LIMIT, createVerifySession } from '../../src/core/verify-session';
import { fp, seededRandom, sessionPair, type SessionParty } from './verify-harness';

type Pair = ReturnType<typeof sessionPair>;
const codeOf = (p: SessionParty): string | null => {
  const s = p.session.state;
  return s.phase === 'comparing' || s.phase === 'confirmed' || s.phase === 'verified' ? s.sas.decimal.join(' ') : null;
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const txidOf = (p: SessionParty): Uint8Array => {
  const m = p.sent.at(-1);
  if (!m) throw new Error(`${p.name} sent nothing`);
  return m.txid;
};

/** Brings an honest pair (A starts) to a phase, returning the side the attacker will hit and the run's txid. */
const PHASES: { name: string; reach: (p: Pair) => { victim: SessionParty; phase: string } }[] = [
  { name: 'initiator waiting for key', reach: ({ a, net }) => (net.start(a), { victim: a, phase: 'exchanging' }) },
  {
    name: 'responder waiting for reveal',
    reach: ({ a, b, net }) => (net.start(a), net.deliverOne(), { victim: b, phase: 'exchanging' }),
  },
  {
    name: 'waiting for the confirm MAC',
    reach: ({ a, net }) => (net.start(a), net.deliverOne(), net.deliverOne(), { victim: a, phase: 'exchanging' }),
  },
  { name: 'code shown', reach: ({ a, net }) => (net.start(a), net.run(), { victim: a, phase: 'comparing' }) },
  {
    name: 'we said they match',
    reach: ({ a, net }) => (net.start(a), net.run(), net.confirm(a, true), { victim: a, phase: 'confirmed' }),
  },
  {
    name: 'verified',
    reach: ({ a, b, net }) => {
      net.start(a);
      net.run();
      net.confirm(a, true);
      net.confirm(b, true);
      net.run();
      return { victim: a, phase: 'verified' };
    },
  },
];

describe('a forged cancel never ends a run quietly', () => {
  for (const { name, reach } of PHASES) {
    for (const reason of ['timeout', 'unexpected_message', 'certificate_changed'] as const) {
      it(`${name}: cancel{${reason}} → a warning with Verify again, and the next run can verify`, () => {
        const p = sessionPair(10);
        const { victim, phase } = reach(p);
        expect(victim.session.state.phase).toBe(phase);
        p.net.queue.length = 0;
        const step = p.net.inject(victim, { type: 'cancel', txid: txidOf(p.a), reason });
        expect(step.state).toEqual({ phase: 'warning', reason, by: 'peer' });
        expect(victim.session.info.againAt).toBeNull();
        // The victim echoes the cancel: the other screen warns at once too, not at its timeout.
        p.net.run();
        const other = victim === p.a ? p.b : p.a;
        expect(other.session.state.phase).toBe('warning');
        // The attacker steps aside: Verify again gives a new run that completes on both sides.
        p.net.again(victim);
        p.net.run();
        expect(codeOf(p.a)).not.toBeNull();
        expect(codeOf(p.a)).toBe(codeOf(p.b));
        p.net.confirm(p.a, true);
        p.net.confirm(p.b, true);
        p.net.run();
        expect([p.a.session.state.phase, p.b.session.state.phase]).toEqual(['verified', 'verified']);
        expect(victim.session.info).toMatchObject({ run: 2, startedBy: 'self' });
        expect(other.session.info).toMatchObject({ run: 2, startedBy: 'peer' });
      });
    }
  }

  it('a cancel of another txid mid-run is a warning too (unexpected_message), and the peer hears of it', () => {
    const { a, b, net } = sessionPair(11);
    net.start(a);
    net.run();
    net.inject(b, { type: 'cancel', txid: new Uint8Array(16).fill(7), reason: 'timeout' });
    expect(b.session.state).toEqual({ phase: 'warning', reason: 'unexpected_message', by: 'self' });
    net.run();
    expect(a.session.state).toEqual({ phase: 'warning', reason: 'unexpected_message', by: 'peer' });
  });

  it('proof of interception and "the codes differ" stay fatal (the call ends), never a mere warning', () => {
    for (const reason of [
      'key_mismatch',
      'mismatched_commitment',
      'invalid_key',
      'mismatched_sas',
    ] satisfies CancelReason[]) {
      const { a, net } = sessionPair(12);
      net.start(a);
      net.run();
      expect(net.inject(a, { type: 'cancel', txid: txidOf(a), reason }).state).toEqual({
        phase: 'cancelled',
        reason,
        by: 'peer',
      });
      // Nothing restarts a fatal ending: not our button, not the peer.
      expect(net.again(a).send).toEqual([]);
      expect(a.session.state.phase).toBe('cancelled');
    }
  });
});

describe('dropped messages', () => {
  it("one side's messages all dropped → both time out into a warning; Verify again works once the path is honest", () => {
    const { a, b, net, clock } = sessionPair(20);
    net.tamper = (data, from) => (from === b ? null : data);
    net.start(a);
    net.start(b);
    net.run();
    expect(codeOf(a)).toBeNull();
    clock.advance(VERIFY_TIMEOUT_MS);
    net.tick(a);
    net.tick(b);
    net.run();
    expect(a.session.state).toEqual({ phase: 'warning', reason: 'timeout', by: 'self' });
    expect(b.session.state).toMatchObject({ phase: 'warning', reason: 'timeout' });
    net.tamper = (data) => data;
    net.again(b);
    net.run();
    expect(a.session.info.startedBy).toBe('peer');
    expect(codeOf(a)).toBe(codeOf(b));
    net.confirm(a, true);
    net.confirm(b, true);
    net.run();
    expect([a.session.state.phase, b.session.state.phase]).toEqual(['verified', 'verified']);
  });

  it('an unexpected message is a warning on both sides', () => {
    const { a, b, net } = sessionPair(21);
    net.start(a);
    net.deliverOne(); // B answered with key
    const key = b.sent[0];
    if (key?.type !== 'key') throw new Error('no key');
    net.inject(b, key); // its own key reflected back
    expect(b.session.state).toEqual({ phase: 'warning', reason: 'unexpected_message', by: 'self' });
    net.run();
    expect(a.session.state.phase).toBe('warning');
  });
});

describe('runs are not confusable', () => {
  it('a cancel of the old run that crosses our restart does not end the new run', () => {
    const { a, b, net, clock } = sessionPair(30);
    net.start(a);
    net.queue.length = 0; // the commit is lost
    net.start(b); // B's own run: A (lower id) ignores it as glare, B waits for A's key
    net.deliverOne();
    clock.advance(VERIFY_TIMEOUT_MS);
    net.tick(a); // A times out: cancel(A's run)
    net.tick(b); // B times out: cancel(B's run) — still in flight when A restarts
    net.again(a);
    net.run();
    // Without run ids, B's late cancel would have ended A's fresh run.
    expect(codeOf(a)).not.toBeNull();
    expect(codeOf(a)).toBe(codeOf(b));
  });

  for (const ids of [
    ['alice-id', 'bob-id'],
    ['zed-id', 'bob-id'],
  ] as [string, string][]) {
    it(`both people press Verify again at once: one run proceeds and both can verify (${ids.join(' / ')})`, () => {
      const { a, b, net, clock } = sessionPair(32, ids);
      net.start(a);
      net.queue.length = 0;
      clock.advance(VERIFY_TIMEOUT_MS);
      net.tick(a);
      net.tick(b);
      net.queue.length = 0;
      net.inject(b, { type: 'cancel', txid: txidOf(a), reason: 'timeout' });
      expect([a.session.state.phase, b.session.state.phase]).toEqual(['warning', 'warning']);
      net.again(a);
      net.again(b);
      net.run();
      expect(codeOf(a)).not.toBeNull();
      expect(codeOf(a)).toBe(codeOf(b));
      net.confirm(a, true);
      net.confirm(b, true);
      net.run();
      expect([a.session.state.phase, b.session.state.phase]).toEqual(['verified', 'verified']);
    });
  }

  it('the secrets of a run abandoned for a new one are zeroed', () => {
    const outputs: Uint8Array[] = [];
    const rng = seededRandom(33);
    const session = createVerifySession({
      selfId: 'alice-id',
      peerId: 'bob-id',
      ctx: 'c0ffee',
      fingerprints: { local: fp('a'), remote: fp('b') },
      randomBytes: (n) => {
        const b = rng.bytes(n);
        outputs.push(b);
        return b;
      },
      now: () => 0,
    });
    session.start();
    const secret = outputs.find((o) => o.length === 32);
    expect(secret?.some((x) => x !== 0)).toBe(true);
    session.receive({ type: 'again', txid: new Uint8Array(16).fill(5) });
    expect(session.info.startedBy).toBe('peer');
    expect(secret?.every((x) => x === 0)).toBe(true);
  });

  it('a whole earlier run replayed into the new run changes nothing', () => {
    const { a, b, net } = sessionPair(31);
    net.start(a);
    net.run();
    const oldRun = [...a.sent];
    net.inject(b, { type: 'cancel', txid: txidOf(a), reason: 'timeout' });
    net.queue.length = 0;
    net.again(b);
    net.run();
    const code = codeOf(a);
    expect(code).not.toBeNull();
    for (const m of oldRun) net.inject(b, m);
    expect(b.session.state.phase).toBe('comparing');
    expect(codeOf(b)).toBe(code);
    expect(net.queue).toEqual([]);
  });
});

describe('Verify again is limited in rate', () => {
  /** Ends the current run of `p` with a forged cancel, so that Verify again is offered. */
  const spoil = (net: Pair['net'], p: SessionParty, other: SessionParty) => {
    const last = [...p.sent, ...other.sent].at(-1);
    if (!last) throw new Error('no run');
    net.inject(p, { type: 'cancel', txid: last.txid, reason: 'timeout' });
    net.queue.length = 0;
  };

  it(`our button: ${VERIFY_AGAIN_LIMIT.limit} restarts a minute, then refused with the time it works again`, () => {
    const { a, b, net, clock } = sessionPair(40);
    net.start(a);
    net.run();
    const t0 = clock.now();
    for (let i = 0; i < VERIFY_AGAIN_LIMIT.limit; i++) {
      spoil(net, a, b);
      clock.advance(1000);
      expect(net.again(a).send.map((m) => m.type)).toEqual(['again', 'commit']);
      net.run();
    }
    spoil(net, a, b);
    expect(a.session.info.againAt).toBe(t0 + 1000 + VERIFY_AGAIN_LIMIT.windowMs);
    const refused = net.again(a);
    expect(refused.send).toEqual([]);
    expect(refused.state.phase).toBe('warning');
    expect(a.session.info.run).toBe(1 + VERIFY_AGAIN_LIMIT.limit);
    clock.advance(VERIFY_AGAIN_LIMIT.windowMs - 1000);
    expect(a.session.info.againAt).toBeNull();
    expect(net.again(a).send.map((m) => m.type)).toEqual(['again', 'commit']);
    net.run();
    expect(codeOf(a)).toBe(codeOf(b));
  });

  it('a peer that spams "verify again" gets at most a few new runs a minute; the rest is ignored and counted', () => {
    const { a, b, net, clock } = sessionPair(41);
    net.start(a);
    net.run();
    net.confirm(a, true);
    net.confirm(b, true);
    net.run();
    expect(b.session.state.phase).toBe('verified');
    const rng = seededRandom(99);
    /** "Verify again" and its commit, as the peer (or anyone on the channel before verification) sends them. */
    const forged = (): void => {
      const txid = rng.bytes(16);
      net.inject(b, { type: 'again', txid });
      net.inject(b, { type: 'commit', txid, commitment: rng.bytes(32) });
    };
    const keysSent = () => b.sent.filter((m) => m.type === 'key').length;
    const before = keysSent();
    for (let i = 0; i < 20; i++) forged();
    expect(keysSent() - before).toBe(PEER_AGAIN_LIMIT);
    expect(b.session.info.ignoredRequests).toBe(20 - PEER_AGAIN_LIMIT);
    // It never turns into "verified", and our own button shows the limit too.
    expect(b.session.state.phase).toBe('exchanging');
    expect(b.session.info.againAt).not.toBeNull();
    clock.advance(VERIFY_AGAIN_LIMIT.windowMs);
    forged();
    expect(keysSent() - before).toBe(PEER_AGAIN_LIMIT + 1);
  });

  it('a fresh commit without "again" is no restart: mid-run it is an unexpected message (a warning), and nothing more', () => {
    const { a, b, net } = sessionPair(42);
    net.start(a);
    net.run();
    const rng = seededRandom(7);
    for (let i = 0; i < 10; i++) net.inject(b, { type: 'commit', txid: rng.bytes(16), commitment: rng.bytes(32) });
    expect(b.session.state).toEqual({ phase: 'warning', reason: 'unexpected_message', by: 'self' });
    expect(b.sent.filter((m) => m.type === 'key')).toHaveLength(1);
    expect(b.session.info.run).toBe(1);
  });
});

describe('certificates read again (renegotiation)', () => {
  const verified = (seed: number) => {
    const p = sessionPair(seed);
    p.net.start(p.a);
    p.net.run();
    p.net.confirm(p.a, true);
    p.net.confirm(p.b, true);
    p.net.run();
    return p;
  };

  it('a changed remote certificate ends "Verified" on both sides; verifying again over it catches the man in the middle', () => {
    const { a, b, net, fingerprints } = verified(50);
    net.apply(a, a.session.certificatesChanged({ local: fingerprints.a, remote: fp('attacker') }));
    expect(a.session.state).toEqual({ phase: 'warning', reason: 'certificate_changed', by: 'self' });
    net.run();
    expect(b.session.state).toEqual({ phase: 'warning', reason: 'certificate_changed', by: 'peer' });
    net.again(a);
    net.run();
    expect(a.session.state).toMatchObject({ phase: 'cancelled', reason: 'key_mismatch' });
    expect(b.session.state).toMatchObject({ phase: 'cancelled', reason: 'key_mismatch' });
  });

  it('a certificate that really changed on both ends can be verified again', () => {
    const { a, b, net, fingerprints } = verified(51);
    const newB = fp('cert bob renewed');
    net.apply(a, a.session.certificatesChanged({ local: fingerprints.a, remote: newB }));
    net.apply(b, b.session.certificatesChanged({ local: newB, remote: fingerprints.a }));
    net.run();
    expect([a.session.state.phase, b.session.state.phase]).toEqual(['warning', 'warning']);
    net.again(b);
    net.run();
    expect(codeOf(a)).toBe(codeOf(b));
    net.confirm(a, true);
    net.confirm(b, true);
    net.run();
    expect([a.session.state.phase, b.session.state.phase]).toEqual(['verified', 'verified']);
    expect(hex(a.session.fingerprints.remote)).toBe(hex(newB));
  });

  it('transports that disagree (no single certificate) end the run the same way', () => {
    const { a } = verified(52);
    expect(a.session.certificatesChanged(null).state).toEqual({
      phase: 'warning',
      reason: 'certificate_changed',
      by: 'self',
    });
  });

  it('a lost channel mid-run is a warning; once verified it changes nothing', () => {
    const { a, net } = sessionPair(53);
    net.start(a);
    expect(a.session.channelLost().state).toEqual({ phase: 'warning', reason: 'channel_lost', by: 'self' });
    const v = verified(54);
    expect(v.a.session.channelLost().state.phase).toBe('verified');
  });
});
