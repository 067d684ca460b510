// core/verify: the honest protocol, roles and glare, the human step, timeouts and the "verified" rule
// (docs/verification.md, "Tests that prove it").
import { describe, expect, it } from 'vitest';
import { VERIFY_TIMEOUT_MS, createVerifier, type VerifyMessage } from '../../src/core/verify';
import { codeOf, fp, honestPair, type Party } from './verify-harness';

const phases = (p: Party) => p.history.map((s) => s.phase);
const typesSent = (p: Party) => p.sent.map((m) => m.type);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('an honest run', () => {
  it('shows the same code on both sides, and verifies only after both confirmed and a valid done arrived', () => {
    const { a, b, net } = honestPair(1);
    net.start(a);
    net.run();
    expect(a.verifier.state.phase).toBe('comparing');
    expect(b.verifier.state.phase).toBe('comparing');
    const code = codeOf(a.verifier.state);
    expect(code).not.toBeNull();
    expect(codeOf(b.verifier.state)).toBe(code);
    const state = a.verifier.state;
    if (state.phase !== 'comparing') throw new Error('unreachable');
    expect(state.sas.emoji).toHaveLength(7);
    for (const n of state.sas.decimal) expect(n).toBeGreaterThanOrEqual(1000), expect(n).toBeLessThanOrEqual(9191);

    net.confirm(a, true);
    net.run();
    // A said "match" but B's person has not: nobody is verified yet.
    expect(a.verifier.state.phase).toBe('confirmed');
    expect(b.verifier.state.phase).toBe('comparing');

    net.confirm(b, true);
    // B already holds A's valid done, so its own "match" completes it; A needs B's done.
    expect(b.verifier.state.phase).toBe('verified');
    expect(a.verifier.state.phase).toBe('confirmed');
    net.run();
    expect(a.verifier.state.phase).toBe('verified');
    expect(codeOf(a.verifier.state)).toBe(code);
    expect(codeOf(b.verifier.state)).toBe(code);

    expect(typesSent(a)).toEqual(['commit', 'reveal', 'confirm', 'done']);
    expect(typesSent(b)).toEqual(['key', 'confirm', 'done']);
    // One txid for the whole run.
    const txids = new Set([...a.sent, ...b.sent].map((m) => hex(m.txid)));
    expect(txids.size).toBe(1);
    // No code was shown before both confirm MACs were exchanged.
    expect(phases(a)).toEqual(['exchanging', 'exchanging', 'comparing', 'confirmed', 'verified']);
    expect(phases(b)).toEqual(['exchanging', 'exchanging', 'comparing', 'comparing', 'verified']);
  });

  it('works whichever side starts, and whoever confirms first', () => {
    const { a, b, net } = honestPair(2);
    net.start(b); // the higher id starts alone: no glare, it simply is the initiator of this run
    net.run();
    net.confirm(b, true);
    net.confirm(a, true);
    net.run();
    expect(a.verifier.state.phase).toBe('verified');
    expect(b.verifier.state.phase).toBe('verified');
    expect(codeOf(a.verifier.state)).toBe(codeOf(b.verifier.state));
    expect(typesSent(b)[0]).toBe('commit');
  });

  it('zeroes the X25519 secrets it was given once the run is over', () => {
    const { a, b, net } = honestPair(3);
    net.start(a);
    net.run();
    net.confirm(a, true);
    net.confirm(b, true);
    net.run();
    for (const p of [a, b]) {
      const secrets = p.randomOutputs.filter((r) => r.length === 32);
      expect(secrets).toHaveLength(1);
      expect(secrets[0]?.every((x) => x === 0)).toBe(true);
    }
  });

  it('start() is a no-op once a run exists, and confirm() is ignored while no code is shown', () => {
    const { a, b, net } = honestPair(4);
    expect(a.verifier.confirm(true).send).toEqual([]);
    net.start(a);
    expect(net.start(a).send).toEqual([]);
    net.deliverOne(); // commit reaches B, which answers with key
    expect(net.start(b).send).toEqual([]);
    expect(b.verifier.confirm(true).send).toEqual([]);
    expect(b.verifier.state.phase).toBe('exchanging');
  });
});

