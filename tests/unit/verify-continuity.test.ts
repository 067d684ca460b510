// parley-verify-v2 (docs/verification.md §"parley-verify-v2"): two people who remember each other are
// verified without reading codes; a man in the middle between them is caught with no codes compared; a
// stale secret still continues; a forgotten contact falls back to codes; hints are unlinkable; v1 still works.
// Every message crosses the real wire format (encode → string → parse).
import { randomBytes as nodeRandom } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  continuityMac,
  deriveKeysV2,
  hintsDigest,
  mixedSecret,
  ratchet,
  secretsOf,
  transcriptHashV2,
  type Hints,
} from '../../src/core/verify-continuity';
import { commitment, confirmMac, publicKeyOf, sharedSecret } from '../../src/core/verify-crypto';
import {
  createVerifier,
  encodeVerifyMessage,
  parseVerifyMessage,
  type Verifier,
  type VerifyMessage,
} from '../../src/core/verify';
import { fakeClock, fp } from './verify-harness';

const CTX = 'ab'.repeat(32);
const random = (n: number) => new Uint8Array(nodeRandom(n));
const wire = (m: VerifyMessage): VerifyMessage => {
  const parsed = parseVerifyMessage(encodeVerifyMessage(m));
  if (!parsed) throw new Error(`did not survive the wire: ${m.type}`);
  return parsed;
};

interface Contact {
  id: string;
  current: Uint8Array;
  previous: Uint8Array | null;
}

/** A side of a call: its verifier, what it sent, and the contacts it remembers. */
const side = (selfId: string, peerId: string, contacts: Contact[] | null, clock = fakeClock()) => {
  const verifier = createVerifier({
    selfId,
    peerId,
    ctx: CTX,
    fingerprints: { local: fp(`cert ${selfId}`), remote: fp(`cert ${peerId}`) },
    randomBytes: random,
    now: clock.now,
    ...(contacts && { continuity: { secrets: secretsOf(contacts) } }),
  });
  return { verifier, sent: [] as VerifyMessage[] };
};
type Side = ReturnType<typeof side>;

/** Runs both verifiers to quiet over an honest, ordered channel. */
const talk = (a: Side, b: Side) => {
  const queue: { to: Side; m: VerifyMessage }[] = [];
  const push = (from: Side, to: Side, send: readonly VerifyMessage[]) => {
    for (const m of send) {
      from.sent.push(m);
      queue.push({ to, m: wire(m) });
    }
  };
  push(a, b, a.verifier.start().send);
  push(b, a, b.verifier.start().send);
  for (let i = 0; i < 100 && queue.length > 0; i++) {
    const item = queue.shift();
    if (!item) break;
    const other = item.to === a ? b : a;
    push(item.to, other, item.to.verifier.receive(item.m).send);
  }
  return {
    confirm: (who: Side, matches: boolean) => push(who, who === a ? b : a, who.verifier.confirm(matches).send),
    queue,
    push,
    flush: () => {
      for (let i = 0; i < 100 && queue.length > 0; i++) {
        const item = queue.shift();
        if (!item) break;
        push(item.to, item.to === a ? b : a, item.to.verifier.receive(item.m).send);
      }
    },
  };
};

/** Both people read the code and press "They match"; both must end verified. */
const bothMatch = (a: Side, b: Side) => {
  const t = talk(a, b);
  for (const s of [a, b]) expect(s.verifier.state.phase).toBe('comparing');
  t.confirm(a, true);
  t.confirm(b, true);
  t.flush();
  for (const s of [a, b]) expect(s.verifier.state.phase).toBe('verified');
};

/** Two people verify by codes and both remember each other: the contacts each side stores. */
const meetAndRemember = () => {
  const a = side('alice', 'bob', []);
  const b = side('bob', 'alice', []);
  bothMatch(a, b);
  const ra = a.verifier.retained;
  const rb = b.verifier.retained;
  if (!ra || !rb) throw new Error('a verified v2 run must leave a retained secret');
  expect(ra.contactId).toBeNull();
  expect(ra.next).toEqual(rb.next);
  return {
    aliceKnowsBob: { id: 'bob-contact', ...ratchet(ra.used, ra.next) },
    bobKnowsAlice: { id: 'alice-contact', ...ratchet(rb.used, rb.next) },
  };
};

