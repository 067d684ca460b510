import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** A plain static host, as an operator's CDN would be: no CSP or other security headers, files only. */
export interface StaticHost {
  /** Origin plus prefix, ending in '/': where index.html is. */
  readonly url: string;
  readonly origin: string;
  /** Serves another directory from now on (a new deploy). */
  setRoot(root: string): void;
  close(): Promise<void>;
}

/**
 * Serves `root` under `prefix` (e.g. '/deep/sub/path/') on 127.0.0.1:`port`; `/…/config.json` is
 * answered with `config` instead of the file, so the app signals through a relay of the test's choosing.
 */
export const serveStatic = async (options: {
  root: string;
  prefix: string;
  port: number;
  config: unknown;
}): Promise<StaticHost> => {
  let root = options.root;
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?', 1)[0] ?? '/');
    if (!path.startsWith(options.prefix)) {
      res.writeHead(404).end('outside the deploy path');
      return;
    }
    const rel = path.slice(options.prefix.length) || 'index.html';
    if (rel === 'config.json') {
      res
        .writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' })
        .end(JSON.stringify(options.config));
      return;
    }
    const file = normalize(join(root, rel));
    if (!file.startsWith(normalize(root) + sep)) {
      res.writeHead(400).end();
      return;
    }
    readFile(file).then(
      (body) =>
        res
          .writeHead(200, {
            'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
            'Cache-Control': 'no-cache',
          })
          .end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${options.port}`;
  return {
    url: origin + options.prefix,
    origin,
    setRoot: (next) => void (root = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
