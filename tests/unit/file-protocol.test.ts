import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES_RANGE, parseAppConfig } from '../../src/core/app-config';
import { FALLBACK_NAME, MAX_SAVE_NAME, sanitiseFileName } from '../../src/core/file-name';
import {
  CHUNK_BYTES,
  CHUNK_HEADER_BYTES,
  encodeChunk,
  encodeFileControl,
  MAX_CONTROL_CHARS,
  parseChunk,
  parseFileControl,
  transferIdFrom,
} from '../../src/core/file-protocol';
import { createIncoming, createRateMeter, DEFAULT_MAX_FILE_BYTES } from '../../src/core/file-receive';

const ID = '0123456789abcdef';
const frame = (o: object) => JSON.stringify({ v: 1, ...o });
const wire = (u: Uint8Array) => u.slice().buffer;

describe('file control frames are parsed at the edge', () => {
  it('round-trips every frame type', () => {
    const frames = [
      { t: 'offer', id: ID, name: 'a.pdf', size: 10, type: 'application/pdf' },
      { t: 'accept', id: ID },
      { t: 'reject', id: ID, reason: 'too-large' },
      { t: 'ack', id: ID, bytes: 5 },
      { t: 'done', id: ID, sha256: 'ab'.repeat(32) },
      { t: 'verified', id: ID },
      { t: 'cancel', id: ID, reason: 'hash-mismatch' },
    ] as const;
    for (const f of frames) expect(parseFileControl(encodeFileControl(f))).toEqual(f);
  });

  it('refuses malformed, unknown, oversized or out-of-range frames (null, never a throw)', () => {
    const bad: unknown[] = [
      42,
      new ArrayBuffer(4),
      '{',
      'null',
      '[]',
      frame({ t: 'accept', id: 'XYZ' }),
      frame({ t: 'accept', id: ID.toUpperCase() }),
      JSON.stringify({ v: 2, t: 'accept', id: ID }),
      frame({ t: 'nope', id: ID }),
      frame({ t: 'offer', id: ID, name: '', size: 1 }),
      frame({ t: 'offer', id: ID, name: 'x'.repeat(1025), size: 1 }),
      frame({ t: 'offer', id: ID, name: 'a', size: -1 }),
      frame({ t: 'offer', id: ID, name: 'a', size: 1.5 }),
      frame({ t: 'offer', id: ID, name: 'a', size: 2 ** 60 }),
      frame({ t: 'offer', id: ID, name: 'a', size: '10' }),
      frame({ t: 'reject', id: ID, reason: 'because' }),
      frame({ t: 'cancel', id: ID }),
      frame({ t: 'ack', id: ID, bytes: -5 }),
      // JSON.stringify writes -0 as 0: the wire text is written by hand.
      frame({ t: 'ack', id: ID, bytes: 0 }).replace('"bytes":0', '"bytes":-0'),
      frame({ t: 'offer', id: ID, name: 'a', size: 0 }).replace('"size":0', '"size":-0'),
      frame({ t: 'done', id: ID, sha256: 'AB'.repeat(32) }),
      frame({ t: 'done', id: ID, sha256: 'ab' }),
      frame({ t: 'accept', id: ID, pad: 'x'.repeat(MAX_CONTROL_CHARS) }),
    ];
    for (const b of bad) expect(parseFileControl(b)).toBeNull();
    fc.assert(fc.property(fc.anything(), (x) => parseFileControl(x) === null || typeof x === 'string'));
    fc.assert(fc.property(fc.string(), (s) => (parseFileControl(s), true)));
  });

  it('shows an odd MIME type as unknown, not as what the peer wrote', () => {
    const f = parseFileControl(frame({ t: 'offer', id: ID, name: 'a', size: 1, type: 'text/html<script>' }));
    expect(f).toEqual({ t: 'offer', id: ID, name: 'a', size: 1, type: '' });
  });

  it('chunk frames: header and bytes round-trip; empty, oversized or foreign frames are null', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
    const parsed = parseChunk(wire(encodeChunk(ID, 0xdeadbeef, data)));
    expect(parsed?.id).toBe(ID);
    expect(parsed?.seq).toBe(0xdeadbeef);
    expect([...(parsed?.bytes ?? [])]).toEqual([...data]);
    expect(parseChunk(wire(encodeChunk(ID, 1, new Uint8Array(CHUNK_BYTES))))?.bytes.byteLength).toBe(CHUNK_BYTES);
    expect(parseChunk(new ArrayBuffer(CHUNK_HEADER_BYTES + CHUNK_BYTES + 1))).toBeNull();
    expect(parseChunk(wire(encodeChunk(ID, 1, new Uint8Array(0))))).toBeNull();
    const foreign = encodeChunk(ID, 1, data);
    foreign[0] = 2;
    expect(parseChunk(wire(foreign))).toBeNull();
    expect(parseChunk('text')).toBeNull();
    expect(parseChunk(new Uint8Array(20))).toBeNull();
  });

  it('makes ids from 8 random bytes', () => {
    expect(transferIdFrom(Uint8Array.from([0, 1, 2, 3, 0xfc, 0xfd, 0xfe, 0xff]))).toBe('00010203fcfdfeff');
  });
});

