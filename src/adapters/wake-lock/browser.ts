import type { WakeLockHold, WakeLockPort } from './types';

/** The Screen Wake Lock API; browsers without it (or refusing it) simply let the screen sleep. */
export const createBrowserWakeLock = (): WakeLockPort => ({
  async request(onLost) {
    if (!('wakeLock' in navigator)) return null;
    try {
      const sentinel = await navigator.wakeLock.request('screen');
      let released = false;
      sentinel.addEventListener(
        'release',
        () => {
          // Our own release() fires this too: only a drop by the browser is news.
          if (!released) onLost();
        },
        { once: true },
      );
      const hold: WakeLockHold = {
        release() {
          released = true;
          void sentinel.release().catch(() => undefined);
        },
      };
      return hold;
    } catch {
      // NotAllowedError (hidden page, policy, low battery): the call goes on, the screen may sleep.
      return null;
    }
  },
  isVisible: () => document.visibilityState === 'visible',
  onVisibilityChange(listener) {
    document.addEventListener('visibilitychange', listener);
    return () => document.removeEventListener('visibilitychange', listener);
  },
});
