import type { AddressBar } from './types';

/** An address bar in memory; setting the hash notifies listeners as the browser's hashchange does. */
export const createMemoryAddressBar = (initial = ''): AddressBar & { hash: string } => {
  const listeners = new Set<() => void>();
  const bar = {
    hash: initial,
    getHash: () => bar.hash,
    setHash(hash: string) {
      bar.hash = hash;
      listeners.forEach((l) => l());
    },
    onHashChange(listener: () => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  return bar;
};