describe('parley-verify-v2: remembered contacts', () => {
  it('two people who remember each other are verified by continuity, without pressing "They match"', () => {
    const { aliceKnowsBob, bobKnowsAlice } = meetAndRemember();
    const stranger = { id: 'carol-contact', current: random(32), previous: null };
    const a = side('alice', 'bob', [stranger, aliceKnowsBob]);
    const b = side('bob', 'alice', [bobKnowsAlice]);
    talk(a, b);
    expect(a.verifier.state).toMatchObject({ phase: 'verified', contactId: 'bob-contact' });
    expect(b.verifier.state).toMatchObject({ phase: 'verified', contactId: 'alice-contact' });
    expect(a.sent.some((m) => m.type === 'done')).toBe(false);
    // Both ratchet to the same next secret, and keep the one that matched as previous.
    const [ra, rb] = [a.verifier.retained, b.verifier.retained];
    expect(ra?.next).toEqual(rb?.next);
    expect(ra?.next).not.toEqual(aliceKnowsBob.current);
    expect(ra?.used).toEqual(aliceKnowsBob.current);
  });

  it('a forgotten contact falls back to codes on both sides, with no warning', () => {
    const { aliceKnowsBob } = meetAndRemember();
    const a = side('alice', 'bob', [aliceKnowsBob]);
    const b = side('bob', 'alice', []); // Bob forgot Alice
    const t = talk(a, b);
    for (const s of [a, b]) {
      expect(s.verifier.state.phase).toBe('comparing');
      expect(s.verifier.state).not.toHaveProperty('broken');
    }
    t.confirm(a, true);
    t.confirm(b, true);
    t.flush();
    for (const s of [a, b]) expect(s.verifier.state.phase).toBe('verified');
    expect(a.verifier.state).not.toHaveProperty('contactId');
  });

  it('a peer that missed one ratchet still continues, and both catch up', () => {
    const { aliceKnowsBob, bobKnowsAlice } = meetAndRemember();
    // A verified call by continuity that only Alice stored (Bob's tab closed first).
    const a1 = side('alice', 'bob', [aliceKnowsBob]);
    const b1 = side('bob', 'alice', [bobKnowsAlice]);
    talk(a1, b1);
    const r1 = a1.verifier.retained;
    if (!r1) throw new Error('expected a retained secret');
    const aliceAhead = { id: 'bob-contact', ...ratchet(r1.used, r1.next) };
    expect(aliceAhead.current).not.toEqual(bobKnowsAlice.current);
    // Next call: Alice is one step ahead; her previous is Bob's current.
    const a2 = side('alice', 'bob', [aliceAhead]);
    const b2 = side('bob', 'alice', [bobKnowsAlice]);
    talk(a2, b2);
    expect(a2.verifier.state).toMatchObject({ phase: 'verified', contactId: 'bob-contact' });
    expect(b2.verifier.state).toMatchObject({ phase: 'verified', contactId: 'alice-contact' });
    const [ra, rb] = [a2.verifier.retained, b2.verifier.retained];
    if (!ra || !rb) throw new Error('expected retained secrets');
    expect(ra.next).toEqual(rb.next);
    // Both keep the secret that matched (Bob's current) as previous: in step again.
    expect(ra.used).toEqual(bobKnowsAlice.current);
    expect(rb.used).toEqual(bobKnowsAlice.current);
  });

  it('hints of the same contact differ between runs, and never repeat a value', () => {
    const { aliceKnowsBob } = meetAndRemember();
    const runs = Array.from({ length: 5 }, () => {
      const a = side('alice', 'bob', [aliceKnowsBob]);
      const [hints] = a.verifier.start().send;
      if (hints?.type !== 'hints') throw new Error('a v2 run starts with its hints');
      return hints;
    });
    const all = runs.flatMap((h) => h.hints.map((x) => Buffer.from(x).toString('hex')));
    expect(new Set(all).size).toBe(all.length);
    // Always 32 of them, whether one contact is remembered or none.
    const none = side('alice', 'bob', []).verifier.start().send[0];
    expect(none?.type === 'hints' && none.hints.length).toBe(32);
    expect(runs.every((h) => h.hints.length === 32)).toBe(true);
  });

  it.each([
    ['v2 initiator, v1 responder', 'alice', 'bob'],
    ['v1 initiator, v2 responder', 'bob', 'alice'],
  ])('a v1 peer still works with v1 (%s)', (_name, v2Id, v1Id) => {
    const { aliceKnowsBob } = meetAndRemember();
    const modern = side(v2Id, v1Id, [aliceKnowsBob]);
    const old = side(v1Id, v2Id, null);
    bothMatch(modern, old);
    // The old side never sent hints or a continuity MAC; nothing is retained from a v1 run.
    expect(old.sent.some((m) => m.type === 'hints' || (m.type === 'confirm' && m.continuity))).toBe(false);
    expect(modern.verifier.retained).toBeNull();
  });
});

