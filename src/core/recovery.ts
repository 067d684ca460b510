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
/**
 * Interrupted this long (counted from when the loss was noticed: QUIET_AFTER_MS of silence, or ICE
 * saying so), the old path is given up and the partner is dialled afresh through the signaling relay.
 * An ICE restart cannot do this job in Trystero 0.25.4: it sends the restart offer over the
 * connection's own data channel, which is the path that is down. Nor can the fresh dial run beside
 * the old path: Trystero keeps one RTCPeerConnection per peer per app id (core/dist/shared-peer.mjs)
 * and ignores the announce of a peer it is still connected to, so the old one must be closed first.
 * So the race is a short head start for in-place healing: a path confirmed lost (ICE says so, or
 * nothing at all arrives on it: STALL_WINDOW_MS) is dialled afresh 2 s after the loss is noticed and
 * connects 0.5–1.5 s later (the goal: back within 5 s of the loss being noticed; the recovery bench
 * measured a median of 3.2 s); a blip that ends by then heals in place, and one that ends soon after
 * is met by the fresh dial (a 5 s outage is noticed 2.5–3.3 s in and re-dialled 4.5–5.3 s in; the
 * attempt connects 1.5–2.5 s after the network is back). (Was 8 s: a lost path took ~14 s to come
 * back. Confirmed by ICE alone, Chromium's `disconnected` 5–7 s into the outage, a 5 s outage was
 * re-dialled just as it healed in place, and came back after 1.7 s or 3–4 s, a coin toss.)
 */
export const REDIAL_AFTER_MS = 2_000;
/**
 * The same, when only the partner's silence says the path is down: ICE still calls it connected and
 * bytes still arrive on it (or the browser gives no count, see STALL_WINDOW_MS). A machine too loaded
 * to send or read heartbeats for a few seconds looks like that too, and closing a working connection
 * under it would cost a re-dial for nothing.
 */
export const SILENT_REDIAL_AFTER_MS = 8_000;
/**
 * A re-dial that has not connected by then is tried again: a fresh connection opens in 0.5–3 s, and
 * one attempted while the network was still down (or whose ICE failed) never will. Each try leaves
 * and re-enters the rendezvous, so not much more often than a connection takes under load.
 */
export const REDIAL_EVERY_MS = 4_000;

/**
 * Nothing received on the interrupted path for this long (no media, no RTCP, no ICE check: the fake
 * camera alone sends 30 packets a second) confirms the loss, as ICE saying so does, but 2–4 s sooner:
 * Chromium reports `disconnected` 5–7 s into an outage, when heartbeats have been missed for 2–4 s.
 * A busy machine that misses heartbeats still receives the partner's media (the network thread keeps
 * up), so it is not taken for a loss.
 */
export const STALL_WINDOW_MS = 1_000;

/**
 * Whether an interrupted path still carries anything, from its byte counter looked at over time:
 * 'stalled' once the count has not moved for STALL_WINDOW_MS, 'flowing' when it moved since the last look,
 * 'unknown' until then (or when the browser gives no count).
 */
export const createStallWatch = (windowMs = STALL_WINDOW_MS) => {
  let baseline: { bytes: number; at: number } | null = null;
  return {
    look(bytes: number | null, now: number): 'stalled' | 'flowing' | 'unknown' {
      if (bytes === null) {
        baseline = null;
        return 'unknown';
      }
      if (baseline === null || bytes !== baseline.bytes) {
        const moved = baseline !== null;
        baseline = { bytes, at: now };
        return moved ? 'flowing' : 'unknown';
      }
      return now - baseline.at >= windowMs ? 'stalled' : 'unknown';
    },
    reset(): void {
      baseline = null;
    },
  };
};

/** What the caller must do. */
export type RecoveryOutput =
  /** The path broke: show "Reconnecting…", and excuse the partner's silence. */
  | { kind: 'interrupted' }
  /** The old path is not coming back (ICE failed, or down too long): close it and connect again through signaling. */
  | { kind: 'redial' }
  /** Media flows again after `afterMs` of interruption. */
  | { kind: 'recovered'; afterMs: number }
  /** The window passed without recovery: close the connection and say so. */
  | { kind: 'give-up' };

