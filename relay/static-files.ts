import { extname } from 'node:path';
import { err, ok, type Result } from '../src/core/result.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** The Content-Type for a file name; unknown types are served as opaque bytes (with nosniff, never rendered). */
export const contentTypeFor = (fileName: string): string =>
  CONTENT_TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream';

/** Why a request path cannot name a static file: 400 for paths no honest browser sends, 404 for hidden ones. */
export interface PathRefusal {
  status: 400 | 404;
  reason: string;
}

/**
 * Turns a raw request target (`/a/b.js?x`) into safe path segments under the static root.
 * Works on the raw target, not a WHATWG URL, because URL parsing would quietly normalise
 * `/../x` to `/x` and hide the attempt. Decoding happens before the checks, so `%2e%2e` and
 * `%2f` cannot smuggle a `..` segment past them.
 */
export const parseStaticPath = (target: string): Result<string[], PathRefusal> => {
  if (!target.startsWith('/')) return err({ status: 400, reason: 'request target must start with /' });
  const rawPath = target.split(/[?#]/, 1)[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return err({ status: 400, reason: 'malformed percent-encoding' });
  }
  if (decoded.includes('\0') || decoded.includes('\\'))
    return err({ status: 400, reason: 'forbidden character in path' });
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '.' || s === '..'))
    return err({ status: 400, reason: 'dot segments are not allowed' });
  // Dotfiles (.env, .git) are never part of a build we mean to publish.
  if (segments.some((s) => s.startsWith('.'))) return err({ status: 404, reason: 'not found' });
  return ok(segments);
};

// Types whose bytes shrink under gzip; images and fonts here are already compressed.
const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.map',
  '.webmanifest',
  '.svg',
  '.txt',
  '.ico',
  '.wasm',
]);

/** Whether a file of this name is worth gzipping before it goes out. */
export const isCompressible = (fileName: string): boolean => COMPRESSIBLE.has(extname(fileName).toLowerCase());

const CODING = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?$/;

/**
 * Whether an Accept-Encoding header (RFC 9110 §12.5.3) accepts gzip: `gzip`, `x-gzip` or `*`
 * with a weight above 0, unless gzip itself is weighted 0. A malformed element is ignored, and a
 * header we cannot read gets the identity encoding every client understands.
 */
export const acceptsGzip = (header: string | string[] | undefined): boolean => {
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(',') : header;
  // Honest browsers send a few dozen bytes; a longer header is not worth parsing.
  if (text.length > 1024) return false;
  let gzip: number | undefined;
  let star: number | undefined;
  for (const element of text.split(',')) {
    const match = CODING.exec(element.trim());
    if (match === null) continue;
    const name = (match[1] ?? '').toLowerCase();
    const weight = match[2] === undefined ? 1 : Number(match[2]);
    if (!Number.isFinite(weight)) continue;
    if (name === 'gzip' || name === 'x-gzip') gzip = Math.max(gzip ?? 0, weight);
    else if (name === '*') star = weight;
  }
  return (gzip ?? star ?? 0) > 0;
};
