import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { addressGroup, isLoopbackAddress } from './address-group.js';
import { isValidHostHeader, type ConfigOptions } from './config-response.js';
import { createSender, type ClientConnection, type HubContext, type ProtocolHub } from './connection.js';
import { createHostAllowlist } from './host-allowlist.js';
import { createHttpHandler } from './http-handler.js';
import { createAllowance } from './allowance.js';
import { DEFAULT_LIMITS, frameCost, type RelayLimits } from './limits.js';
import { createIpHasher, silentLogger, type Logger } from './log.js';
import { createMetrics, type RefusalReason } from './metrics.js';
import { createNostrHub } from './nostr-hub.js';
import { isOversizedSubscription, OVERSIZED_SUBSCRIPTION_CLOSE, peekVerb } from './nostr-message.js';
import { eventVerifier } from './schnorr-verifier.js';
import { stopReading } from './stop-reading.js';
import { createVerifyPool, defaultVerifyWorkers } from './verify-pool.js';
import { createTokenBucket, type TokenBucket } from '../src/core/token-bucket.js';
import { errorDetail } from '../src/core/error-detail.js';
import { createTrackerHub } from './tracker-hub.js';
import { checkDiagnosis, checkUpgrade, diagnosisFrame } from './upgrade-guard.js';
import type { RelayProtocol } from '../src/core/relay-probe.js';

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
  /** Browser origins allowed besides the relay's own (`*` allows any). Their host names are answered for too. */
  allowedOrigins?: readonly string[] | undefined;
  /**
   * Origins this relay is published as (e.g. `https://relay.example`): their host names are the ones
   * it answers for, besides loopback names on a loopback or wildcard bind (see host-allowlist.ts).
   */
  publicOrigins?: readonly string[] | undefined;
  /** When set, `/metrics` needs `Authorization: Bearer <token>`; otherwise it answers loopback clients only. */
  metricsToken?: string | undefined;
  /** Strategy, relay list and TURN servers advertised in `/config.json`. */
  config?: Partial<Omit<ConfigOptions, 'secure'>> | undefined;
  /** Extra `connect-src` sources for the app's Content-Security-Policy. */
  connectSources?: readonly string[] | undefined;
  /** When set, a WebSocket needs `?token=` signed with this secret (see access-token.ts). */
  tokenSecret?: Uint8Array | undefined;
  /**
   * Signaling protocols spoken (default both, told apart by each frame's first character). With one,
   * every frame goes to that protocol's hub: the relay answers as a relay of that kind only would.
   */
  protocols?: readonly RelayProtocol[] | undefined;
  /** Clock in milliseconds (tests inject one to expire topics without waiting). */
  now?: (() => number) | undefined;
  /** How long `close()` lets clients answer the closing handshake before cutting them off. */
  drainMs?: number | undefined;
  /**
   * Worker threads that check event signatures (verify-pool.ts); 0 checks them on the main thread.
   * Default: one per core beyond the first, at least one, at most four.
   */
  verifyWorkers?: number | undefined;
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
  /** Address groups (IPv4 addresses, IPv6 /64s) with open connections. */
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

/** At most one rate-limit reply per connection per this long: one is enough for Trystero to back off, and replies cost us too. */
const RATE_REPLY_INTERVAL_MS = 1000;
/** A connection told to go (1008) gets this long for the closing handshake; a flooder would not answer it. */
const CLOSE_GRACE_MS = 1000;
/** An address group's state outlives its last connection this long, so reconnecting does not refill its buckets. */
const GROUP_IDLE_MS = 60_000;
/** How often idle groups are dropped and each group's refusals may be logged again. */
const GROUP_SWEEP_MS = 10_000;

/** What the relay tracks per address group (IPv4 /32, IPv6 /64). */
interface GroupState {
  connections: number;
  /** TCP connections that have not finished their first request head. */
  halfOpen: number;
  /** Work budget shared by the group's connections (limits.ipRate). */
  bucket: TokenBucket;
  /** New WebSockets (limits.connectionOpenRate). */
  openBucket: TokenBucket;
  lastSeenMs: number;
  /**
   * Refusals (half-open heads, upgrades, frames) logged for this group since the last sweep: a flood
   * of them makes one line per reason every GROUP_SWEEP_MS, not one per attempt or per connection (a
   * reconnect storm used to write a log line for each of its thousands of refused upgrades a second).
   */
  loggedRefusals: Set<RefusalReason>;
}

/** For TLS, `req.socket` wraps the TCP socket the 'connection' event saw; Node keeps it as `_parent`. */
const tcpSocketOf = (socket: object): object => (socket as { _parent?: object | null })._parent ?? socket;

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

