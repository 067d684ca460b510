import type { AddressBar } from './types';

/** The real address bar. Clearing the fragment uses pushState so no bare `#` is left behind. */
export const createBrowserAddressBar = (): AddressBar => {
  const listeners = new Set<() => void>();
  const fire = () => listeners.forEach((l) => l());
  addEventListener('hashchange', fire);
  return {
    getHash: () => location.hash,
    setHash(hash, replace = false) {
      if (hash !== '' && !replace) {
        location.hash = hash;
        return;
      }
      const url = location.pathname + location.search + hash;
      if (replace) history.replaceState(null, '', url);
      else history.pushState(null, '', url);
      fire();
    },
    onHashChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
};
