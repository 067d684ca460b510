import { matchesFilter } from './nostr-filter.js';
import type { NostrEvent, NostrFilter } from './nostr-types.js';

/** A bounded in-memory store of non-ephemeral events. */
export interface EventStore {
  /** Adds the event unless an event with its id is already held; the oldest event is evicted when full. */
  add(event: NostrEvent): 'added' | 'duplicate';
  has(id: string): boolean;
  /** NIP-01 initial query: matches of any filter, each filter's `limit` applied to its newest matches, newest first. */
  query(filters: readonly NostrFilter[]): NostrEvent[];
  readonly size: number;
}

// NIP-01 order: newer first; on equal created_at the lower id first.
const newestFirst = (a: NostrEvent, b: NostrEvent): number =>
  b.created_at - a.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Creates a store holding at most `capacity` events, evicting in insertion order (a relay this small needs no index). */
export const createEventStore = (capacity: number): EventStore => {
  // A Map iterates in insertion order, so its first key is always the oldest arrival.
  const byId = new Map<string, NostrEvent>();
  return {
    add(event) {
      if (byId.has(event.id)) return 'duplicate';
      byId.set(event.id, event);
      while (byId.size > capacity) {
        const oldest = byId.keys().next();
        if (oldest.done === true) break;
        byId.delete(oldest.value);
      }
      return 'added';
    },
    has: (id) => byId.has(id),
    query(filters) {
      const all = [...byId.values()].sort(newestFirst);
      const picked = new Map<string, NostrEvent>();
      for (const filter of filters) {
        let taken = 0;
        for (const event of all) {
          if (filter.limit !== undefined && taken >= filter.limit) break;
          if (!matchesFilter(event, filter)) continue;
          taken += 1;
          picked.set(event.id, event);
        }
      }
      return [...picked.values()].sort(newestFirst);
    },
    get size() {
      return byId.size;
    },
  };
};
