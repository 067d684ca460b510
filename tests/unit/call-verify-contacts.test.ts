// models/call-verify with remembered contacts: "Remember this person" only after both verified by codes, a
// later call recognised with no code pressed and ratcheted exactly once on both sides, and a forgotten
// contact back to codes. Two call-verify models talk through fake rooms carrying the real wire format; the
// contacts are real models over the in-memory store.
import { effect } from '@preact/signals';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SignalingRoom } from '../../src/adapters/signaling/types';
import { memoryContactStore } from '../../src/adapters/contacts/memory';
import { createCallVerify, type ContinuityView } from '../../src/models/call-verify';
import { createContactsModel } from '../../src/models/contacts';
import type { VerificationView } from '../../src/models/verification';
import { fp } from './verify-harness';

const random = (n: number) => new Uint8Array(randomBytes(n));

const person = () => {
  const store = memoryContactStore();
  return { store, contacts: createContactsModel({ store: async () => store, randomBytes: random, now: Date.now }) };
};
type Person = ReturnType<typeof person>;

const until = <T>(read: () => T, test: (v: T) => boolean) =>
  new Promise<T>((resolve) => {
    const stop = effect(() => {
      const v = read();
      if (!test(v)) return;
      queueMicrotask(() => stop());
      resolve(v);
    });
  });

/** One call between two people: each side's call-verify, wired through rooms that deliver asynchronously. */
const call = (alice: Person, bob: Person) => {
  const models: Record<string, ReturnType<typeof createCallVerify>> = {};
  const room = (self: string, peer: string) =>
    ({
      selfId: self,
      fingerprints: async () => ({ local: fp(`cert ${self}`), remote: fp(`cert ${peer}`) }),
      send: async (data: string) => {
        queueMicrotask(() => models[peer]?.current.value?.receive(data));
      },
    }) as unknown as SignalingRoom;
  const make = (p: Person) =>
    createCallVerify({
      randomBytes: random,
      now: Date.now,
      ctx: () => 'ab'.repeat(32),
      end: () => undefined,
      contacts: p.contacts,
    });
  models['alice'] = make(alice);
  models['bob'] = make(bob);
  models['alice'].start(room('alice', 'bob'), 'bob');
  models['bob'].start(room('bob', 'alice'), 'alice');
  const side = (name: 'alice' | 'bob') => {
    const m = models[name];
    if (!m) throw new Error('no model');
    return {
      model: m,
      view: () =>
        until<VerificationView | null>(
          () => m.current.value?.view.value ?? null,
          (v) => v?.phase === 'comparing' || v?.phase === 'verified',
        ),
      continuity: (kind: ContinuityView['kind']) =>
        until(
          () => m.continuity.value,
          (c) => c.kind === kind,
        ),
    };
  };
  return { a: side('alice'), b: side('bob') };
};

describe('call-verify with remembered contacts', () => {
  it('offers Remember only after codes both matched; then recognises, ratchets once each side, and forgets', async () => {
    const alice = person();
    const bob = person();

    const first = call(alice, bob);
    for (const s of [first.a, first.b]) expect((await s.view())?.phase).toBe('comparing');
    expect(first.a.model.continuity.value.kind).toBe('none');
    expect(await first.a.model.remember('Bob')).not.toBeNull(); // not offered yet
    first.a.model.current.value?.confirm(true);
    first.b.model.current.value?.confirm(true);
    await first.a.continuity('offer');
    await first.b.continuity('offer');
    expect(await first.a.model.remember('Bob')).toBeNull();
    expect(await first.b.model.remember('Alice')).toBeNull();
    const [ca] = [...alice.store.records.values()];
    const [cb] = [...bob.store.records.values()];
    if (!ca || !cb) throw new Error('both should have remembered');
    expect(ca.current).toEqual(cb.current);
    first.a.model.stop();
    first.b.model.stop();

    const second = call(alice, bob);
    expect(await second.a.continuity('recognised')).toEqual({ kind: 'recognised', nickname: 'Bob' });
    expect(await second.b.continuity('recognised')).toEqual({ kind: 'recognised', nickname: 'Alice' });
    // Ratcheted exactly once on each side, to the same secret, keeping the one that matched.
    const ratcheted = (p: Person, id: string) =>
      until(
        () => p.contacts.list.value,
        () => p.store.records.get(id)?.previous !== null,
      );
    await ratcheted(alice, ca.id);
    await ratcheted(bob, cb.id);
    const [a2, b2] = [alice.store.records.get(ca.id), bob.store.records.get(cb.id)];
    expect(a2?.current).toEqual(b2?.current);
    expect(a2?.current).not.toEqual(ca.current);
    expect(a2?.previous).toEqual(ca.current);
    expect(b2?.previous).toEqual(cb.current);
    second.a.model.stop();
    second.b.model.stop();

    await bob.contacts.forget(cb.id);
    const third = call(alice, bob);
    for (const s of [third.a, third.b]) expect((await s.view())?.phase).toBe('comparing');
    expect(third.a.model.continuity.value.kind).toBe('none');
    expect(third.b.model.continuity.value.kind).toBe('none');
  });
});
