/** Why the relay refused something; each is a `reason` label of `parley_relay_refusals_total`. */
export type RefusalReason =
  | 'origin'
  | 'token'
  | 'capacity'
  | 'ip_connections'
  | 'rate'
  | 'size'
  | 'room_full'
  | 'invalid'
  | 'blocked'
  | 'subscriptions'
  | 'slow_consumer'
  /** A Host name the relay was not told to answer for (DNS rebinding), on HTTP or upgrade. */
  | 'host'
  /** An unparseable request target or a non-GET upgrade. */
  | 'bad_request'
  /** A TCP connection past the address group's cap on unfinished request heads. */
  | 'half_open'
  /** A connection disconnected for running past its refusal tolerance. */
  | 'flood'
  /** A WebSocket closed by ws for too many fragments or buffered chunks of one message. */
  | 'fragments'
  /** `/metrics` asked for without the token or from a non-loopback address. */
  | 'metrics_auth'
  /** An event already forwarded (replay), answered `duplicate:`. */
  | 'duplicate'
  /** An event dated outside the relay's created_at window. */
  | 'stale'
  /** A key or peer_id seated on another open connection. */
  | 'seat_held'
  /** A topic's reader slots (besides its seats) are taken. */
  | 'readers'
  /** A hub's charge for work (signature checks, filter values, fan-out) failed. */
  | 'budget'
  /** Too many events (of the connection, or in all) are waiting for their signature check. */
  | 'verify_queue';

const REASONS: readonly RefusalReason[] = [
  'origin',
  'token',
  'capacity',
  'ip_connections',
  'rate',
  'size',
  'room_full',
  'invalid',
  'blocked',
  'subscriptions',
  'slow_consumer',
  'host',
  'bad_request',
  'half_open',
  'flood',
  'fragments',
  'metrics_auth',
  'duplicate',
  'stale',
  'seat_held',
  'readers',
  'budget',
  'verify_queue',
];

export type Protocol = 'nostr' | 'tracker';

/** Counters and gauges, rendered in the Prometheus text exposition format (version 0.0.4). */
export interface Metrics {
  connectionOpened(): void;
  connectionClosed(): void;
  message(protocol: Protocol): void;
  forwarded(count: number): void;
  refused(reason: RefusalReason): void;
  refusals(reason: RefusalReason): number;
  readonly openConnections: number;
  render(gauges: { topics: number }): string;
}

export const createMetrics = (): Metrics => {
  let opened = 0;
  let open = 0;
  let forwarded = 0;
  const messages: Record<Protocol, number> = { nostr: 0, tracker: 0 };
  const refusals = new Map<RefusalReason, number>(REASONS.map((r) => [r, 0]));
  return {
    connectionOpened() {
      opened += 1;
      open += 1;
    },
    connectionClosed() {
      open -= 1;
    },
    message(protocol) {
      messages[protocol] += 1;
    },
    forwarded(count) {
      forwarded += count;
    },
    refused(reason) {
      refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
    },
    refusals: (reason) => refusals.get(reason) ?? 0,
    get openConnections() {
      return open;
    },
    render({ topics }) {
      const lines = [
        '# HELP parley_relay_connections_total WebSocket connections accepted.',
        '# TYPE parley_relay_connections_total counter',
        `parley_relay_connections_total ${opened}`,
        '# HELP parley_relay_connections_open WebSocket connections open now.',
        '# TYPE parley_relay_connections_open gauge',
        `parley_relay_connections_open ${open}`,
        '# HELP parley_relay_messages_total Client frames handled, by protocol.',
        '# TYPE parley_relay_messages_total counter',
        ...(Object.keys(messages) as Protocol[]).map(
          (p) => `parley_relay_messages_total{protocol="${p}"} ${messages[p]}`,
        ),
        '# HELP parley_relay_forwarded_total Frames forwarded to other clients.',
        '# TYPE parley_relay_forwarded_total counter',
        `parley_relay_forwarded_total ${forwarded}`,
        '# HELP parley_relay_refusals_total Connections, frames and events refused, by reason.',
        '# TYPE parley_relay_refusals_total counter',
        ...REASONS.map((r) => `parley_relay_refusals_total{reason="${r}"} ${refusals.get(r) ?? 0}`),
        '# HELP parley_relay_topics Topics with at least one live peer or subscriber.',
        '# TYPE parley_relay_topics gauge',
        `parley_relay_topics ${topics}`,
      ];
      return `${lines.join('\n')}\n`;
    },
  };
};
