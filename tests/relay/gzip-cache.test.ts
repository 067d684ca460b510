import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createGzipCache, type FileVersion } from '../../relay/gzip-cache.js';
import { acceptsGzip } from '../../relay/static-files.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-gzip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string): FileVersion => {
  const path = join(dir, name);
  writeFileSync(path, text);
  const info = statSync(path);
  return { path, size: info.size, mtimeMs: info.mtimeMs };
};

const text = (seed: string): string => Array.from({ length: 2000 }, (_, i) => `${seed}-${i % 50}`).join(' ');

describe('gzip cache', () => {
  it('compresses a file once, however many requests ask for it at the same moment', async () => {
    const cache = createGzipCache({ maxFileBytes: 1 << 20, maxTotalBytes: 1 << 20 });
    const version = file('a.js', text('a'));
    const bodies = await Promise.all(Array.from({ length: 20 }, () => cache.get(version)));
    const first = bodies[0];
    expect(first).toBeInstanceOf(Buffer);
    expect(gunzipSync(first as Buffer).toString('utf8')).toBe(text('a'));
    // One compression: every request got the very same buffer.
    expect(bodies.every((b) => b === first)).toBe(true);
    expect(cache.heldBytes()).toBe(first?.length);
  });

  it('keeps within its byte budget, dropping the least recently served', async () => {
    // Random base64 shrinks only to ~3/4, so a body still being compressed (budgeted at its raw
    // size, the worst case) weighs about as much as a finished one.
    const noise = (): string => randomBytes(6000).toString('base64');
    const texts = { one: noise(), two: noise(), three: noise() };
    const one = file('one.js', texts.one);
    const size = (await createGzipCache({ maxFileBytes: 1 << 20, maxTotalBytes: 1 << 20 }).get(one))?.length ?? 0;
    expect(size).toBeGreaterThan(0);
    // Room for two bodies, not three.
    const cache = createGzipCache({ maxFileBytes: 1 << 20, maxTotalBytes: size * 2 + size / 2 });
    const two = file('two.js', texts.two);
    const three = file('three.js', texts.three);
    const oneBody = await cache.get(one);
    const twoBody = await cache.get(two);
    expect(await cache.get(one)).toBe(oneBody); // one is now the most recently served
    await cache.get(three);
    expect(cache.heldBytes()).toBeLessThanOrEqual(size * 2 + size / 2);
    expect(await cache.get(one)).toBe(oneBody); // kept
    // two was dropped, so it is compressed afresh: equal bytes, a new buffer.
    const twoAgain = await cache.get(two);
    expect(gunzipSync(twoAgain as Buffer).toString('utf8')).toBe(texts.two);
    expect(twoAgain).not.toBe(twoBody);
  });

  it('sends files over the size cap, files that do not shrink and files that vanished as they are', async () => {
    const cache = createGzipCache({ maxFileBytes: 1000, maxTotalBytes: 1 << 20 });
    expect(await cache.get(file('big.js', text('big')))).toBeUndefined();
    expect(await cache.get(file('tiny.txt', 'x'))).toBeUndefined();
    const gone = file('gone.js', 'y'.repeat(500));
    rmSync(gone.path);
    expect(await cache.get(gone)).toBeUndefined();
    expect(cache.heldBytes()).toBe(0);
  });
});

describe('Accept-Encoding', () => {
  it.each([
    ['gzip, deflate, br, zstd', true],
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', true],
    ['x-gzip', true],
    ['*', true],
    ['GZIP', true],
    ['gzip;q=0', false],
    ['gzip;q=0, *', false],
    ['*;q=0', false],
    ['br', false],
    ['identity', false],
    ['', false],
    ['gzip;q=nope', false],
    [';;;,,,', false],
  ])('%j accepts gzip: %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });

  it('refuses to read a header no browser sends', () => {
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip(`${'a, '.repeat(600)}gzip`)).toBe(false);
    expect(acceptsGzip(['br', 'gzip'])).toBe(true);
  });
});
