import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { request } from 'node:http';
import { afterEach } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { createRelay, type Relay, type RelayOptions } from '../../relay/server.js';
import { computeEventId } from '../../relay/nostr-event.js';
import type { NostrEvent } from '../../relay/nostr-types.js';

/** How long a test waits for a frame it expects before failing (never a sleep: it resolves as soon as the frame arrives). */
export const WAIT_MS = 5000;

export type Frame = unknown[];

/** A real `ws` client that buffers frames so a test can await "the next frame like this" without sleeping. */
export interface TestClient {
  send(message: unknown): void;
  sendRaw(text: string): void;
  /** Resolves with (and removes) the first buffered or future frame matching `pred`; rejects after WAIT_MS. */
  next(pred: (frame: Frame) => boolean, label?: string, timeoutMs?: number): Promise<Frame>;
  /** Frames received so far and not yet taken by `next`. */
  pending(): Frame[];
  /** Resolves with the close code once the socket closes. */
  closed: Promise<number>;
  close(): void;
}

export const connect = (url: string, options: ClientOptions = {}): Promise<TestClient> =>
  new Promise((resolveClient, reject) => {
    const socket = new WebSocket(url, options);
    const buffer: Frame[] = [];
    const waiters = new Set<{ pred: (f: Frame) => boolean; resolve: (f: Frame) => void }>();
    socket.on('error', () => {}); // the close event reports what tests care about
    const closed = new Promise<number>((resolveClosed) => socket.on('close', (code) => resolveClosed(code)));
    socket.on('message', (data: Buffer) => {
      // Tracker replies are JSON objects: wrap them so `next` predicates see one shape.
      const parsed = JSON.parse(data.toString('utf8')) as unknown;
      const frame = (Array.isArray(parsed) ? parsed : [parsed]) as Frame;
      for (const waiter of waiters) {
        if (waiter.pred(frame)) {
          waiters.delete(waiter);
          waiter.resolve(frame);
          return;
        }
      }
      buffer.push(frame);
    });
    socket.once('open', () =>
      resolveClient({
        send: (message) => socket.send(JSON.stringify(message)),
        sendRaw: (text) => socket.send(text),
        next: (pred, label = 'a matching frame', timeoutMs = WAIT_MS) =>
          new Promise<Frame>((resolveFrame, rejectFrame) => {
            const index = buffer.findIndex(pred);
            if (index !== -1) {
              resolveFrame(buffer.splice(index, 1)[0] as Frame);
              return;
            }
            const waiter = {
              pred,
              resolve: (f: Frame): void => {
                clearTimeout(timer);
                resolveFrame(f);
              },
            };
            const timer = setTimeout(() => {
              waiters.delete(waiter);
              rejectFrame(
                new Error(
                  `timed out after ${timeoutMs} ms waiting for ${label}; pending: ${JSON.stringify(buffer).slice(0, 500)}`,
                ),
              );
            }, timeoutMs);
            waiters.add(waiter);
          }),
        pending: () => [...buffer],
        closed,
        close: () => socket.close(),
      }),
    );
    socket.once('error', reject);
  });

export const isOk =
  (id: string) =>
  (f: Frame): boolean =>
    f[0] === 'OK' && f[1] === id;
export const isEose =
  (subId: string) =>
  (f: Frame): boolean =>
    f[0] === 'EOSE' && f[1] === subId;
export const isEventOn =
  (subId: string, id?: string) =>
  (f: Frame): boolean =>
    f[0] === 'EVENT' && f[1] === subId && (id === undefined || (f[2] as NostrEvent).id === id);
export const isNotice = (f: Frame): boolean => f[0] === 'NOTICE';

/** A Nostr identity that signs events the way Trystero does (BIP-340 over the 32 id bytes). */
export const createSigner = () => {
  const secretKey = schnorr.utils.randomSecretKey();
  const pubkey = bytesToHex(schnorr.getPublicKey(secretKey));
  const sign = (fields: { kind: number; tags?: string[][]; content?: string; created_at?: number }): NostrEvent => {
    const unsigned = {
      pubkey,
      created_at: fields.created_at ?? Math.floor(Date.now() / 1000),
      kind: fields.kind,
      tags: fields.tags ?? [],
      content: fields.content ?? '',
    };
    const id = computeEventId(unsigned);
    return { ...unsigned, id, sig: bytesToHex(schnorr.sign(hexToBytes(id), secretKey)) };
  };
  return { pubkey, sign };
};

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body's bytes as they came over the wire (still gzipped if the relay gzipped them). */
  raw: Buffer;
}

/** A raw HTTP request: unlike fetch, it sends the path exactly as given (no `..` normalisation). */
export const httpRequest = (
  url: string,
  path: string,
  options: { method?: string; host?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult> =>
  new Promise((resolveResult, reject) => {
    const { hostname, port } = new URL(url);
    const req = request(
      {
        hostname: hostname.replace(/^\[|\]$/g, ''),
        port,
        path,
        method: options.method ?? 'GET',
        headers: { ...options.headers, ...(options.host === undefined ? {} : { host: options.host }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolveResult({ status: res.statusCode ?? 0, headers: res.headers, body: raw.toString('utf8'), raw });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });

/** Opens a WebSocket that the relay should refuse at the upgrade; resolves with the HTTP status it answered. */
export const refusedStatus = (url: string, options: ClientOptions = {}): Promise<number> =>
  new Promise((resolveStatus, reject) => {
    const socket = new WebSocket(url, options);
    socket.on('unexpected-response', (_req, res) => {
      resolveStatus(res.statusCode ?? 0);
      res.resume();
      socket.terminate();
    });
    socket.on('open', () => {
      socket.close();
      reject(new Error('the relay accepted a connection it should have refused'));
    });
    socket.on('error', () => {});
  });

/** Waits until `check()` holds, re-checking on each turn of the event loop; fails after WAIT_MS. Not a sleep: it returns as soon as the state is reached. */
export const waitUntil = async (check: () => boolean, label: string): Promise<void> => {
  const deadline = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting until ${label}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

/**
 * A `start(options)` for one test file: a real relay on port 0, closed after each test. Registered
 * first, its afterEach runs after the file's own (vitest runs after-hooks in reverse), so clients close before relays.
 */
export const relayFixture = (): ((options?: Partial<RelayOptions>) => Promise<Relay>) => {
  const started: Relay[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((r) => r.close()));
  });
  return async (options = {}) => {
    const relay = createRelay({ host: '127.0.0.1', port: 0, ...options });
    started.push(relay);
    await relay.ready;
    return relay;
  };
};
