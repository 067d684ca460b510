import { batch, signal, type ReadonlySignal } from '@preact/signals';
import type { ConnectionSummary, Quality } from '../core/connection-stats';

/** How often the details are refreshed while connected. */
export const STATS_INTERVAL_MS = 2000;

export interface ConnectionStatsModel {
  /** The latest look at the connection, or null when not connected (or not yet measured). */
  readonly summary: ReadonlySignal<ConnectionSummary | null>;
  readonly quality: ReadonlySignal<Quality>;
}

/** What the call model drives: polling starts with a partner and stops when they go. */
export interface ConnectionStatsControl extends ConnectionStatsModel {
  /** Samples `read` at once and every STATS_INTERVAL_MS until `stop`. */
  start(read: () => Promise<unknown[]>): void;
  stop(): void;
}

/** Polls getStats() of the connection to the partner, only while there is one. */
export const createConnectionStats = (): ConnectionStatsControl => {
  const summary = signal<ConnectionSummary | null>(null);
  const quality = signal<Quality>('unknown');
  /** The polling under way: aborted by stop (or a new start), so a read that finishes late cannot write over a newer state. */
  let polling: AbortController | null = null;

  const stop = () => {
    polling?.abort();
    polling = null;
    batch(() => {
      summary.value = null;
      quality.value = 'unknown';
    });
  };

  return {
    summary,
    quality,
    start(read) {
      stop();
      const mine = new AbortController();
      polling = mine;
      let previous: unknown[] | null = null;
      let busy = false;
      const sample = async () => {
        // A slow getStats() is skipped over rather than queued.
        if (busy) return;
        busy = true;
        try {
          // Loaded on first use, like the verification code: nothing of it is needed before a call connects.
          const [entries, core] = await Promise.all([read(), import('../core/connection-stats')]);
          if (mine.signal.aborted) return;
          const next = core.summariseStats(entries, previous);
          batch(() => {
            summary.value = next;
            quality.value = core.connectionQuality(next);
          });
          previous = entries;
        } catch {
          // The connection closed between samples: the partner's departure will stop us.
        } finally {
          busy = false;
        }
      };
      void sample();
      const timer = setInterval(() => void sample(), STATS_INTERVAL_MS);
      mine.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
    },
    stop,
  };
};
