import type { LimiterStore } from '../../core/rate-limit';

/** One JSON value in localStorage: `load()` gives it unparsed (null when absent or unreadable). */
export interface JsonSlot {
  load(): unknown;
  save(value: unknown): void;
}

/** A JSON slot (e.g. a limiter's store) in localStorage under `key`; unreadable or unavailable storage counts as empty. */
export const localStorageStore = (
  key: string,
  storage: Storage | undefined = globalThis.localStorage,
): JsonSlot & LimiterStore => ({
  load() {
    try {
      const raw = storage?.getItem(key);
      return raw ? (JSON.parse(raw) as unknown) : null;
    } catch {
      return null;
    }
  },
  save(value) {
    try {
      storage?.setItem(key, JSON.stringify(value));
    } catch {
      // Private mode or a full quota: the limit then holds for this page only.
    }
  },
});

/** An in-memory store (tests; or where storage is unavailable). */
export const memoryStore = (initial: unknown = null): LimiterStore & { value: unknown } => {
  const store = {
    value: initial,
    load: () => store.value,
    save: (v: number[]) => void (store.value = [...v]),
  };
  return store;
};
