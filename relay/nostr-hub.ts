import { WebSocket, type RawData } from 'ws';
import { createEventStore } from './event-store.js';
import { LIMITS } from './limits.js';
import { isEphemeralKind } from './nostr-event.js';
import { matchesAny } from './nostr-filter.js';
import { parseClientMessage } from './nostr-message.js';
import type { NostrEvent, NostrFilter } from './nostr-types.js';

export interface NostrHubOptions {
  log: (line: string) => void;
  storeCapacity?: number;
  heartbeatMs?: number;
}

/** The NIP-01 relay logic for a set of WebSocket connections: subscriptions, a bounded store, fan-out. */
export interface NostrHub {
  /** Takes ownership of an accepted socket until it closes. */
  handleConnection(socket: WebSocket): void;
  /** Stops the heartbeat and terminates every connection. */
  close(): void;
}

interface Connection {
  socket: WebSocket;
  subscriptions: Map<string, NostrFilter[]>;
  alive: boolean;
}

const rawToText = (data: RawData): string => {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
};

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Creates the hub. Replies follow what Trystero can live with: it abandons a relay for good on
 * `CLOSED` or on `OK false` without a `rate-limited:`/`duplicate:` prefix, so refusals that are the
 * client's fault are NOTICEs, and only genuinely invalid events get `OK false "invalid: …"`.
 */
export const createNostrHub = (options: NostrHubOptions): NostrHub => {
  const { log } = options;
  const store = createEventStore(options.storeCapacity ?? LIMITS.storedEvents);
  const connections = new Set<Connection>();

  const send = (conn: Connection, message: readonly unknown[]): void => {
    const { socket } = conn;
    if (socket.readyState !== WebSocket.OPEN) return;
    // A reader that stopped reading would otherwise make us buffer every event for it forever.
    if (socket.bufferedAmount > LIMITS.maxBufferedBytes) {
      log('relay: dropping a client that stopped reading');
      socket.terminate();
      return;
    }
    socket.send(JSON.stringify(message));
  };
  const notice = (conn: Connection, reason: string): void => send(conn, ['NOTICE', reason]);

  const broadcast = (event: NostrEvent): void => {
    for (const conn of connections) {
      for (const [subId, filters] of conn.subscriptions) {
        if (matchesAny(event, filters)) send(conn, ['EVENT', subId, event]);
      }
    }
  };

  const handleEvent = (conn: Connection, event: NostrEvent): void => {
    if (isEphemeralKind(event.kind)) {
      send(conn, ['OK', event.id, true, '']);
      broadcast(event);
      return;
    }
    if (store.add(event) === 'duplicate') {
      // NIP-01 duplicate answer; `true` keeps Trystero from ever counting it as a rejection.
      send(conn, ['OK', event.id, true, 'duplicate: already have this event']);
      return;
    }
    send(conn, ['OK', event.id, true, '']);
    broadcast(event);
  };

  const handleReq = (conn: Connection, subId: string, filters: NostrFilter[]): void => {
    const replacing = conn.subscriptions.has(subId);
    if (!replacing && conn.subscriptions.size >= LIMITS.maxSubscriptionsPerConnection) {
      notice(conn, `too many subscriptions (at most ${LIMITS.maxSubscriptionsPerConnection} per connection); CLOSE one first`);
      return;
    }
    conn.subscriptions.set(subId, filters);
    for (const event of store.query(filters)) send(conn, ['EVENT', subId, event]);
    send(conn, ['EOSE', subId]);
  };

  const handleFrame = (conn: Connection, data: RawData, isBinary: boolean): void => {
    if (isBinary) {
      notice(conn, 'binary frames are not supported; send JSON text');
      return;
    }
    const parsed = parseClientMessage(rawToText(data));
    if (!parsed.ok) {
      const failure = parsed.error;
      if (failure.type === 'rejected-event') send(conn, ['OK', failure.eventId, false, `invalid: ${failure.reason}`]);
      else notice(conn, failure.reason);
      return;
    }
    const message = parsed.value;
    switch (message.type) {
      case 'EVENT':
        handleEvent(conn, message.event);
        return;
      case 'REQ':
        handleReq(conn, message.subId, message.filters);
        return;
      case 'CLOSE':
        conn.subscriptions.delete(message.subId);
        return;
    }
  };

  const heartbeat = setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) {
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
  }, options.heartbeatMs ?? LIMITS.heartbeatMs);
  heartbeat.unref();

  return {
    handleConnection(socket) {
      // Attached first: an unhandled 'error' on any socket would take the whole process down.
      socket.on('error', (e) => log(`relay: socket error: ${messageOf(e)}`));
      if (connections.size >= LIMITS.maxConnections) {
        socket.close(1013, 'relay is full, try again later');
        return;
      }
      const conn: Connection = { socket, subscriptions: new Map(), alive: true };
      connections.add(conn);
      socket.on('pong', () => {
        conn.alive = true;
      });
      socket.on('close', () => {
        connections.delete(conn);
      });
      socket.on('message', (data, isBinary) => {
        // A bug here must cost one reply, not the process that every other call depends on.
        try {
          handleFrame(conn, data, isBinary);
        } catch (e) {
          log(`relay: internal error handling a frame: ${messageOf(e)}`);
          notice(conn, 'internal error');
        }
      });
    },
    close() {
      clearInterval(heartbeat);
      for (const conn of connections) conn.socket.terminate();
      connections.clear();
    },
  };
};
