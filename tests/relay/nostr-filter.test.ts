import { describe, expect, it } from 'vitest';
import { matchesAny, matchesFilter } from '../../relay/nostr-filter.js';
import type { NostrEvent, NostrFilter } from '../../relay/nostr-types.js';

const event = (fields: Partial<NostrEvent>): NostrEvent => ({
  id: '1'.repeat(64),
  pubkey: 'a'.repeat(64),
  created_at: 100,
  kind: 1,
  tags: [],
  content: '',
  sig: '0'.repeat(128),
  ...fields,
});

const filter = (fields: Partial<NostrFilter>): NostrFilter => ({ tags: [], ...fields });

describe('matchesFilter', () => {
  const e = event({ kind: 20001, tags: [['x', 'topic'], ['p', 'peer', 'extra'], ['solo']] });

  it('an empty filter matches everything', () => {
    expect(matchesFilter(e, filter({}))).toBe(true);
  });

  it('checks each field and needs all of them', () => {
    expect(matchesFilter(e, filter({ ids: new Set([e.id]) }))).toBe(true);
    expect(matchesFilter(e, filter({ ids: new Set(['2'.repeat(64)]) }))).toBe(false);
    expect(matchesFilter(e, filter({ authors: new Set([e.pubkey]) }))).toBe(true);
    expect(matchesFilter(e, filter({ authors: new Set(['b'.repeat(64)]) }))).toBe(false);
    expect(matchesFilter(e, filter({ kinds: new Set([1, 20001]) }))).toBe(true);
    expect(matchesFilter(e, filter({ kinds: new Set([]) }))).toBe(false);
    expect(matchesFilter(e, filter({ since: 100, until: 100 }))).toBe(true);
    expect(matchesFilter(e, filter({ since: 101 }))).toBe(false);
    expect(matchesFilter(e, filter({ until: 99 }))).toBe(false);
    expect(matchesFilter(e, filter({ kinds: new Set([20001]), since: 101 }))).toBe(false);
  });

  it('matches #<letter> conditions on the first value of tags with that name', () => {
    expect(matchesFilter(e, filter({ tags: [{ name: 'x', values: new Set(['other', 'topic']) }] }))).toBe(true);
    expect(matchesFilter(e, filter({ tags: [{ name: 'p', values: new Set(['extra']) }] }))).toBe(false);
    expect(matchesFilter(e, filter({ tags: [{ name: 'x', values: new Set(['nope']) }] }))).toBe(false);
    expect(matchesFilter(e, filter({ tags: [{ name: 'solo', values: new Set(['']) }] }))).toBe(false);
    expect(
      matchesFilter(
        e,
        filter({
          tags: [
            { name: 'x', values: new Set(['topic']) },
            { name: 'p', values: new Set(['nobody']) },
          ],
        }),
      ),
    ).toBe(false);
  });

  it('does not treat limit as a condition', () => {
    expect(matchesFilter(e, filter({ limit: 0 }))).toBe(true);
  });

  it('matchesAny ORs the filters', () => {
    expect(matchesAny(e, [filter({ kinds: new Set([5]) }), filter({ kinds: new Set([20001]) })])).toBe(true);
    expect(matchesAny(e, [filter({ kinds: new Set([5]) })])).toBe(false);
    expect(matchesAny(e, [])).toBe(false);
  });
});