describe('roles and glare', () => {
  for (const [label, ids] of [
    ['A has the lower id', ['alice-id', 'bob-id']],
    ['B has the lower id', ['zed-id', 'bob-id']],
  ] as const) {
    it(`both start at once → exactly one run proceeds and both agree (${label})`, () => {
      const { a, b, net } = honestPair(5, [ids[0], ids[1]]);
      net.start(a);
      net.start(b);
      net.run();
      expect(a.verifier.state.phase).toBe('comparing');
      expect(codeOf(a.verifier.state)).toBe(codeOf(b.verifier.state));
      net.confirm(a, true);
      net.confirm(b, true);
      net.run();
      expect(a.verifier.state.phase).toBe('verified');
      expect(b.verifier.state.phase).toBe('verified');

      const [winner, loser] = ids[0] < ids[1] ? [a, b] : [b, a];
      const winningTx = hex(winner.sent[0]?.txid ?? new Uint8Array());
      const losingTx = hex(loser.sent[0]?.txid ?? new Uint8Array());
      expect(losingTx).not.toBe(winningTx);
      // After the two commits, every message of both sides belongs to the winner's run.
      for (const m of [...winner.sent.slice(1), ...loser.sent.slice(1)]) expect(hex(m.txid)).toBe(winningTx);
      expect(typesSent(winner)).toEqual(['commit', 'reveal', 'confirm', 'done']);
      expect(typesSent(loser)).toEqual(['commit', 'key', 'confirm', 'done']);
    });
  }

  it('a second foreign commit during glare is refused', () => {
    const { a, b, net } = honestPair(6);
    net.start(a);
    const other = honestPair(7);
    other.net.start(other.b);
    const foreign = other.b.sent[0];
    if (!foreign) throw new Error('no commit');
    expect(a.verifier.receive(foreign).send).toEqual([]); // glare: A (lower id) keeps its run
    const step = a.verifier.receive(foreign);
    expect(step.state).toEqual({ phase: 'cancelled', reason: 'unexpected_message', by: 'self' });
    expect(step.send.map((m) => m.type)).toEqual(['cancel']);
    void b;
  });
});

describe('the human step', () => {
  it('"They don\'t match" sends mismatched_sas and both sides end cancelled', () => {
    const { a, b, net } = honestPair(8);
    net.start(a);
    net.run();
    net.confirm(a, true);
    net.confirm(b, false);
    net.run();
    expect(b.verifier.state).toEqual({ phase: 'cancelled', reason: 'mismatched_sas', by: 'self' });
    expect(a.verifier.state).toEqual({ phase: 'cancelled', reason: 'mismatched_sas', by: 'peer' });
    expect(b.sent.at(-1)?.type).toBe('cancel');
    // No retry: later answers and messages change nothing.
    expect(a.verifier.confirm(true)).toEqual({ send: [], state: a.verifier.state });
    expect(net.start(a).send).toEqual([]);
  });

  it('never reports verified when the peer never sends done', () => {
    const { a, b, net, clock } = honestPair(9);
    net.start(a);
    net.run();
    net.confirm(a, true);
    net.run();
    expect(a.verifier.state.phase).toBe('confirmed');
    clock.advance(VERIFY_TIMEOUT_MS - 1);
    expect(net.apply(a, a.verifier.tick()).state.phase).toBe('confirmed');
    clock.advance(1);
    expect(net.apply(a, a.verifier.tick()).state).toEqual({ phase: 'cancelled', reason: 'timeout', by: 'self' });
    expect(a.history.some((s) => s.phase === 'verified')).toBe(false);
    void b;
  });

  it('a done that arrives before our person answered is kept, but verifies nothing by itself', () => {
    const { a, b, net } = honestPair(10);
    net.start(a);
    net.run();
    net.confirm(a, true);
    net.run(); // A's done reaches B while B is still comparing
    expect(b.verifier.state.phase).toBe('comparing');
    net.confirm(b, false); // B's person says the codes differ: the earlier done must not win
    net.run();
    expect(b.verifier.state).toEqual({ phase: 'cancelled', reason: 'mismatched_sas', by: 'self' });
    expect(a.verifier.state).toEqual({ phase: 'cancelled', reason: 'mismatched_sas', by: 'peer' });
  });

  it('a done with a wrong MAC ends the run with key_mismatch, never verified', () => {
    const { a, b, net } = honestPair(11);
    net.start(a);
    net.run();
    net.confirm(a, true);
    const real = b.sent[0];
    if (!real) throw new Error('no message');
    const forged: VerifyMessage = { type: 'done', txid: real.txid, mac: new Uint8Array(32).fill(7) };
    const step = net.apply(a, a.verifier.receive(forged));
    expect(step.state).toEqual({ phase: 'cancelled', reason: 'key_mismatch', by: 'self' });
    expect(a.history.some((s) => s.phase === 'verified')).toBe(false);
  });

  it('a late cancel of the same run turns verified into cancelled (the peer timed out before our done arrived)', () => {
    const { a, b, net } = honestPair(12);
    net.start(a);
    net.run();
    net.confirm(b, true);
    net.run(); // B's done reaches A while A is still comparing
    net.confirm(a, true); // A holds B's done → verified now; A's done is still in flight
    expect(a.verifier.state.phase).toBe('verified');
    net.queue.length = 0; // A's done is lost
    const cancelled = b.verifier.tick();
    expect(cancelled.send).toEqual([]); // not yet timed out
    const txid = a.sent[0]?.txid;
    if (!txid) throw new Error('no txid');
    a.verifier.receive({ type: 'cancel', txid, reason: 'timeout' });
    expect(a.verifier.state).toEqual({ phase: 'cancelled', reason: 'timeout', by: 'peer' });
  });
});

