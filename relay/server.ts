import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { checkAccessToken } from './access-token.js';
import { isValidHostHeader, type ConfigOptions } from './config-response.js';
import { createSender, type ClientConnection, type HubContext, type ProtocolHub } from './connection.js';
import { createHttpHandler } from './http-handler.js';
import { DEFAULT_LIMITS, type RelayLimits } from './limits.js';
import { createIpHasher, silentLogger, type Logger } from './log.js';
import { createMetrics, type RefusalReason } from './metrics.js';
import { createNostrHub } from './nostr-hub.js';
import { createTokenBucket, type TokenBucket } from '../src/core/token-bucket.js';
import { createTrackerHub } from './tracker-hub.js';

export interface RelayOptions {
  /** Interface to bind, e.g. `127.0.0.1` (local only) or `0.0.0.0` (LAN). */
  host: string;
  /** TCP port; 0 picks a free one (read it back from `address()`). */
  port: number;
  /** Directory of the built app (`dist/`). Without it, or without its index.html, `/` answers 503. */
  staticDir?: string | undefined;
  /** Structured log sink (one JSON object per line); silent by default. */
  log?: Logger | undefined;
  /** PEM certificate chain and key: serve HTTPS and WSS instead of HTTP and WS. */
  tls?: { cert: string | Buffer; key: string | Buffer } | undefined;
  /** Guards; each missing field takes its default from `DEFAULT_LIMITS`. */
  limits?: Partial<RelayLimits> | undefined;
  /** Browser origins allowed besides the relay's own (`*` allows any). */
  allowedOrigins?: readonly string[] | undefined;
  /** Strategy, relay list and TURN servers advertised in `/config.json`. */
  config?: Partial<Omit<ConfigOptions, 'secure'>> | undefined;
  /** Extra `connect-src` sources for the app's Content-Security-Policy. */
  connectSources?: readonly string[] | undefined;
  /** When set, a WebSocket needs `?token=` signed with this secret (see access-token.ts). */
  tokenSecret?: Uint8Array | undefined;
  /** Clock in milliseconds (tests inject one to expire topics without waiting). */
  now?: (() => number) | undefined;
  /** How long `close()` lets clients answer the closing handshake before cutting them off. */
  drainMs?: number | undefined;
}

export interface RelayAddress {
  /** The bound address as the OS reports it. */
  host: string;
  port: number;
  /** `http(s)://host:port/`, the page to open. A wildcard bind is shown as loopback. */
  url: string;
  /** `ws(s)://host:port/`, the signaling endpoint (same socket). */
  wsUrl: string;
}

export interface RelayStats {
  connections: number;
  /** Topics (Nostr) and info_hashes (tracker) with any state left, after dropping expired ones. */
  topics: number;
  /** Distinct client IPs with open connections. */
  ips: number;
}

export interface Relay {
  /** Resolves once listening; rejects with the listen error (e.g. EADDRINUSE). */
  ready: Promise<void>;
  /** The bound address; throws if called before `ready` resolved. */
  address(): RelayAddress;
  stats(): RelayStats;
  /** The `/metrics` text. */
  metrics(): string;
  /** Stops accepting, closes every WebSocket with 1001 and stops listening. Safe to call more than once. */
  close(): Promise<void>;
}

// Browsers cannot connect to a wildcard address, so URLs we hand out name loopback instead.
const urlHost = (host: string): string => {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
};

/** WebSocket paths we answer: `/` (Nostr and tracker alike) and `/announce` (what trackers usually use). */
const WS_PATHS = new Set(['/', '/announce']);
/** A client refused this many frames in a row for rate is not slowing down: it is disconnected. */
const MAX_REFUSED_IN_A_ROW = 500;
/** ...and its address may not open new connections for this long, so a flood cannot restart itself with fresh buckets. */
const FLOOD_PENALTY_MS = 10_000;
/** At most one rate-limit reply per connection per this long: one is enough for Trystero to back off, and replies cost us too. */
const RATE_REPLY_INTERVAL_MS = 1000;

