/** How the media path to the partner stands, as the peer connection reports it. */
export type LinkState = 'connected' | 'interrupted' | 'failed';

/**
 * How long an interrupted connection is given to come back before the call says it could not be
 * restored. A Wi-Fi blink or a switch between networks takes a few seconds; much longer and the
 * person is better served by a clear message and a Rejoin button than by a frozen picture.
 */
export const RECOVERY_WINDOW_MS = 20_000;
/**
 * Partner silence after which the call shows "Reconnecting…" (6 missed heartbeats). Short enough
 * that a crashed partner is noticed within 5 s (3 s + one 0.25 s check after a beat sent up to
 * 0.5 s before the crash) and a 5 s blip is announced while it lasts; long enough that a loaded
 * machine delaying a few beats does not flash "Reconnecting…" at a healthy pair (2.5 s did, at a
 * load average of 20).
 */
export const QUIET_AFTER_MS = 3000;
/** While ICE stays failed, ask again this often (an earlier restart offer may have been lost). */
export const RESTART_EVERY_MS = 5_000;

/** What the caller must do. */
export type RecoveryOutput =
  /** The path broke: show "Reconnecting…", and excuse the partner's silence. */
  | { kind: 'interrupted' }
  /** ICE gave up on its candidate pairs: restart it (new credentials, fresh candidates). */
  | { kind: 'restart' }
  /** Media flows again after `afterMs` of interruption. */
  | { kind: 'recovered'; afterMs: number }
  /** The window passed without recovery: close the connection and say so. */
  | { kind: 'give-up' };

/**
 * Recovery of one partner's connection, as a pure state machine fed link changes and the clock.
 * `disconnected` often heals by itself (ICE keeps checking the same pair), so it only starts the
 * window; `failed` needs an ICE restart, repeated while it lasts.
 */
export const createRecovery = (windowMs = RECOVERY_WINDOW_MS, restartEveryMs = RESTART_EVERY_MS) => {
  let since: number | null = null;
  let failed = false;
  let lastRestart = Number.NEGATIVE_INFINITY;

  const restart = (now: number): RecoveryOutput[] => {
    if (now - lastRestart < restartEveryMs) return [];
    lastRestart = now;
    return [{ kind: 'restart' }];
  };

  return {
    /** Whether the partner's connection is interrupted and being recovered. */
    get recovering(): boolean {
      return since !== null;
    },
    link(state: LinkState, now: number): RecoveryOutput[] {
      if (state === 'connected') {
        if (since === null) return [];
        const afterMs = now - since;
        since = null;
        failed = false;
        lastRestart = Number.NEGATIVE_INFINITY;
        return [{ kind: 'recovered', afterMs }];
      }
      const out: RecoveryOutput[] = [];
      if (since === null) {
        since = now;
        out.push({ kind: 'interrupted' });
      }
      failed = state === 'failed';
      if (failed) out.push(...restart(now));
      return out;
    },
    /** The partner went quiet on the data channel: starts the window, leaves ICE's own state alone. */
    silent(now: number): RecoveryOutput[] {
      if (since !== null) return [];
      since = now;
      return [{ kind: 'interrupted' }];
    },
    tick(now: number): RecoveryOutput[] {
      if (since === null) return [];
      if (now - since >= windowMs) {
        since = null;
        failed = false;
        return [{ kind: 'give-up' }];
      }
      return failed ? restart(now) : [];
    },
    /** A new partner (or none): forget the old one's interruption. */
    reset(): void {
      since = null;
      failed = false;
      lastRestart = Number.NEGATIVE_INFINITY;
    },
  };
};

export type Recovery = ReturnType<typeof createRecovery>;
