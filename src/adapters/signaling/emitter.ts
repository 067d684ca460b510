import type { Unsubscribe } from './types';

type Listener = (...args: never[]) => void;

/** A tiny typed event emitter: listeners per event name, each `on` returns its unsubscribe. */
export const createEmitter = <Events extends { [K in keyof Events]: Listener }>() => {
  const listeners = new Map<keyof Events, Set<Listener>>();
  return {
    on<K extends keyof Events>(event: K, listener: Events[K]): Unsubscribe {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
    emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
      for (const listener of listeners.get(event) ?? []) (listener as (...a: Parameters<Events[K]>) => void)(...args);
    },
    clear(): void {
      listeners.clear();
    },
  };
};
