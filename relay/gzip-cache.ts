import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

export interface GzipCacheOptions {
  /** Larger files are sent as they are: compressing them on request would cost more than it saves. */
  maxFileBytes: number;
  /** What all cached bodies may hold together; the least recently served go first. */
  maxTotalBytes: number;
}

/** One file as it is on disk now; a changed size or mtime means a fresh build, so a fresh body. */
export interface FileVersion {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface GzipCache {
  /** The gzipped body of this file, or undefined when it should go out uncompressed. */
  get(file: FileVersion): Promise<Buffer | undefined>;
  /** Bytes held now (for tests and metrics). */
  heldBytes(): number;
}

interface Entry {
  size: number;
  mtimeMs: number;
  body: Promise<Buffer | undefined>;
  bytes: number;
}

/**
 * Gzipped copies of the static files, made once per file version and kept within a byte budget.
 * The relay serves a few dozen build files, so compressing on first request and keeping the
 * result costs one zlib pass per file per build; compression runs on libuv's pool, off the
 * event loop that carries signaling. Concurrent first requests share one compression.
 */
export const createGzipCache = (options: GzipCacheOptions): GzipCache => {
  const entries = new Map<string, Entry>();
  let held = 0;

  const drop = (path: string): void => {
    const entry = entries.get(path);
    if (entry === undefined) return;
    entries.delete(path);
    held -= entry.bytes;
  };

  const compress = async (file: FileVersion): Promise<Buffer | undefined> => {
    const raw = await readFile(file.path);
    // The file changed between stat and read: serve it plainly this time, compress the next.
    if (raw.length !== file.size) return undefined;
    const packed = await gzipAsync(raw, { level: constants.Z_BEST_COMPRESSION });
    return packed.length < raw.length ? packed : undefined;
  };

  return {
    get: (file) => {
      if (file.size > options.maxFileBytes) return Promise.resolve(undefined);
      const known = entries.get(file.path);
      if (known !== undefined && known.size === file.size && known.mtimeMs === file.mtimeMs) {
        // Re-insert: Map order is our least-recently-served order.
        entries.delete(file.path);
        entries.set(file.path, known);
        return known.body;
      }
      drop(file.path);
      // Budget the worst case (the raw size) until the real size is known.
      const entry: Entry = {
        size: file.size,
        mtimeMs: file.mtimeMs,
        body: Promise.resolve(undefined),
        bytes: file.size,
      };
      entry.body = compress(file).then(
        (body) => {
          if (entries.get(file.path) === entry) {
            held += (body?.length ?? 0) - entry.bytes;
            entry.bytes = body?.length ?? 0;
          }
          return body;
        },
        () => {
          if (entries.get(file.path) === entry) drop(file.path);
          return undefined;
        },
      );
      entries.set(file.path, entry);
      held += entry.bytes;
      for (const [path] of entries) {
        if (held <= options.maxTotalBytes || path === file.path) break;
        drop(path);
      }
      return entry.body;
    },
    heldBytes: () => held,
  };
};
