import { effect, signal, type ReadonlySignal } from '@preact/signals';
import type { WakeLockHold, WakeLockPort } from '../adapters/wake-lock/types';

export interface WakeLockModel {
  /** Whether the screen is being kept on now. */
  readonly held: ReadonlySignal<boolean>;
  dispose(): void;
}

/**
 * Keeps the screen on while `wanted` (a connected call) and the page is visible: released when the call
 * ends or the tab is hidden, asked for again when the tab comes back. A refusal is not retried until
 * the page becomes visible again or the call is wanted anew (no request loop on a browser that says no).
 */
export const createWakeLock = ({ port, wanted }: { port: WakeLockPort; wanted: ReadonlySignal<boolean> }) => {
  const held = signal(false);
  let hold: WakeLockHold | null = null;
  let asking = false;
  let refused = false;
  let disposed = false;

  const drop = () => {
    const h = hold;
    hold = null;
    held.value = false;
    h?.release();
  };

  const sync = () => {
    const want = !disposed && wanted.peek() && port.isVisible();
    if (!want) {
      drop();
      return;
    }
    if (hold || asking || refused) return;
    asking = true;
    const lost = () => {
      if (hold !== got) return;
      hold = null;
      held.value = false;
      sync();
    };
    let got: WakeLockHold | null = null;
    void port.request(lost).then((h) => {
      asking = false;
      got = h;
      if (h === null) refused = true;
      else {
        hold = h;
        held.value = true;
      }
      // Hung up or hidden while the browser was deciding: let go at once.
      sync();
    });
  };

  const stopEffect = effect(() => {
    if (!wanted.value) refused = false;
    sync();
  });
  const stopVisibility = port.onVisibilityChange(() => {
    if (port.isVisible()) refused = false;
    sync();
  });

  const model: WakeLockModel = {
    held,
    dispose() {
      disposed = true;
      stopEffect();
      stopVisibility();
      drop();
    },
  };
  return model;
};
