import type { Location } from '../models/app';

/** The real address bar. Clearing the fragment uses pushState so no bare `#` is left behind. */
export const createBrowserLocation = (): Location => {
  const listeners = new Set<() => void>();
  const fire = () => listeners.forEach((l) => l());
  addEventListener('hashchange', fire);
  return {
    getHash: () => location.hash,
    setHash(hash) {
      if (hash === '') {
        history.pushState(null, '', location.pathname + location.search);
        fire();
      } else {
        location.hash = hash;
      }
    },
    onHashChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
};
