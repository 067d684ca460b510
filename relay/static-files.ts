import { extname } from 'node:path';
import { err, ok, type Result } from '../src/core/result.js';

/**
 * What each extension is served as, and whether its bytes shrink under gzip (images and fonts here
 * are already compressed). One table, so a new type cannot arrive without that decision.
 */
const FILE_TYPES: Readonly<Record<string, { type: string; gzip: boolean }>> = {
  '.html': { type: 'text/html; charset=utf-8', gzip: true },
  '.js': { type: 'text/javascript; charset=utf-8', gzip: true },
  '.mjs': { type: 'text/javascript; charset=utf-8', gzip: true },
  '.css': { type: 'text/css; charset=utf-8', gzip: true },
  '.json': { type: 'application/json; charset=utf-8', gzip: true },
  '.map': { type: 'application/json; charset=utf-8', gzip: true },
  '.webmanifest': { type: 'application/manifest+json; charset=utf-8', gzip: true },
  '.svg': { type: 'image/svg+xml', gzip: true },
  '.png': { type: 'image/png', gzip: false },
  '.webp': { type: 'image/webp', gzip: false },
  '.ico': { type: 'image/x-icon', gzip: true },
  '.txt': { type: 'text/plain; charset=utf-8', gzip: true },
  '.woff2': { type: 'font/woff2', gzip: false },
  '.wasm': { type: 'application/wasm', gzip: true },
};

const fileTypeOf = (fileName: string) => FILE_TYPES[extname(fileName).toLowerCase()];

/** The Content-Type for a file name; unknown types are served as opaque bytes (with nosniff, never rendered). */
export const contentTypeFor = (fileName: string): string => fileTypeOf(fileName)?.type ?? 'application/octet-stream';

/** Whether a file of this name is worth gzipping before it goes out (unknown types are not). */
export const isCompressible = (fileName: string): boolean => fileTypeOf(fileName)?.gzip ?? false;

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
