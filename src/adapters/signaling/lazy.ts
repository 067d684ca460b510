import type { Signaling } from './types';

/**
 * Signaling whose code loads on first use: `prepare` (the person's intent, or a room code in the
 * link) starts loading it, `join` waits for it. Keeps the signaling adapter and the strategy loader
 * out of the first load; Home never needs them.
 */
export const createLazySignaling = (load: () => Promise<Signaling>): Signaling => {
  let loading: Promise<Signaling> | null = null;
  const get = () =>
    (loading ??= load().catch((e: unknown) => {
      // A failed load (offline, a deploy in between) is tried again on the next use.
      loading = null;
      throw e;
    }));
  return {
    prepare(strategy) {
      get().then(
        (s) => s.prepare(strategy),
        () => undefined,
      );
    },
    async join(options, signal) {
      const s = await get();
      signal?.throwIfAborted();
      return s.join(options, signal);
    },
  };
};
