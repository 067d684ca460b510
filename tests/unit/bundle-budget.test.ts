import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measureBundle } from '../../bench/bundle-size';

/** First-load JS+CSS (gzip -9) the home screen needs; screens beyond Home must be lazy-loaded to stay under it. */
const BUDGET_BYTES = 50 * 1024;

describe('first-load budget', () => {
  it(`index.html's JS and CSS stay within ${BUDGET_BYTES / 1024} KB gzip`, () => {
    // npm test builds before vitest; building here would double the work and hide a stale dist/.
    if (!existsSync('dist/index.html')) throw new Error('dist/index.html is missing: run `npm run build` before this test.');
    const { firstLoadFiles, firstLoadGzip } = measureBundle('dist');
    expect(firstLoadFiles.length, 'index.html references no JS or CSS: the measurement would be empty').toBeGreaterThan(0);
    expect(firstLoadGzip, firstLoadFiles.map((f) => `${f.file}: ${f.gzip} B`).join(', ')).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
