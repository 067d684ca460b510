import { type ReadonlySignal } from '@preact/signals';
import type { ConnectionSummary, Quality } from '../core/connection-stats';
/** How often the details are refreshed while connected. */
export declare const STATS_INTERVAL_MS = 2000;
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
export declare const createConnectionStats: () => ConnectionStatsControl;
