/** How often we tell the other side we are here (with our admission state). */
export const HEARTBEAT_INTERVAL_MS = 500;
/** How often silence is checked; bounds how late past the timeout a vanished peer is noticed. */
export const LIVENESS_CHECK_MS = 250;
/**
 * Silence after which the other person counts as gone. Trystero alone needs ~13 s to notice a
 * crashed tab. 4 s (8 missed heartbeats) plus at most one check (0.25 s) after the last beat,
 * which left at most 0.5 s before the crash, keeps the goal of "within 5 s" with ~0.5 s to spare
 * for a busy machine (4.5 s left none: a loaded CI run once took longer than 5 s). It still
 * tolerates a background tab whose timers Chrome throttles to once a second (3 missed beats), or
 * a page busy with a flood. (A closed tab is usually seen far sooner: its connection closes.)
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
