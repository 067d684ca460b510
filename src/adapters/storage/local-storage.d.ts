import type { LimiterStore } from '../../core/rate-limit';
/** One JSON value in localStorage: `load()` gives it unparsed (null when absent or unreadable). */
export interface JsonSlot {
    load(): unknown;
    save(value: unknown): void;
}
/** A JSON slot (e.g. a limiter's store) in localStorage under `key`; unreadable or unavailable storage counts as empty. */
export declare const localStorageStore: (key: string, storage?: Storage | undefined) => JsonSlot & LimiterStore;
/** An in-memory store (tests; or where storage is unavailable). */
export declare const memoryStore: (initial?: unknown) => LimiterStore & {
    value: unknown;
};
