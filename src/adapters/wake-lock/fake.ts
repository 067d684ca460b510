import type { WakeLockPort } from './types';

/**
 * Wake lock for tests, behaving as browsers do: a request from a hidden page is refused, and hiding the
 * page drops every lock held (calling its `onLost`). `state.held` counts the locks held now.
 */
export const createFakeWakeLock = (over: { visible?: boolean; refuse?: boolean } = {}) => {
  const state = { visible: over.visible ?? true, refuse: over.refuse ?? false, held: 0, requests: 0, releases: 0 };
  const listeners = new Set<() => void>();
  const holds = new Set<{ lost: () => void }>();
  const port: WakeLockPort = {
    async request(onLost) {
      state.requests++;
      if (state.refuse || !state.visible) return null;
      const entry = { lost: onLost };
      holds.add(entry);
      state.held++;
      return {
        release() {
          if (!holds.delete(entry)) return;
          state.held--;
          state.releases++;
        },
      };
    },
    isVisible: () => state.visible,
    onVisibilityChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const setVisible = (visible: boolean) => {
    state.visible = visible;
    if (!visible) {
      for (const h of [...holds]) {
        holds.delete(h);
        state.held--;
        h.lost();
      }
    }
    for (const l of [...listeners]) l();
  };
  return { port, state, setVisible, listeners };
};
