import { describe, expect, it } from 'vitest';
import { createReplayCache } from '../../relay/replay-cache.js';
import { createTopicRoster } from '../../relay/topic-roster.js';

interface Conn {
  name: string;
  open: boolean;
}
const conn = (name: string): Conn => ({ name, open: true });

const roster = (maxPeers = 2, idleMs = 1000) =>
  createTopicRoster<Conn>({ maxPeers: () => maxPeers, idleMs: () => idleMs });

describe('topic roster (the two-seat cap shared by the Nostr and tracker hubs)', () => {
  it('seats up to the cap, refuses the next peer as full, and refreshes a seated peer', () => {
    const r = roster();
    const [a, b, c] = [conn('a'), conn('b'), conn('c')];
    expect(r.claim('t', 'ka', a, 0).ok).toBe(true);
    expect(r.claim('t', 'kb', b, 0).ok).toBe(true);
    expect(r.claim('t', 'kc', c, 0)).toEqual({ ok: false, reason: 'full' });
    expect(r.claim('t', 'ka', a, 500).ok).toBe(true);
    expect([...r.seats('t', 500).keys()]).toEqual(['ka', 'kb']);
    // Other topics have their own seats.
    expect(r.claim('u', 'kc', c, 0).ok).toBe(true);
    expect(r.size).toBe(2);
  });

  it('never moves a seat to another open connection: the holder is named instead', () => {
    const r = roster();
    const [holder, impostor] = [conn('holder'), conn('impostor')];
    r.claim('t', 'k', holder, 0);
    expect(r.claim('t', 'k', impostor, 1)).toEqual({ ok: false, reason: 'held', holder });
    // Releasing on behalf of the holder from another connection does nothing either.
    r.release('t', 'k', impostor);
    expect(r.seats('t', 1).get('k')?.conn).toBe(holder);
    // Once the holder's socket is closing its seat is free.
    holder.open = false;
    expect(r.claim('t', 'k', impostor, 2).ok).toBe(true);
    expect(r.seats('t', 2).get('k')?.conn).toBe(impostor);
  });

  it('expires an unpinned seat after the idle time, keeps a pinned one, and frees it when unpinned', () => {
    const r = roster(2, 1000);
    const [a, b, c] = [conn('a'), conn('b'), conn('c')];
    r.claim('t', 'ka', a, 0, true);
    r.claim('t', 'kb', b, 0);
    expect(r.claim('t', 'kc', c, 1000).ok).toBe(false);
    expect(r.claim('t', 'kc', c, 1001).ok).toBe(true); // kb idle for 1001 ms
    expect(r.isSeated('t', a, 5000)).toBe(true); // pinned
    r.pin('t', a, false);
    expect(r.isSeated('t', a, 5000)).toBe(false);
    expect(r.topicsOf(a).size).toBe(0);
  });

  it('forgets every seat of a connection at once, and drops empty topics', () => {
    const r = roster();
    const [a, b] = [conn('a'), conn('b')];
    r.claim('t', 'k1', a, 0);
    r.claim('u', 'k1', a, 0);
    r.claim('u', 'k2', b, 0);
    expect([...r.topicsOf(a)].sort()).toEqual(['t', 'u']);
    r.forget(a);
    expect(r.topicsOf(a).size).toBe(0);
    expect([...r.names()]).toEqual(['u']);
    r.leave('u', b);
    expect(r.size).toBe(0);
    r.claim('t', 'k', a, 0);
    r.sweep(10_000);
    expect(r.size).toBe(0);
  });
});

describe('replay cache', () => {
  it('remembers ids for its time to live, then forgets them', () => {
    let clock = 0;
    const cache = createReplayCache<number>(10, 1000, () => clock);
    cache.set('a', 1);
    cache.set('a', 2);
    expect(cache.get('a')).toBe(2);
    clock = 999; // an update does not extend the time to live
    expect(cache.get('a')).toBe(2);
    clock = 1000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('holds at most its capacity, forgetting the oldest first', () => {
    const cache = createReplayCache<boolean>(3, 60_000, () => 0);
    for (const id of ['a', 'b', 'c', 'd']) cache.set(id, true);
    expect(cache.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((id) => cache.get(id))).toEqual([undefined, true, true, true]);
  });
});
