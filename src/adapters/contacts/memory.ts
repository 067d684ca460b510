import type { ContactStore, StoredContact } from './types';

/** Contacts in memory: the fake for tests, and the fallback where IndexedDB is unavailable (nothing persists). */
export const memoryContactStore = (
  initial: readonly StoredContact[] = [],
): ContactStore & {
  readonly records: Map<string, StoredContact>;
} => {
  const records = new Map(initial.map((c) => [c.id, c]));
  return {
    records,
    list: async () => [...records.values()],
    put: async (c) => void records.set(c.id, c),
    remove: async (id) => void records.delete(id),
  };
};
