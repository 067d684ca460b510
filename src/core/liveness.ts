/** How often we tell the other side we are here (with our admission state). */
export const HEARTBEAT_INTERVAL_MS = 500;
/** How often silence is checked; bounds how late past the timeout a vanished peer is noticed. */
export const LIVENESS_CHECK_MS = 250;
/**
 * Silence after which the other person counts as gone. Trystero alone needs ~13 s to notice a
 * crashed tab; 3 s (6 missed heartbeats) tells within ~3.5 s, and still tolerates a background
 * tab whose timers Chrome throttles to once a second.
 */
export const HEARTBEAT_TIMEOUT_MS = 3000;

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
    /** Peers silent for longer than the timeout at `now`. */
    silent(now: number): string[] {
      return [...lastHeard].filter(([, t]) => now - t > timeoutMs).map(([id]) => id);
    },
  };
};