/**
 * A man in the middle who holds the room code (so terminates DTLS on both legs with its own certificates)
 * and runs its own key exchange with each side. It has the same code as everyone; what it lacks is the
 * retained secret. It forwards each side's hints (public bytes) to the other, so both sides recognise
 * each other, and computes every transcript consistently with what it forwarded.
 */
describe('parley-verify-v2: a man in the middle between two people who remember each other', () => {
  const mitmRun = (forwardHints: boolean) => {
    const { aliceKnowsBob, bobKnowsAlice } = meetAndRemember();
    const clock = fakeClock();
    // Each person sees the attacker's certificate as the remote one.
    const make = (self: string, peer: string, contacts: Contact[]) =>
      createVerifier({
        selfId: self,
        peerId: peer,
        ctx: CTX,
        fingerprints: { local: fp(`cert ${self}`), remote: fp(`cert mallory-${self}`) },
        randomBytes: random,
        now: clock.now,
        continuity: { secrets: secretsOf(contacts) },
      });
    const alice = make('alice', 'bob', [aliceKnowsBob]);
    const bob = make('bob', 'zed', [bobKnowsAlice]); // Bob's id sorts first toward Mallory: he never starts

    const [hintsA, commitA] = alice.start().send.map(wire);
    if (hintsA?.type !== 'hints' || commitA?.type !== 'commit') throw new Error('unexpected start');
    const txid = commitA.txid;
    const asHints = (m: VerifyMessage): Hints => {
      if (m.type !== 'hints') throw new Error('expected hints');
      return { salt: m.salt, hints: m.hints };
    };
    const ownHints = (): Hints => ({ salt: random(16), hints: Array.from({ length: 32 }, () => random(32)) });

    // Leg to Bob: Mallory is the initiator, with Alice's txid (and, forwarding, Alice's hints).
    const skM1 = random(32);
    const pkM1 = publicKeyOf(skM1);
    const nM1 = random(16);
    const cM = commitment(txid, pkM1, nM1, CTX);
    const toBobHints = forwardHints ? asHints(hintsA) : ownHints();
    const bobOut: VerifyMessage[] = [];
    for (const m of [
      { type: 'hints', txid, ...toBobHints } as const,
      { type: 'commit', txid, commitment: cM } as const,
    ])
      bobOut.push(...bob.receive(wire(m)).send.map(wire));
    const [hintsB, keyB] = bobOut;
    if (keyB?.type !== 'key' || !hintsB) throw new Error('Bob should answer with hints and key');
    const zB = sharedSecret(skM1, keyB.publicKey);
    if (!zB) throw new Error('no shared secret');
    // Mallory knows no retained secret: her best is the "nothing matched" value.
    const thB = transcriptHashV2({
      ctx: CTX,
      txid,
      commitment: cM,
      pkI: pkM1,
      nI: nM1,
      pkR: keyB.publicKey,
      nR: keyB.nonce,
      fpI: fp('cert mallory-bob'),
      fpR: fp('cert bob'),
      hI: hintsDigest(toBobHints),
      hR: hintsDigest(asHints(hintsB)),
    });
    const kB = deriveKeysV2(zB, thB, mixedSecret([]));
    bob.receive(wire({ type: 'reveal', txid, publicKey: pkM1, nonce: nM1 }));
    bob.receive(wire({ type: 'confirm', txid, mac: confirmMac(kB.kI, thB), continuity: continuityMac(kB.cI, thB) }));

    // Leg to Alice: Mallory is the responder (and, forwarding, passes Bob's hints on).
    const skM2 = random(32);
    const pkM2 = publicKeyOf(skM2);
    const nM2 = random(16);
    const toAliceHints = forwardHints ? asHints(hintsB) : ownHints();
    alice.receive(wire({ type: 'hints', txid, ...toAliceHints }));
    const [reveal] = alice.receive(wire({ type: 'key', txid, publicKey: pkM2, nonce: nM2 })).send;
    if (reveal?.type !== 'reveal') throw new Error('Alice should reveal');
    const zA = sharedSecret(skM2, reveal.publicKey);
    if (!zA) throw new Error('no shared secret');
    const thA = transcriptHashV2({
      ctx: CTX,
      txid,
      commitment: commitA.commitment,
      pkI: reveal.publicKey,
      nI: reveal.nonce,
      pkR: pkM2,
      nR: nM2,
      fpI: fp('cert alice'),
      fpR: fp('cert mallory-alice'),
      hI: hintsDigest(asHints(hintsA)),
      hR: hintsDigest(toAliceHints),
    });
    const kA = deriveKeysV2(zA, thA, mixedSecret([]));
    alice.receive(wire({ type: 'confirm', txid, mac: confirmMac(kA.kR, thA), continuity: continuityMac(kA.cR, thA) }));
    return { alice, bob };
  };

  it('forwarding the hints: both screens warn "this may not be <nickname>" at once; nobody is verified', () => {
    const { alice, bob } = mitmRun(true);
    expect(alice.state).toMatchObject({ phase: 'comparing', broken: 'bob-contact' });
    expect(bob.state).toMatchObject({ phase: 'comparing', broken: 'alice-contact' });
    // Reading codes is no way back into the contact: even "They match" keeps the warning and ratchets nothing.
    alice.confirm(true);
    expect(alice.state).toMatchObject({ broken: 'bob-contact' });
    expect(alice.retained).toBeNull();
  });

  it('hiding the hints: both sides see a stranger and must compare codes (never "Verified — name")', () => {
    const { alice, bob } = mitmRun(false);
    for (const v of [alice, bob]) {
      expect(v.state.phase).toBe('comparing');
      expect(v.state).not.toHaveProperty('contactId');
    }
    // …and the two codes differ (two separate exchanges).
    const code = (v: Verifier) => (v.state.phase === 'comparing' ? v.state.sas.decimal.join(' ') : '');
    expect(code(alice)).not.toBe(code(bob));
  });

  it('a confirm stripped of its continuity MAC between two v2 sides is an interception', () => {
    const { aliceKnowsBob, bobKnowsAlice } = meetAndRemember();
    const a = side('alice', 'bob', [aliceKnowsBob]);
    const b = side('bob', 'alice', [bobKnowsAlice]);
    const queue: { to: Side; m: VerifyMessage }[] = [];
    const push = (to: Side, send: readonly VerifyMessage[]) => {
      for (const m of send) {
        // The attacker drops the continuity field from Alice's confirm.
        const stripped = m.type === 'confirm' && to === b ? { type: 'confirm' as const, txid: m.txid, mac: m.mac } : m;
        queue.push({ to, m: wire(stripped) });
      }
    };
    push(b, a.verifier.start().send);
    push(a, b.verifier.start().send);
    for (let i = 0; i < 50 && queue.length > 0; i++) {
      const item = queue.shift();
      if (!item) break;
      push(item.to === a ? b : a, item.to.verifier.receive(item.m).send);
    }
    expect(b.verifier.state).toMatchObject({ phase: 'cancelled', reason: 'key_mismatch' });
  });
});
