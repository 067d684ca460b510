/** How often we tell the other side we are here (with our admission state). */
export const HEARTBEAT_INTERVAL_MS = 500;
/** How often silence is checked; bounds how late past the timeout a vanished peer is noticed. */
export const LIVENESS_CHECK_MS = 250;
/**
 * Silence after which a peer that is not our partner (a newcomer, a refused third) counts as gone
 * and is closed. Our partner's silence starts recovery instead (core/recovery: QUIET_AFTER_MS),
 * because from here a network blip and a crash look the same.
 */
export const HEARTBEAT_TIMEOUT_MS = 4000;

/** Tracks when each peer was last heard from; pure, fed the clock by its caller. */
export const createLiveness = (timeoutMs = HEARTBEAT_TIMEOUT_MS) => {
  const lastHeard = new Map<string, number>();
  return {
    /** Records any message (or the connection itself) from `peerId` at time `now`. */
    heard(peerId: string, now: number): void {
      lastHeard.set(peerId, now);
    },
    forget(peerId: string): void {
      lastHeard.delete(peerId);
    },
    /** Peers silent for longer than the timeout (or `after`) at `now`. */
    silent(now: number, after = timeoutMs): string[] {
      return [...lastHeard].filter(([, t]) => now - t > after).map(([id]) => id);
    },
  };
};