describe('timeout (injected clock)', () => {
  it('no answer to commit within 60 s → timeout, and the peer is told', () => {
    const { a, net, clock } = honestPair(13);
    net.start(a);
    net.queue.length = 0; // the commit is lost
    expect(a.verifier.deadline).toBe(clock.now() + VERIFY_TIMEOUT_MS);
    clock.advance(VERIFY_TIMEOUT_MS - 1);
    expect(a.verifier.tick().send).toEqual([]);
    clock.advance(1);
    const step = net.apply(a, a.verifier.tick());
    expect(step.state).toEqual({ phase: 'cancelled', reason: 'timeout', by: 'self' });
    expect(step.send.map((m) => [m.type, m.type === 'cancel' ? m.reason : null])).toEqual([['cancel', 'timeout']]);
    expect(a.verifier.deadline).toBeNull();
  });

  it('a message arriving after the deadline is not processed: the run times out instead', () => {
    const { a, b, net, clock } = honestPair(14);
    net.start(a);
    net.deliverOne(); // B answers with key, which is still queued
    clock.advance(VERIFY_TIMEOUT_MS);
    net.deliverOne();
    expect(a.verifier.state).toEqual({ phase: 'cancelled', reason: 'timeout', by: 'self' });
    expect(a.history.some((s) => s.phase === 'comparing')).toBe(false);
    net.run();
    // B's own deadline has passed on the shared clock too, so it reports its own timeout.
    expect(b.verifier.state).toMatchObject({ phase: 'cancelled', reason: 'timeout' });
  });

  it('people who never answer while the code is shown time out too; each step restarts the clock', () => {
    const { a, b, net, clock } = honestPair(15);
    net.start(a);
    clock.advance(VERIFY_TIMEOUT_MS - 1);
    net.run(); // every message makes progress
    expect(a.verifier.state.phase).toBe('comparing');
    clock.advance(VERIFY_TIMEOUT_MS - 1);
    expect(a.verifier.tick().state.phase).toBe('comparing');
    clock.advance(1);
    net.apply(a, a.verifier.tick());
    expect(a.verifier.state).toEqual({ phase: 'cancelled', reason: 'timeout', by: 'self' });
    net.run();
    expect(b.verifier.state).toMatchObject({ phase: 'cancelled', reason: 'timeout' });
  });
});

describe('createVerifier refuses invalid options', () => {
  const base = {
    selfId: 'a',
    peerId: 'b',
    ctx: 'room',
    fingerprints: { local: fp('a'), remote: fp('b') },
    randomBytes: (n: number) => new Uint8Array(n),
    now: () => 0,
  };
  it.each([
    ['same ids', { ...base, peerId: 'a' }, /distinct/],
    ['empty ctx', { ...base, ctx: '' }, /ctx/],
    [
      'short fingerprint',
      { ...base, fingerprints: { local: fp('a').slice(1), remote: fp('b') } },
      /length 32, got length=31/,
    ],
  ])('%s', (_label, options, message) => {
    expect(() => createVerifier(options)).toThrow(message);
  });

  it('randomBytes returning the wrong length', () => {
    const v = createVerifier({ ...base, randomBytes: (n) => new Uint8Array(n - 1) });
    expect(() => v.start()).toThrow(/randomBytes output/);
  });
});