const rawToText = (data: RawData): string => {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
};

/** The first bytes of a frame as text: enough to tell its protocol and verb without decoding it all. */
const HEAD_BYTES = 32;
const headOf = (data: RawData): string => {
  const first = Array.isArray(data) ? data[0] : data instanceof ArrayBuffer ? Buffer.from(data) : data;
  return first === undefined ? '' : first.subarray(0, HEAD_BYTES).toString('utf8');
};

/** Starts the Parley relay: Nostr (NIP-01 subset) and WebTorrent-tracker signaling plus the built app, on one port. */
export const createRelay = (options: RelayOptions): Relay => {
  const log = options.log ?? silentLogger;
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const secure = options.tls !== undefined;
  const metrics = createMetrics();
  const hashIp = createIpHasher();
  // Short header and request timeouts, checked every second: a half-sent request head holds a socket
  // seconds, not Node's default minute and a half.
  const httpOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  };
  const server: Server =
    options.tls === undefined
      ? createHttpServer(httpOptions)
      : createHttpsServer({
          ...httpOptions,
          cert: options.tls.cert,
          key: options.tls.key,
          handshakeTimeout: limits.headersTimeoutMs,
        });
  const configured = new Set(
    [...(options.allowedOrigins ?? []), ...(options.publicOrigins ?? [])].map((o) =>
      o.toLowerCase().replace(/\/$/, ''),
    ),
  );
  const allowAnyOrigin = configured.has('*');
  const hosts = createHostAllowlist({
    bindHost: options.host,
    publicOrigins: options.publicOrigins ?? [],
    allowedOrigins: options.allowedOrigins ?? [],
    interfaceAddresses: Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)),
  });
  const metricsTokenHash = options.metricsToken === undefined ? undefined : sha256(`Bearer ${options.metricsToken}`);
  /** With a token, the token (compared in constant time); without one, loopback clients only. */
  const mayReadMetrics = (req: IncomingMessage): boolean => {
    if (metricsTokenHash === undefined) return isLoopbackAddress(req.socket.remoteAddress ?? '');
    return timingSafeEqual(sha256(req.headers.authorization ?? ''), metricsTokenHash);
  };

  const address = (): RelayAddress => {
    const bound = server.address();
    if (bound === null || typeof bound === 'string')
      throw new Error('relay is not listening yet; await relay.ready first');
    const { address: host, port } = bound satisfies AddressInfo;
    const hostPort = `${urlHost(host)}:${port}`;
    return {
      host,
      port,
      url: `${secure ? 'https' : 'http'}://${hostPort}/`,
      wsUrl: `${secure ? 'wss' : 'ws'}://${hostPort}/`,
    };
  };
  const boundHostPort = (): string => new URL(address().url).host;

  /** By default only the relay's own origin: as the browser reached it (Host header) or as bound. */
  const isAllowedOrigin = (origin: string, hostHeader: string | undefined): boolean => {
    const o = origin.toLowerCase();
    if (allowAnyOrigin || configured.has(o)) return true;
    const scheme = secure ? 'https' : 'http';
    if (hostHeader !== undefined && isValidHostHeader(hostHeader) && o === `${scheme}://${hostHeader.toLowerCase()}`)
      return true;
    return o === `${scheme}://${boundHostPort()}`;
  };

  const connections = new Set<ClientConnection>();
  const groups = new Map<string, GroupState>();
  let nextId = 1;

  const groupState = (group: string): GroupState => {
    let state = groups.get(group);
    if (state === undefined) {
      state = {
        connections: 0,
        halfOpen: 0,
        bucket: createTokenBucket(limits.ipRate.burst, limits.ipRate.perSecond, now),
        openBucket: createTokenBucket(limits.connectionOpenRate.burst, limits.connectionOpenRate.perSecond, now),
        lastSeenMs: now(),
        loggedRefusals: new Set(),
      };
      groups.set(group, state);
    }
    state.lastSeenMs = now();
    return state;
  };

  /**
   * Charges work to the connection, then to its allowance or else to its group. The connection's own
   * budget comes first, so a flooding connection is stopped there. The allowance keeps a light page's
   * few units out of the group's budget: neighbours behind the same address that spend all of the
   * group's (several flooding connections) cannot starve the pages that share the address. What a
   * group can cost is then `ipRate` plus each of its connections' allowance (see limits.ts).
   */
  const spend = (conn: ClientConnection, units: number): 'ok' | 'connection' | 'group' => {
    if (!conn.bucket.take(units)) return 'connection';
    const rest = conn.allowance.cover(units);
    if (rest === 0) return 'ok';
    return groups.get(conn.group)?.bucket.take(rest) === false ? 'group' : 'ok';
  };

  /**
   * Closes a connection that broke the rules, and stops reading it at once: what it still sends is
   * left in the kernel (its writes block) instead of being read and thrown away. Not reading means
   * its closing handshake is never read either, so it is cut after CLOSE_GRACE_MS whatever it does.
   */
  const cutOff = (conn: ClientConnection, code: number, reason: string): void => {
    conn.open = false;
    conn.socket.close(code, reason);
    stopReading(conn.socket);
    setTimeout(() => conn.socket.terminate(), CLOSE_GRACE_MS).unref();
  };

  /** Cuts a flooding connection off (1008). */
  const disconnectFlooder = (conn: ClientConnection): void => {
    metrics.refused('flood');
    log('flood_disconnected', { conn: conn.id, ip: conn.ipHash });
    cutOff(conn, 1008, 'rate limit exceeded');
  };

  /**
   * Over its own budget: counts against the connection's tolerance, and past it the connection goes.
   * Over the group's budget only: refused, not counted, since a neighbour behind the same address
   * may be the one spending it.
   */
  const overBudget = (conn: ClientConnection, who: 'connection' | 'group'): boolean => {
    if (who === 'connection' && !conn.tolerance.take()) {
      disconnectFlooder(conn);
      return true;
    }
    return false;
  };

  const send = createSender(limits, metrics, log, (conn, units) => {
    // Best effort: what it receives comes out of its budget when there is any; a message is never dropped for it.
    if (!conn.bucket.take(units)) return;
    const rest = conn.allowance.cover(units);
    if (rest > 0) groups.get(conn.group)?.bucket.take(rest);
  });
  const ctx: HubContext = {
    limits,
    metrics,
    log,
    now,
    send,
    refuse(conn, reason) {
      metrics.refused(reason);
      // One line per reason per address group per sweep, as for refused upgrades: 64 connections cut
      // at once for unfinished fragments used to write 64 lines, each a synchronous write to a pipe
      // in the middle of the burst (a tenth of the relay's time spent on that attack).
      const logged = groups.get(conn.group)?.loggedRefusals;
      if (logged === undefined || logged.has(reason)) return;
      logged.add(reason);
      log('refused', { reason, conn: conn.id, ip: conn.ipHash });
    },
    charge(conn, units) {
      const result = spend(conn, units);
      if (result === 'ok') return true;
      overBudget(conn, result);
      return false;
    },
  };
  const verifyPool = createVerifyPool({
    workers: options.verifyWorkers ?? defaultVerifyWorkers(),
    verifier: eventVerifier,
    log,
  });
  const nostr = createNostrHub(ctx, verifyPool);
  const tracker = createTrackerHub(ctx);
  const hubs: readonly ProtocolHub[] = [nostr, tracker];
  const protocols: readonly RelayProtocol[] = options.protocols ?? ['nostr', 'tracker'];
  const hubFor = (head: string): ProtocolHub => {
    if (!protocols.includes('tracker')) return nostr;
    if (!protocols.includes('nostr')) return tracker;
    return /^\s*\{/.test(head) ? tracker : nostr;
  };

  // Unfinished request heads per address group: one address cannot hold thousands of sockets open
  // by sending half a request each. Counted from the TCP connection to its first complete head.
  const pendingHeads = new WeakMap<object, { group: string; timer: NodeJS.Timeout }>();
  const headDone = (socket: object): void => {
    const tcp = tcpSocketOf(socket);
    const pending = pendingHeads.get(tcp);
    if (pending === undefined) return;
    pendingHeads.delete(tcp);
    clearTimeout(pending.timer);
    const state = groups.get(pending.group);
    if (state !== undefined) state.halfOpen -= 1;
  };
  server.on('connection', (socket: Socket) => {
    socket.on('error', () => {});
    const group = addressGroup(socket.remoteAddress ?? 'unknown');
    const state = groupState(group);
    if (state.halfOpen >= limits.maxHalfOpenPerIp) {
      metrics.refused('half_open');
      if (!state.loggedRefusals.has('half_open')) {
        state.loggedRefusals.add('half_open');
        log('refused', { reason: 'half_open', ip: hashIp(group) });
      }
      socket.destroy();
      return;
    }
    state.halfOpen += 1;
    // Our own deadline for the first head: Node's headersTimeout did not fire for half-sent upgrade
    // requests in our tests (Node 20), and this one cannot be starved by a flood of them.
    const timer = setTimeout(() => {
      if (pendingHeads.has(socket)) socket.destroy();
    }, limits.headersTimeoutMs);
    timer.unref();
    pendingHeads.set(socket, { group, timer });
    socket.once('close', () => headDone(socket));
  });
  // Registered before the handler below, so the head counts as finished whatever the handler does.
  server.on('request', (req: IncomingMessage) => headDone(req.socket));

  server.on(
    'request',
    createHttpHandler({
      staticDir: options.staticDir,
      fallbackHost: boundHostPort,
      log: (message) => log('http_error', { message }),
      config: {
        strategy: options.config?.strategy ?? 'nostr',
        relays: options.config?.relays ?? [],
        turn: options.config?.turn,
        secure,
      },
      connectSources: [...(options.connectSources ?? []), ...(options.config?.relays ?? [])],
      secure,
      isAllowedOrigin,
      allowsHost: hosts.allows,
      mayReadMetrics,
      refused: (reason) => metrics.refused(reason),
      metrics: () => metrics.render({ topics: nostr.topicCount + tracker.topicCount }),
    }),
  );

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxPayloadBytes,
    // ws closes the socket (1008) past these: an unfinished message cannot pin thousands of buffers.
    maxFragments: limits.maxFragments,
    maxBufferedChunks: 4096,
    clientTracking: false,
    perMessageDeflate: false,
  });
  wss.on('error', () => {});

  const handleMessage = (conn: ClientConnection, data: RawData, isBinary: boolean): void => {
    if (!conn.open) return;
    const bytes = Array.isArray(data)
      ? data.reduce((n, b) => n + b.length, 0)
      : data instanceof ArrayBuffer
        ? data.byteLength
        : data.length;
    // Bytes in are charged as the frame arrives, before any parsing; the frame is read only as far
    // as its first bytes until it has passed every check that needs no more (a 128 KiB frame
    // refused for rate or size is never decoded).
    const head = headOf(data);
    const hub = hubFor(head);
    const charged = spend(conn, frameCost(bytes));
    if (hub === nostr && isOversizedSubscription(head, bytes)) {
      // No honest client sends one (Trystero's REQ is a few hundred bytes): like a frame over
      // maxPayload, it closes the socket (1009) unparsed, within budget or not, and nothing more
      // is read from it.
      ctx.refuse(conn, 'size');
      cutOff(conn, 1009, OVERSIZED_SUBSCRIPTION_CLOSE);
      return;
    }
    if (charged !== 'ok') {
      ctx.refuse(conn, 'rate');
      if (overBudget(conn, charged)) return;
      const at = now();
      if (at - conn.lastRateReplyMs >= RATE_REPLY_INTERVAL_MS) {
        conn.lastRateReplyMs = at;
        // Only an EVENT's answer needs more than the head (its id); anything else is answered from it.
        hub.refuseForRate(conn, hub === nostr && peekVerb(head) === 'EVENT' ? rawToText(data) : head);
      }
      return;
    }
    if (isBinary) {
      ctx.refuse(conn, 'invalid');
      send(conn, ['NOTICE', 'binary frames are not supported; send JSON text']);
      return;
    }
    metrics.message(hub === tracker ? 'tracker' : 'nostr');
    hub.handleFrame(conn, rawToText(data));
  };

  const accept = (socket: WebSocket, ip: string, group: string): void => {
    const conn: ClientConnection = {
      id: nextId++,
      socket,
      ip,
      group,
      ipHash: hashIp(ip),
      alive: true,
      open: true,
      lastRateReplyMs: -Infinity,
      bucket: createTokenBucket(limits.connectionRate.burst, limits.connectionRate.perSecond, now),
      allowance: createAllowance(limits.connectionAllowance.burst, limits.connectionAllowance.perSecond, now),
      tolerance: createTokenBucket(limits.refusalTolerance.burst, limits.refusalTolerance.perSecond, now),
    };
    connections.add(conn);
    groupState(group).connections += 1;
    metrics.connectionOpened();
    log('open', { conn: conn.id, ip: conn.ipHash });
    // Attached first: an unhandled 'error' on any socket would take the whole process down.
    socket.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') ctx.refuse(conn, 'size');
      else if (e.code === 'WS_ERR_TOO_MANY_BUFFERED_PARTS') ctx.refuse(conn, 'fragments');
      else ctx.refuse(conn, 'invalid');
      // ws has sent its close frame (1008/1009) and stopped parsing, but it resumes the socket on the
      // next tick and reads (and drops) whatever the client still sends; stop reading after that
      // (stop-reading.ts), so an attacker's bytes in flight stay in the kernel. A client that never
      // answers the close would otherwise hold the socket for ws's 30 s close timeout.
      conn.open = false;
      process.nextTick(() => stopReading(socket));
      setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    });
    socket.on('pong', () => {
      conn.alive = true;
    });
    socket.on('close', (code) => {
      conn.open = false;
      connections.delete(conn);
      for (const hub of hubs) hub.forget(conn);
      const state = groups.get(group);
      if (state !== undefined) {
        state.connections -= 1;
        state.lastSeenMs = now();
      }
      metrics.connectionClosed();
      log('close', { conn: conn.id, code });
    });
    socket.on('message', (data, isBinary) => {
      // A bug here must cost one reply, not the process that every other call depends on.
      try {
        handleMessage(conn, data, isBinary);
      } catch (e) {
        log('internal_error', { message: errorDetail(e) });
        send(conn, ['NOTICE', 'internal error']);
      }
    });
  };

  let closing: Promise<void> | undefined;

  const refuseUpgrade = (socket: Duplex, status: number, reason: RefusalReason, ip: string, text: string): void => {
    metrics.refused(reason);
    const logged = groups.get(addressGroup(ip))?.loggedRefusals;
    if (logged === undefined || !logged.has(reason)) {
      logged?.add(reason);
      log('refused', { reason, ip: hashIp(ip), status });
    }
    const body = `${text}\n`;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };

  /**
   * A diagnosis socket (`?parley-diagnosis=1`, upgrade-guard.ts): one frame saying how our upgrade
   * guard answers this very request, then closed. It never reaches a hub and is not counted as a
   * connection; it costs a new-connection token of the address group like any upgrade.
   */
  const diagnose = (req: IncomingMessage, socket: Duplex, head: Buffer, status: number): void => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {});
      ws.send(JSON.stringify(diagnosisFrame(status, protocols)));
      ws.close(1000, 'diagnosis');
      // A client that never answers the closing handshake is cut off.
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    });
  };

  // Every check lives in checkUpgrade (upgrade-guard.ts), which cannot throw on client input.
  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    headDone(req.socket);
    const ip = req.socket.remoteAddress ?? 'unknown';
    const group = addressGroup(ip);
    const facts = {
      method: req.method,
      target: req.url,
      host: req.headers.host,
      origin: req.headers.origin,
      closing: closing !== undefined,
      connections: connections.size,
      groupConnections: groups.get(group)?.connections ?? 0,
      nowSeconds: Math.floor(now() / 1000),
    };
    const policy = {
      maxConnections: limits.maxConnections,
      maxConnectionsPerGroup: limits.maxConnectionsPerIp,
      allowsHost: hosts.allows,
      allowsOrigin: isAllowedOrigin,
      tokenSecret: options.tokenSecret,
      takeOpenToken: () => groupState(group).openBucket.take(),
    };
    const diagnosis = checkDiagnosis(facts, policy);
    if (diagnosis !== null) {
      if (diagnosis.accept) diagnose(req, socket, head, diagnosis.status);
      else refuseUpgrade(socket, diagnosis.status, diagnosis.reason, ip, diagnosis.text);
      return;
    }
    const decision = checkUpgrade(facts, policy);
    if (!decision.accept) {
      refuseUpgrade(socket, decision.status, decision.reason, ip, decision.text);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, ip, group));
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    // A bug in here must cost this one socket, never the process.
    try {
      handleUpgrade(req, socket, head);
    } catch (e) {
      log('internal_error', { message: errorDetail(e) });
      socket.destroy();
    }
  });

  const sweepGroups = (): void => {
    const at = now();
    for (const [group, state] of groups) {
      state.loggedRefusals.clear();
      if (state.connections <= 0 && state.halfOpen <= 0 && at - state.lastSeenMs > GROUP_IDLE_MS) groups.delete(group);
    }
  };
  // Its own, shorter timer: a half-open flood's log line and idle groups should not wait for a 30 s heartbeat.
  const groupSweep = setInterval(sweepGroups, GROUP_SWEEP_MS);
  groupSweep.unref();

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
      clearInterval(groupSweep);
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
      void drained
        .then(() => {
          // Idle keep-alive HTTP connections would otherwise hold close() open for seconds.
          server.closeAllConnections();
          return Promise.all([serverClosed, verifyPool.close()]);
        })
        .then(() => resolvePromise());
    });
    return closing;
  };

  const stats = (): RelayStats => {
    for (const hub of hubs) hub.sweep();
    let ips = 0;
    for (const state of groups.values()) if (state.connections > 0) ips += 1;
    return { connections: connections.size, topics: nostr.topicCount + tracker.topicCount, ips };
  };

  return {
    ready,
    address,
    stats,
    metrics: () => metrics.render({ topics: nostr.topicCount + tracker.topicCount }),
    close,
  };
};
