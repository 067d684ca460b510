import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleFigures {
  /** JS and CSS the browser fetches before the home screen can run: index.html's scripts, preloads and styles. */
  firstLoadFiles: Array<{ file: string; gzip: number }>;
  firstLoadGzip: number;
}

const gz = (path: string) => gzipSync(readFileSync(path), { level: 9 }).length;

/** Measures first-load JS+CSS (gzip -9) of a built app from the URLs its index.html references. */
export const measureBundle = (distDir: string): BundleFigures => {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+\.(?:js|css))"/g)].map(
    (m) => m[1] ?? '',
  );
  const firstLoadFiles = [...new Set(refs)].map((file) => ({ file, gzip: gz(join(distDir, file)) }));
  return { firstLoadFiles, firstLoadGzip: firstLoadFiles.reduce((sum, f) => sum + f.gzip, 0) };
};