const rawToText = (data: RawData): string => {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
};

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Starts the Parley relay: Nostr (NIP-01 subset) and WebTorrent-tracker signaling plus the built app, on one port. */
export const createRelay = (options: RelayOptions): Relay => {
  const log = options.log ?? silentLogger;
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const secure = options.tls !== undefined;
  const metrics = createMetrics();
  const hashIp = createIpHasher();
  const server: Server = options.tls === undefined ? createHttpServer() : createHttpsServer({ cert: options.tls.cert, key: options.tls.key });
  const configured = new Set((options.allowedOrigins ?? []).map((o) => o.toLowerCase()));
  const allowAnyOrigin = configured.has('*');

  const address = (): RelayAddress => {
    const bound = server.address();
    if (bound === null || typeof bound === 'string') throw new Error('relay is not listening yet; await relay.ready first');
    const { address: host, port } = bound satisfies AddressInfo;
    const hostPort = `${urlHost(host)}:${port}`;
    return { host, port, url: `${secure ? 'https' : 'http'}://${hostPort}/`, wsUrl: `${secure ? 'wss' : 'ws'}://${hostPort}/` };
  };
  const boundHostPort = (): string => new URL(address().url).host;

  /** By default only the relay's own origin: as the browser reached it (Host header) or as bound. */
  const isAllowedOrigin = (origin: string, hostHeader: string | undefined): boolean => {
    const o = origin.toLowerCase();
    if (allowAnyOrigin || configured.has(o)) return true;
    const scheme = secure ? 'https' : 'http';
    if (hostHeader !== undefined && isValidHostHeader(hostHeader) && o === `${scheme}://${hostHeader.toLowerCase()}`) return true;
    return o === `${scheme}://${boundHostPort()}`;
  };

  const connections = new Set<ClientConnection>();
  const perIp = new Map<string, { count: number; bucket: TokenBucket }>();
  const penalisedUntil = new Map<string, number>();
  let nextId = 1;

  const send = createSender(limits, metrics, log);
  const ctx: HubContext = {
    limits,
    metrics,
    log,
    now,
    send,
    refuse(conn, reason) {
      metrics.refused(reason);
      if (conn.loggedRefusals.has(reason)) return;
      conn.loggedRefusals.add(reason);
      log('refused', { reason, conn: conn.id, ip: conn.ipHash });
    },
    charge(conn, units) {
      if (!conn.bucket.take(units)) return false;
      return perIp.get(conn.ip)?.bucket.take(units) !== false;
    },
  };
  const nostr = createNostrHub(ctx);
  const tracker = createTrackerHub(ctx);
  const hubs: readonly ProtocolHub[] = [nostr, tracker];

  server.on('request', createHttpHandler({
    staticDir: options.staticDir,
    fallbackHost: boundHostPort,
    log: (message) => log('http_error', { message }),
    config: { strategy: options.config?.strategy ?? 'nostr', relays: options.config?.relays ?? [], turn: options.config?.turn, secure },
    connectSources: [...(options.connectSources ?? []), ...(options.config?.relays ?? [])],
    secure,
    isAllowedOrigin,
    metrics: () => metrics.render({ topics: nostr.topicCount + tracker.topicCount }),
  }));

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes, clientTracking: false, perMessageDeflate: false });
  wss.on('error', () => {});

  const handleMessage = (conn: ClientConnection, data: RawData, isBinary: boolean): void => {
    if (!conn.open) return;
    if (isBinary) {
      ctx.refuse(conn, 'invalid');
      send(conn, ['NOTICE', 'binary frames are not supported; send JSON text']);
      return;
    }
    const frame = rawToText(data);
    // Tracker messages are JSON objects, Nostr messages JSON arrays.
    const hub = /^\s*\{/.test(frame) ? tracker : nostr;
    const ipState = perIp.get(conn.ip);
    const connOk = conn.bucket.take();
    if (!connOk || ipState?.bucket.take() === false) {
      ctx.refuse(conn, 'rate');
      conn.refusedInARow += 1;
      if (conn.refusedInARow >= MAX_REFUSED_IN_A_ROW) {
        conn.open = false;
        penalisedUntil.set(conn.ip, now() + FLOOD_PENALTY_MS);
        log('flood_disconnected', { conn: conn.id, ip: conn.ipHash });
        conn.socket.close(1008, 'rate limit exceeded');
        return;
      }
      const at = now();
      if (at - conn.lastRateReplyMs >= RATE_REPLY_INTERVAL_MS) {
        conn.lastRateReplyMs = at;
        hub.refuseForRate(conn, frame);
      }
      return;
    }
    conn.refusedInARow = 0;
    metrics.message(hub === tracker ? 'tracker' : 'nostr');
    hub.handleFrame(conn, frame);
  };

  const accept = (socket: WebSocket, ip: string): void => {
    const conn: ClientConnection = {
      id: nextId++,
      socket,
      ip,
      ipHash: hashIp(ip),
      alive: true,
      open: true,
      refusedInARow: 0,
      lastRateReplyMs: -Infinity,
      loggedRefusals: new Set(),
      bucket: createTokenBucket(limits.connectionRate.burst, limits.connectionRate.perSecond, now),
    };
    connections.add(conn);
    const ipState = perIp.get(ip) ?? { count: 0, bucket: createTokenBucket(limits.ipRate.burst, limits.ipRate.perSecond, now) };
    ipState.count += 1;
    perIp.set(ip, ipState);
    metrics.connectionOpened();
    log('open', { conn: conn.id, ip: conn.ipHash });
    // Attached first: an unhandled 'error' on any socket would take the whole process down.
    socket.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') ctx.refuse(conn, 'size');
      else ctx.refuse(conn, 'invalid');
    });
    socket.on('pong', () => {
      conn.alive = true;
    });
    socket.on('close', (code) => {
      conn.open = false;
      connections.delete(conn);
      for (const hub of hubs) hub.forget(conn);
      const state = perIp.get(ip);
      if (state !== undefined) {
        state.count -= 1;
        if (state.count <= 0) perIp.delete(ip);
      }
      metrics.connectionClosed();
      log('close', { conn: conn.id, code });
    });
    socket.on('message', (data, isBinary) => {
      // A bug here must cost one reply, not the process that every other call depends on.
      try {
        handleMessage(conn, data, isBinary);
      } catch (e) {
        log('internal_error', { message: messageOf(e) });
        send(conn, ['NOTICE', 'internal error']);
      }
    });
  };

  let closing: Promise<void> | undefined;

  const refuseUpgrade = (socket: Duplex, status: number, reason: RefusalReason, ip: string, text: string): void => {
    metrics.refused(reason);
    log('refused', { reason, ip: hashIp(ip), status });
    const body = `${text}\n`;
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };

  // The upgrade path is a run of guard clauses, each refusing with a status and a reason.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const ip = req.socket.remoteAddress ?? 'unknown';
    const target = new URL(req.url ?? '/', 'http://relay.invalid');
    if (closing !== undefined) return refuseUpgrade(socket, 503, 'capacity', ip, 'relay is shutting down');
    if (!WS_PATHS.has(target.pathname)) return refuseUpgrade(socket, 404, 'invalid', ip, 'no WebSocket endpoint here; use /');
    if (connections.size >= limits.maxConnections) return refuseUpgrade(socket, 503, 'capacity', ip, 'relay is full, try again later');
    if ((perIp.get(ip)?.count ?? 0) >= limits.maxConnectionsPerIp) return refuseUpgrade(socket, 429, 'ip_connections', ip, 'too many connections from your address');
    const penalty = penalisedUntil.get(ip);
    if (penalty !== undefined) {
      if (now() < penalty) return refuseUpgrade(socket, 429, 'rate', ip, 'too many messages from your address; try again shortly');
      penalisedUntil.delete(ip);
    }
    const origin = req.headers.origin;
    // Browsers always send Origin; other clients can claim any, which is why tokens exist.
    if (origin !== undefined && !isAllowedOrigin(origin, req.headers.host)) return refuseUpgrade(socket, 403, 'origin', ip, 'origin not allowed');
    if (options.tokenSecret !== undefined) {
      const check = checkAccessToken(options.tokenSecret, target.searchParams.get('token'), Math.floor(now() / 1000));
      if (check !== 'valid') return refuseUpgrade(socket, 401, 'token', ip, `access token ${check}`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, ip));
  });

  const heartbeat = setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) {
        conn.open = false;
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
    for (const hub of hubs) hub.sweep();
    const at = now();
    for (const [ip, until] of penalisedUntil) if (until <= at) penalisedUntil.delete(ip);
  }, limits.heartbeatMs);
  heartbeat.unref();

  const ready = new Promise<void>((resolvePromise, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      server.on('error', (e) => log('server_error', { message: e.message }));
      resolvePromise();
    });
  });
  // The caller gets the rejection through `ready`; this only stops Node flagging it as unhandled first.
  ready.catch(() => {});

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolvePromise) => {
      clearInterval(heartbeat);
      const serverClosed = new Promise<void>((r) => {
        if (!server.listening) r();
        else server.close(() => r());
      });
      const drained = new Promise<void>((r) => {
        if (connections.size === 0) return r();
        const left = new Set(connections);
        for (const conn of left) {
          conn.open = false;
          conn.socket.once('close', () => {
            left.delete(conn);
            if (left.size === 0) r();
          });
          conn.socket.close(1001, 'relay shutting down');
        }
        setTimeout(() => {
          for (const conn of left) conn.socket.terminate();
          r();
        }, options.drainMs ?? 2000).unref();
      });
      void drained.then(() => {
        // Idle keep-alive HTTP connections would otherwise hold close() open for seconds.
        server.closeAllConnections();
        return serverClosed;
      }).then(() => resolvePromise());
    });
    return closing;
  };

  const stats = (): RelayStats => {
    for (const hub of hubs) hub.sweep();
    return { connections: connections.size, topics: nostr.topicCount + tracker.topicCount, ips: perIp.size };
  };

  return { ready, address, stats, metrics: () => metrics.render({ topics: nostr.topicCount + tracker.topicCount }), close };
};
