// parley-verify-v2 through core/verify-session, as the app runs it: both sides start at once (glare), hints
// of a losing or foreign run never end a run, and "Verify again" after a certificate change is verified by
// continuity again, with fresh hints.
import { randomBytes as nodeRandom } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretsOf } from '../../src/core/verify-continuity';
import { encodeVerifyMessage, parseVerifyMessage, type VerifyMessage } from '../../src/core/verify';
import { createVerifySession, type SessionStep, type VerifySession } from '../../src/core/verify-session';
import { CTX, fakeClock, fp } from './verify-harness';

const random = (n: number) => new Uint8Array(nodeRandom(n));

const pair = (shared: Uint8Array) => {
  const clock = fakeClock();
  const make = (self: string, peer: string, contactId: string) =>
    createVerifySession({
      selfId: self,
      peerId: peer,
      ctx: CTX,
      fingerprints: { local: fp(`cert ${self}`), remote: fp(`cert ${peer}`) },
      randomBytes: random,
      now: clock.now,
      continuity: { secrets: secretsOf([{ id: contactId, current: shared, previous: null }]) },
    });
  const a = make('alice', 'bob', 'bob-contact');
  const b = make('bob', 'alice', 'alice-contact');
  const queue: { to: VerifySession; m: VerifyMessage }[] = [];
  const sent: VerifyMessage[] = [];
  const post = (from: VerifySession, step: SessionStep) => {
    for (const m of step.send) {
      sent.push(m);
      const parsed = parseVerifyMessage(encodeVerifyMessage(m));
      if (parsed) queue.push({ to: from === a ? b : a, m: parsed });
    }
  };
  const run = () => {
    for (let i = 0; i < 200; i++) {
      const item = queue.shift();
      if (!item) return;
      post(item.to, item.to.receive(item.m));
    }
    throw new Error('did not go quiet');
  };
  return { a, b, post, run, queue, sent };
};

describe('parley-verify-v2 sessions', () => {
  it('both start at once: the glare loser answers with fresh hints, and both are verified by continuity', () => {
    const { a, b, post, run, sent } = pair(random(32));
    post(a, a.start());
    post(b, b.start());
    run();
    expect(a.state).toMatchObject({ phase: 'verified', contactId: 'bob-contact' });
    expect(b.state).toMatchObject({ phase: 'verified', contactId: 'alice-contact' });
    // Three hints messages: one per side's first run, and the loser's again for the winner's run.
    expect(sent.filter((m) => m.type === 'hints')).toHaveLength(3);
    expect(a.retained?.next).toEqual(b.retained?.next);
  });

  it('a hints message of another txid in the middle of a run changes nothing (never a cancel)', () => {
    const { a, b, post, run, queue } = pair(random(32));
    post(a, a.start());
    // Someone slips in hints for a txid nobody uses, before Alice's commit reaches Bob.
    queue.unshift({
      to: b,
      m: { type: 'hints', txid: random(16), salt: random(16), hints: Array.from({ length: 32 }, () => random(32)) },
    });
    run();
    post(b, b.start());
    run();
    expect(a.state.phase).toBe('verified');
    expect(b.state.phase).toBe('verified');
  });

  it('after a certificate change, Verify again is verified by continuity again (new txid, new hints)', () => {
    const { a, b, post, run, sent } = pair(random(32));
    post(a, a.start());
    post(b, b.start());
    run();
    const firstHints = sent.filter((m) => m.type === 'hints').length;
    post(a, a.certificatesChanged({ local: fp('cert alice'), remote: fp('cert bob') }));
    run();
    expect(a.state.phase).toBe('warning');
    post(a, a.verifyAgain());
    run();
    expect(a.state).toMatchObject({ phase: 'verified', contactId: 'bob-contact' });
    expect(b.state).toMatchObject({ phase: 'verified', contactId: 'alice-contact' });
    expect(sent.filter((m) => m.type === 'hints').length).toBe(firstHints + 2);
  });
});

describe('verify.hints on the wire (untrusted input)', () => {
  const good = () => ({
    v: 1,
    type: 'verify.hints',
    txid: 'ab'.repeat(16),
    salt: 'cd'.repeat(16),
    hints: Array.from({ length: 32 }, () => 'ef'.repeat(32)),
  });
  it('parses exactly 32 hints of 32 bytes, and refuses every other shape', () => {
    expect(parseVerifyMessage(JSON.stringify(good()))?.type).toBe('hints');
    const bad: Record<string, unknown>[] = [
      { ...good(), hints: good().hints.slice(1) },
      { ...good(), hints: [...good().hints, 'ef'.repeat(32)] },
      { ...good(), hints: [...good().hints.slice(1), 'EF'.repeat(32)] },
      { ...good(), hints: [...good().hints.slice(1), 'ef'.repeat(31)] },
      { ...good(), hints: [...good().hints.slice(1), 7] },
      { ...good(), hints: 'ef'.repeat(32 * 32) },
      { ...good(), salt: 'cd'.repeat(15) },
      { ...good(), extra: 1 },
    ];
    for (const b of bad) expect(parseVerifyMessage(JSON.stringify(b))).toBeNull();
    // A list padded past the size cap is refused before JSON.parse.
    expect(parseVerifyMessage(JSON.stringify({ ...good(), pad: 'x'.repeat(2_400) }))).toBeNull();
    // A confirm's continuity MAC must be 32 bytes of lower-case hex too.
    const confirm = { v: 1, type: 'verify.confirm', txid: 'ab'.repeat(16), mac: '01'.repeat(32) };
    expect(parseVerifyMessage(JSON.stringify({ ...confirm, continuity: '02'.repeat(32) }))).toMatchObject({
      type: 'confirm',
    });
    expect(parseVerifyMessage(JSON.stringify({ ...confirm, continuity: '02'.repeat(31) }))).toBeNull();
  });
});