/**
 * Recovery of one partner's connection, as a pure state machine fed link changes and the clock.
 * `disconnected` often heals by itself (ICE keeps checking the same pair), so it only starts the
 * window; `failed` (ICE gave up on every pair), or an interruption past `redialAfterMs`, re-dials,
 * again every `redialEveryMs` until the partner's fresh connection ends it (`reconnected`) or the
 * window closes.
 */
export const createRecovery = (
  windowMs = RECOVERY_WINDOW_MS,
  redialAfterMs = REDIAL_AFTER_MS,
  redialEveryMs = REDIAL_EVERY_MS,
  silentRedialAfterMs = SILENT_REDIAL_AFTER_MS,
) => {
  let since: number | null = null;
  /** What ICE last said of the current path: not connected (the loss is confirmed, not only a silence). */
  let iceDown = false;
  /** What the current path was last seen carrying (createStallWatch); 'unknown' until looked at. */
  let carried: 'stalled' | 'flowing' | 'unknown' = 'unknown';
  let redialed = false;
  let lastRedial = Number.NEGATIVE_INFINITY;

  const redial = (now: number): RecoveryOutput[] => {
    if (now - lastRedial < redialEveryMs) return [];
    redialed = true;
    lastRedial = now;
    return [{ kind: 'redial' }];
  };
  const end = () => {
    since = null;
    carried = 'unknown';
    redialed = false;
    lastRedial = Number.NEGATIVE_INFINITY;
  };

  return {
    /** Whether the partner's connection is interrupted and being recovered. */
    get recovering(): boolean {
      return since !== null;
    },
    /** Whether the old connection was closed and the partner is being dialled afresh. */
    get redialing(): boolean {
      return redialed;
    },
    link(state: LinkState, now: number): RecoveryOutput[] {
      // After a re-dial the old connection's news is stale; only the fresh one counts.
      if (redialed) return [];
      iceDown = state !== 'connected';
      if (state === 'connected') {
        if (since === null) return [];
        const afterMs = now - since;
        end();
        return [{ kind: 'recovered', afterMs }];
      }
      const out: RecoveryOutput[] = [];
      if (since === null) {
        since = now;
        out.push({ kind: 'interrupted' });
      }
      if (state === 'failed') out.push(...redial(now));
      return out;
    },
    /**
     * What the interrupted path carries (createStallWatch). Nothing at all confirms the loss, as ICE
     * saying so does. Bytes arriving outweigh ICE's `disconnected`: the path works, only slowly (a
     * machine whose cores are taken by a big file transfer misses ICE checks and heartbeats alike, and
     * a re-dial would end the transfer), or it is healing in place; the longer wait applies. ICE's
     * `failed` still re-dials at once.
     */
    carrying(watch: 'stalled' | 'flowing' | 'unknown'): void {
      if (since === null || redialed || watch === 'unknown') return;
      carried = watch;
    },
    /** The partner went quiet on the data channel: starts the window, leaves ICE's own state alone. */
    silent(now: number): RecoveryOutput[] {
      if (since !== null) return [];
      since = now;
      return [{ kind: 'interrupted' }];
    },
    /**
     * The connection to the partner closed while it was being recovered: a re-dial, ours or theirs
     * (their side gave up the old path first). Wait for the fresh connection before dialling again.
     */
    closed(now: number): void {
      if (since === null) return;
      redialed = true;
      lastRedial = now;
    },
    /** The re-dialled partner is connected again. */
    reconnected(now: number): RecoveryOutput[] {
      if (since === null || !redialed) return [];
      const afterMs = now - since;
      end();
      return [{ kind: 'recovered', afterMs }];
    },
    tick(now: number): RecoveryOutput[] {
      if (since === null) return [];
      if (now - since >= windowMs) {
        end();
        return [{ kind: 'give-up' }];
      }
      const confirmed = carried === 'stalled' || (iceDown && carried !== 'flowing');
      return now - since >= (confirmed ? redialAfterMs : silentRedialAfterMs) ? redial(now) : [];
    },
    /** A new partner (or none): forget the old one's interruption. */
    reset(): void {
      end();
      iceDown = false;
      carried = 'unknown';
    },
  };
};

export type Recovery = ReturnType<typeof createRecovery>;
