import type { LimiterStore } from '../../core/rate-limit';

/** A limiter store in localStorage under `key`; unreadable or unavailable storage counts as empty. */
export const localStorageStore = (key: string, storage: Storage | undefined = globalThis.localStorage): LimiterStore => ({
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
