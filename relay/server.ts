import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { createHttpHandler } from './http-handler.js';
import { LIMITS } from './limits.js';
import { createNostrHub } from './nostr-hub.js';

export interface RelayOptions {
  /** Interface to bind, e.g. `127.0.0.1` (local only) or `0.0.0.0` (LAN). */
  host: string;
  /** TCP port; 0 picks a free one (read it back from `address()`). */
  port: number;
  /** Directory of the built app (`dist/`). Without it, or without its index.html, `/` answers 503. */
  staticDir?: string | undefined;
  /** Where operational messages go; silent by default. */
  log?: ((line: string) => void) | undefined;
}

export interface RelayAddress {
  /** The bound address as the OS reports it. */
  host: string;
  port: number;
  /** `http://host:port/`, the page to open. A wildcard bind is shown as loopback. */
  url: string;
  /** `ws://host:port/`, the Nostr signaling endpoint (same socket). */
  wsUrl: string;
}

export interface Relay {
  /** Resolves once listening; rejects with the listen error (e.g. EADDRINUSE). */
  ready: Promise<void>;
  /** The bound address; throws if called before `ready` resolved. */
  address(): RelayAddress;
  /** Terminates every socket and stops listening. Safe to call more than once. */
  close(): Promise<void>;
}

// Browsers cannot connect to a wildcard address, so URLs we hand out name loopback instead.
const urlHost = (host: string): string => {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
};

/** Starts the Parley relay: a NIP-01 subset for Trystero's signaling plus the built app over HTTP, on one port. */
export const createRelay = (options: RelayOptions): Relay => {
  const log = options.log ?? ((): void => {});
  const server = createServer();

  const address = (): RelayAddress => {
    const bound = server.address();
    if (bound === null || typeof bound === 'string') throw new Error('relay is not listening yet; await relay.ready first');
    const { address: host, port } = bound satisfies AddressInfo;
    const hostPort = `${urlHost(host)}:${port}`;
    return { host, port, url: `http://${hostPort}/`, wsUrl: `ws://${hostPort}/` };
  };

  server.on('request', createHttpHandler({
    staticDir: options.staticDir,
    fallbackHost: () => {
      const { host, port } = address();
      return `${urlHost(host)}:${port}`;
    },
    log,
  }));

  const hub = createNostrHub({ log });
  const wss = new WebSocketServer({ server, maxPayload: LIMITS.maxPayloadBytes });
  // ws re-emits the HTTP server's errors here; without a listener EADDRINUSE would crash the process.
  // ws re-emits the HTTP server's errors here and throws them if nobody listens. They are the
  // listen error (reported through `ready`) or later server errors (logged on the server below).
  wss.on('error', () => {});
  wss.on('connection', (socket) => hub.handleConnection(socket));

  const ready = new Promise<void>((resolvePromise, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      server.on('error', (e) => log(`relay: server error: ${e.message}`));
      resolvePromise();
    });
  });
  // The caller gets the rejection through `ready`; this only stops Node flagging it as unhandled first.
  ready.catch(() => {});

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolvePromise) => {
      hub.close();
      wss.close();
      server.close(() => resolvePromise());
      // Idle keep-alive HTTP connections would otherwise hold close() open for seconds.
      server.closeAllConnections();
    });
    return closing;
  };

  return { ready, address, close };
};
