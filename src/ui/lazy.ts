import { signal, type ReadonlySignal } from '@preact/signals';

export interface LazyModule<M> {
  /** The module once loaded (components reading it re-render when it arrives). */
  readonly loaded: ReadonlySignal<M | null>;
  /** Why the last load failed, until the next attempt. */
  readonly failed: ReadonlySignal<boolean>;
  /** Starts loading (once; again after a failure). Cheap to call on every render or intent. */
  preload(): void;
}

/**
 * Code that Home does not need, loaded on first need or earlier on intent, then kept. A failed load
 * (offline without the cached chunk) is reported, and tried again on the next preload.
 */
export const lazyModule = <M>(load: () => Promise<M>): LazyModule<M> => {
  const loaded = signal<M | null>(null);
  const failed = signal(false);
  let pending = false;
  return {
    loaded,
    failed,
    preload() {
      if (pending || loaded.value) return;
      pending = true;
      failed.value = false;
      load().then(
        (m) => (loaded.value = m),
        () => {
          pending = false;
          failed.value = true;
        },
      );
    },
  };
};
