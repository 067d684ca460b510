import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { join, resolve, sep } from 'node:path';
import { errorDetail } from '../src/core/error-detail.js';
import { buildAppConfig, isValidHostHeader, type ConfigOptions } from './config-response.js';
import type { RefusalReason } from './metrics.js';
import { createGzipCache, type FileVersion, type GzipCache } from './gzip-cache.js';
import { acceptsGzip, contentTypeFor, isCompressible, parseStaticPath } from './static-files.js';

export interface HttpHandlerOptions {
  /** Directory of the built app (`dist/`); absent means signaling only. */
  staticDir?: string | undefined;
  /** `host:port` of the bound socket, used when the Host header is missing or unusable. */
  fallbackHost: () => string;
  log: (message: string) => void;
  config: ConfigOptions;
  /** Extra `connect-src` sources for the Content-Security-Policy (other relays the app may use). */
  connectSources: readonly string[];
  secure: boolean;
  /** Whether a browser page of this origin may read our responses (CORS) and open WebSockets. */
  isAllowedOrigin: (origin: string, hostHeader: string | undefined) => boolean;
  /** Whether a `Host` header names a host this relay answers for (host-allowlist.ts). */
  allowsHost: (hostHeader: string) => boolean;
  /** Whether this request may read `/metrics` (token, or loopback). */
  mayReadMetrics: (req: IncomingMessage) => boolean;
  refused: (reason: RefusalReason) => void;
  metrics: () => string;
}

const BASE_HEADERS: OutgoingHttpHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/**
 * The app's Content-Security-Policy: everything from this origin only; signaling to this relay
 * (and configured relays); media and images may be blob:/data: (camera preview, QR code).
 */
export const contentSecurityPolicy = (connectSources: readonly string[]): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self' ${connectSources.join(' ')}`.trim(),
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

const NOT_BUILT =
  'Parley relay is running and signaling works, but the app is not built.\n' +
  'Run `npm run build` to create dist/, or pass --static <dir> pointing at a built app.\n';

const reply = (
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string,
  headers: OutgoingHttpHeaders = {},
): void => {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, {
    ...BASE_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': bytes.length,
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
};

/** Resolves a file under root, refusing anything that escapes it (including through symlinks). */
const findFile = async (root: string, segments: string[]): Promise<FileVersion | undefined> => {
  const base = resolve(root);
  const candidate = resolve(join(base, ...segments));
  if (candidate !== base && !candidate.startsWith(base + sep)) return undefined;
  try {
    const [realBase, realFile] = await Promise.all([realpath(base), realpath(candidate)]);
    if (!realFile.startsWith(realBase + sep)) return undefined;
    const info = await stat(realFile);
    return info.isFile() ? { path: realFile, size: info.size, mtimeMs: info.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
};

/** Adds to a Vary header another one may already hold (CORS sets `Vary: Origin`). */
const varyWith = (res: ServerResponse, field: string): string => {
  const current = res.getHeader('Vary');
  return current === undefined ? field : `${String(current)}, ${field}`;
};

const serveFile = async (
  req: IncomingMessage,
  res: ServerResponse,
  file: FileVersion,
  gzipped: GzipCache,
): Promise<void> => {
  const compressible = isCompressible(file.path);
  const body = compressible && acceptsGzip(req.headers['accept-encoding']) ? await gzipped.get(file) : undefined;
  res.writeHead(200, {
    ...BASE_HEADERS,
    'Content-Type': contentTypeFor(file.path),
    'Content-Length': body?.length ?? file.size,
    // Revalidate everything: the service worker and index.html must never be stale, and a local relay needs no CDN caching.
    'Cache-Control': 'no-cache',
    // A cache between us and the browser must keep the two encodings apart.
    ...(compressible ? { Vary: varyWith(res, 'Accept-Encoding') } : {}),
    ...(body === undefined ? {} : { 'Content-Encoding': 'gzip' }),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (body !== undefined) {
    res.end(body);
    return;
  }
  const stream = createReadStream(file.path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
};

/** Creates the HTTP side of the relay: `/config.json`, `/healthz` and the built app's static files. */
export const createHttpHandler = (
  options: HttpHandlerOptions,
): ((req: IncomingMessage, res: ServerResponse) => void) => {
  // A build is a few hundred KB; these caps only matter if --static points at something else.
  const gzipped = createGzipCache({ maxFileBytes: 4 * 1024 * 1024, maxTotalBytes: 32 * 1024 * 1024 });
  const serveStatic = async (req: IncomingMessage, res: ServerResponse, target: string): Promise<void> => {
    const parsed = parseStaticPath(target);
    if (!parsed.ok) {
      reply(req, res, parsed.error.status, `${parsed.error.reason}\n`);
      return;
    }
    const segments = parsed.value;
    const isIndex = segments.length === 0 || (segments.length === 1 && segments[0] === 'index.html');
    const file =
      options.staticDir === undefined
        ? undefined
        : await findFile(options.staticDir, isIndex ? ['index.html'] : segments);
    if (file !== undefined) {
      await serveFile(req, res, file, gzipped);
      return;
    }
    if (isIndex) reply(req, res, 503, NOT_BUILT);
    else reply(req, res, 404, 'not found\n');
  };

  const csp = contentSecurityPolicy(options.connectSources);
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const target = req.url ?? '/';
    const host = req.headers.host;
    // Before anything reflects the Host (config.json, CORS): a rebound DNS name gets nothing from us.
    if (host !== undefined && !options.allowsHost(host)) {
      options.refused('host');
      const valid = isValidHostHeader(host);
      reply(
        req,
        res,
        valid ? 421 : 400,
        valid ? 'this relay does not answer for that host name\n' : 'bad Host header\n',
      );
      return;
    }
    const path = target.split(/[?#]/, 1)[0] ?? '';
    // writeHead merges these with the per-response headers.
    res.setHeader('Content-Security-Policy', csp);
    if (options.secure) res.setHeader('Strict-Transport-Security', 'max-age=15552000');
    const origin = req.headers.origin;
    if (origin !== undefined && options.isAllowedOrigin(origin, req.headers.host)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(req, res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    if (path === '/healthz') {
      reply(req, res, 200, 'ok');
      return;
    }
    if (path === '/metrics') {
      if (!options.mayReadMetrics(req)) {
        options.refused('metrics_auth');
        reply(req, res, 401, 'metrics need Authorization: Bearer <--metrics-token>, or a loopback client\n', {
          'WWW-Authenticate': 'Bearer',
        });
        return;
      }
      reply(req, res, 200, options.metrics(), { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      return;
    }
    if (path === '/config.json') {
      const config = buildAppConfig(req.headers.host, options.fallbackHost(), options.config);
      reply(req, res, 200, `${JSON.stringify(config)}\n`, { 'Content-Type': 'application/json; charset=utf-8' });
      return;
    }
    serveStatic(req, res, target).catch((e: unknown) => {
      options.log(errorDetail(e));
      if (!res.headersSent) reply(req, res, 500, 'internal error\n');
      else res.destroy();
    });
  };
  // A bug in here must cost this one request, never the process.
  return (req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      options.log(errorDetail(e));
      if (!res.headersSent) reply(req, res, 500, 'internal error\n');
      else res.destroy();
    }
  };
};