describe('received file names are sanitised', () => {
  it.each([
    ['../../etc/passwd', '_.._etc_passwd'],
    ['C:\\Windows\\evil.exe', 'C__Windows_evil.exe'],
    ['report\u202Etxt.exe', 'reporttxt.exe'],
    ['a\u0000b\u001Fc\u007Fd\u0085e', 'abcde'],
    ['  .hidden  ', 'hidden'],
    ['name. . .', 'name'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['lpt9.tar.gz', '_lpt9.tar.gz'],
    ['console.log', 'console.log'],
    ['a<b>c:d"e|f?g*h', 'a_b_c_d_e_f_g_h'],
    ['\u200B\u2066', FALLBACK_NAME],
    ['', FALLBACK_NAME],
    ['multi\n\tline   name.txt', 'multiline name.txt'],
  ])('%j → %j', (raw, safe) => {
    expect(sanitiseFileName(raw)).toBe(safe);
  });

  it('caps the length, keeping the extension and whole surrogate pairs', () => {
    const long = `${'😀'.repeat(200)}.tar.gz`;
    const safe = sanitiseFileName(long);
    expect(safe.length).toBeLessThanOrEqual(MAX_SAVE_NAME);
    expect(safe.endsWith('.gz')).toBe(true);
    expect(safe).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('never yields a path, a control or bidi character, or an empty name (any input)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        const safe = sanitiseFileName(s);
        return (
          safe.length > 0 &&
          safe.length <= MAX_SAVE_NAME &&
          // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting control characters are gone.
          !/[/\\:*?"<>|\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/.test(safe) &&
          !/^[.\s]/.test(safe) &&
          !/[.\s]$/.test(safe)
        );
      }),
    );
  });
});

describe('a receiver takes chunks only in order, after acceptance, within the announced size', () => {
  const full = CHUNK_BYTES;
  it('takes a well-behaved file and completes', () => {
    const s = createIncoming(2 * full + 10);
    s.accept();
    expect(s.chunk(0, full)).toBeNull();
    expect(s.chunk(1, full)).toBeNull();
    expect(s.chunk(2, 10)).toBeNull();
    expect(s.done()).toBeNull();
    expect(s.received).toBe(2 * full + 10);
  });
  it('cuts off data before acceptance', () => {
    expect(createIncoming(full).chunk(0, full)).toBe('not-accepted');
    expect(createIncoming(full).done()).toBe('not-accepted');
  });
  it('cuts off more bytes than announced', () => {
    const s = createIncoming(full);
    s.accept();
    expect(s.chunk(0, full)).toBeNull();
    expect(s.chunk(1, 1)).toBe('oversize');
    const t = createIncoming(10);
    t.accept();
    expect(t.chunk(0, 11)).toBe('oversize');
  });
  it('cuts off duplicate, skipped and reordered sequence numbers, and a short chunk mid-file', () => {
    for (const seqs of [[0, 0], [0, 2], [1]]) {
      const s = createIncoming(4 * full);
      s.accept();
      const faults = seqs.map((q) => s.chunk(q, full));
      expect(faults.at(-1)).toBe('out-of-order');
    }
    const s = createIncoming(4 * full);
    s.accept();
    expect(s.chunk(0, 100)).toBe('out-of-order');
  });
  it('cuts off a short file, and anything after done', () => {
    const s = createIncoming(2 * full);
    s.accept();
    s.chunk(0, full);
    expect(s.done()).toBe('short');
    expect(s.chunk(1, full)).toBe('after-done');
  });
});

describe('speed and time left', () => {
  it('reads bytes per second over the recent window', () => {
    let t = 0;
    const m = createRateMeter(() => t, 3000);
    m.sample(0);
    expect(m.bytesPerSecond()).toBeNull();
    t = 1000;
    m.sample(1_000_000);
    expect(m.bytesPerSecond()).toBe(1_000_000);
    expect(m.secondsLeft(5_000_000)).toBe(4);
    t = 10_000;
    m.sample(1_000_000);
    // The burst long ago no longer counts: the stall shows.
    expect(m.bytesPerSecond()).toBe(0);
    expect(m.secondsLeft(5_000_000)).toBeNull();
  });
});

describe('config.json maxFileBytes', () => {
  const base = { relays: ['wss://x'] };
  it('defaults to 512 MiB when absent, and takes a valid value', () => {
    expect(DEFAULT_MAX_FILE_BYTES).toBe(512 * 1024 * 1024);
    const parsed = parseAppConfig(base);
    expect(parsed.ok && parsed.value.maxFileBytes).toBeUndefined();
    expect(parseAppConfig({ ...base, maxFileBytes: 2 ** 30 })).toEqual({
      ok: true,
      value: { strategy: 'nostr', relays: ['wss://x'], iceServers: [], maxFileBytes: 2 ** 30 },
    });
  });
  it.each([['512MB'], [0], [-1], [1.5], [MAX_FILE_BYTES_RANGE.min - 1], [MAX_FILE_BYTES_RANGE.max + 1], [null]])(
    'refuses %j with a message naming the field and the range',
    (v) => {
      const parsed = parseAppConfig({ ...base, maxFileBytes: v });
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(/^"maxFileBytes" must be a whole number of bytes from 1048576/);
    },
  );
});
