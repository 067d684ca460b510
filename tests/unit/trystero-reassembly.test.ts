// Attack tests for the parley patch to Trystero's action wire (patches/README.md, "Reassembly is
// bounded"). They drive the patched node_modules/@trystero-p2p/core/dist/action-wire.mjs directly:
// a malicious peer's data channel is played by crafted frames in Trystero's own chunk format, and a
// legitimate sender by the wire's own send().
import { beforeAll, describe, expect, it } from 'vitest';
import { loadActionWire, type ActionWire, type ActionWireModule, type WireStats } from './trystero-dist';

// Trystero 0.25.4 chunk frame: 32 bytes of action type (UTF-8, zero-padded), a 2-byte nonce (big
// endian), a tag byte (bit 0 last chunk, bit 1 metadata, bit 2 binary, bit 3 JSON), a progress byte
// (round((i + 1) / total * 255)), then the payload; payloads are at most 16 KiB - 36 bytes.
const HEADER = 36;
const CHUNK = 16 * 1024 - HEADER;
const LAST = 1;
const META = 2;
const JSON_TAG = 8;

const frame = (type: string, nonce: number, tag: number, progress: number, payload: Uint8Array): Uint8Array => {
  const f = new Uint8Array(HEADER + payload.byteLength);
  f.set(new TextEncoder().encode(type));
  f[32] = nonce >> 8;
  f[33] = nonce & 255;
  f[34] = tag;
  f[35] = progress;
  f.set(payload, HEADER);
  return f;
};

/** The frames an honest sender would produce for `text` split into `total` chunks of `size` bytes. */
const honestFrames = (type: string, nonce: number, total: number, size: number, tag = 0): Uint8Array[] =>
  Array.from({ length: total }, (_, i) =>
    frame(
      type,
      nonce,
      tag | (i === total - 1 ? LAST : 0),
      Math.round(((i + 1) / total) * 255),
      new Uint8Array(size).fill(97),
    ),
  );

const MALLORY = 'mallory-peer-id-0001';
const ALICE = 'alice-peer-id-000001';

let mod: ActionWireModule;
beforeAll(async () => {
  mod = await loadActionWire();
});

/** A receiving wire with the app's action registered; `received` collects complete messages. */
const makeReceiver = () => {
  const wire = mod.createActionWireManager({
    getPeer: () => undefined,
    getPeerIds: () => [],
    canReceiveFromPeer: () => true,
    throwIfAborted: () => undefined,
  });
  const received: { payload: unknown; peerId: string; meta: unknown }[] = [];
  wire.makeInternalAction('parley').onMessage((payload, peerId, meta) => received.push({ payload, peerId, meta }));
  const stats = (id: string): WireStats | undefined => wire.stats?.(id);
  return { wire, received, stats };
};

/** A sending wire whose one peer (ALICE as seen from the receiver) hands every chunk to `deliver`. */
const makeSender = (deliver: (chunk: Uint8Array) => void): ActionWire => {
  const peer = { channel: null, sendData: deliver };
  return mod.createActionWireManager({
    getPeer: () => peer,
    getPeerIds: () => ['receiver'],
    canReceiveFromPeer: () => true,
    throwIfAborted: () => undefined,
  });
};

describe('Trystero reassembly (parley patch: bounded)', () => {
  it('a legitimate multi-chunk message with metadata still arrives whole, also one close to the 256 KiB cap', async () => {
    const { wire, received, stats } = makeReceiver();
    const sender = makeSender((chunk) => wire.handleData(ALICE, chunk)).makeInternalAction('parley');
    const medium = { sdp: 'a=candidate '.repeat(9000) }; // ~108 KB of JSON: 7 data chunks + metadata
    await sender.send(medium, 'receiver', { r: 'request-1' });
    const large = 'é'.repeat(125_000); // 250 000 bytes of UTF-8, 16 chunks
    await sender.send(large, 'receiver');
    expect(received).toEqual([
      { payload: medium, peerId: ALICE, meta: { r: 'request-1' } },
      { payload: large, peerId: ALICE, meta: undefined },
    ]);
    expect(stats(ALICE)).toMatchObject({ pendingBytes: 0, pendingChunks: 0, pendingMessages: 0 });
  });

  it('chunks of an action type nobody registered are dropped and never buffered', () => {
    const { wire, received, stats } = makeReceiver();
    // A complete message, then 50 full chunks of one that never ends, both of an unregistered type.
    wire.handleData(MALLORY, frame('evil', 1, LAST | JSON_TAG, 255, new TextEncoder().encode('"queued"')));
    for (const f of honestFrames('evil', 2, 51, CHUNK).slice(0, 50)) wire.handleData(MALLORY, f);
    // Upstream buffers both; a later registration of the type would then receive the queued message.
    const late: unknown[] = [];
    wire.makeInternalAction('evil').onMessage((payload) => late.push(payload));
    expect(late).toEqual([]);
    expect(received).toEqual([]);
    expect(stats(MALLORY)).toMatchObject({ pendingBytes: 0, pendingChunks: 0, pendingMessages: 0 });
    expect(stats(MALLORY)!.dropped.unknownType).toBe(51);
  });

  it('a message whose chunks declare more than the chunk cap is dropped at its first chunk, its buffer freed', () => {
    const { wire, received, stats } = makeReceiver();
    const frames = honestFrames('parley', 3, 400, CHUNK); // 6.5 MB, framed exactly as a sender would
    wire.handleData(MALLORY, frames[0]!);
    const afterFirst = stats(MALLORY);
    for (const f of frames.slice(1)) wire.handleData(MALLORY, f);
    expect(received).toEqual([]); // upstream delivers all 6.5 MB
    expect(afterFirst).toMatchObject({ pendingBytes: 0, pendingChunks: 0 });
    expect(stats(MALLORY)).toMatchObject({ pendingBytes: 0, pendingChunks: 0, pendingMessages: 0 });
    expect(stats(MALLORY)!.dropped.tooManyChunks).toBe(1);
  });

  it('a message that lies in its progress bytes is dropped once it passes 256 KiB or 18 chunks; its buffer is freed and later messages arrive', () => {
    const { wire, received, stats } = makeReceiver();
    // 40 full chunks all claiming to be nearly done (progress 254), then the last one.
    for (let i = 0; i < 40; i++)
      wire.handleData(
        MALLORY,
        frame('parley', 4, i === 39 ? LAST : 0, i === 39 ? 255 : 254, new Uint8Array(CHUNK).fill(98)),
      );
    expect(received).toEqual([]);
    // 30 tiny chunks that claim the same.
    for (let i = 0; i < 30; i++)
      wire.handleData(
        MALLORY,
        frame('parley', 5, i === 29 ? LAST : 0, i === 29 ? 255 : 254, new Uint8Array(10).fill(99)),
      );
    expect(received).toEqual([]);
    // One frame far bigger than any chunk an honest sender makes.
    wire.handleData(MALLORY, frame('parley', 6, LAST, 255, new Uint8Array(300 * 1024)));
    expect(received).toEqual([]);
    expect(stats(MALLORY)).toMatchObject({ pendingBytes: 0, pendingChunks: 0, pendingMessages: 0 });
    expect(stats(MALLORY)!.dropped).toMatchObject({ tooLarge: 2, tooManyChunks: 1 });
    // The same peer's next honest message is delivered.
    for (const f of honestFrames('parley', 7, 2, 100)) wire.handleData(MALLORY, f);
    expect(received).toEqual([{ payload: 'a'.repeat(200), peerId: MALLORY, meta: undefined }]);
  });

  it('one peer holds at most 8 incomplete messages: 100 opened at once do not stay buffered, and at most 8 could ever complete', () => {
    const { wire, received, stats } = makeReceiver();
    const half = (n: number, part: 0 | 1) =>
      new TextEncoder().encode(part === 0 ? `{"n":${n},"pad":"${'p'.repeat(CHUNK - 20)}` : '"}');
    for (let n = 0; n < 100; n++) wire.handleData(MALLORY, frame('parley', n, JSON_TAG, 128, half(n, 0)));
    const whileOpen = stats(MALLORY);
    for (let n = 0; n < 100; n++) wire.handleData(MALLORY, frame('parley', n, JSON_TAG | LAST, 255, half(n, 1)));
    // Upstream kept all 100 half-messages (1.6 MB) and completes every one of them.
    const whole = received.filter((r) => typeof r.payload === 'object' && r.payload !== null);
    expect(whole.length).toBeLessThanOrEqual(8);
    expect(whileOpen).toBeDefined();
    expect(whileOpen!.pendingMessages).toBeLessThanOrEqual(8);
    expect(whileOpen!.pendingBytes).toBeLessThanOrEqual(8 * CHUNK);
    expect(whileOpen!.dropped.evicted).toBe(92);
    expect(stats(MALLORY)).toMatchObject({ pendingBytes: 0, pendingMessages: 0 });
  });

  it('malformed JSON in a message or its metadata is dropped without throwing; the next message arrives', () => {
    const { wire, received, stats } = makeReceiver();
    expect(() =>
      wire.handleData(MALLORY, frame('parley', 8, LAST | JSON_TAG, 255, new TextEncoder().encode('{not json'))),
    ).not.toThrow();
    expect(() =>
      wire.handleData(MALLORY, frame('parley', 9, META, 128, new TextEncoder().encode('{meta'))),
    ).not.toThrow();
    wire.handleData(MALLORY, frame('parley', 9, LAST, 255, new TextEncoder().encode('after bad meta')));
    wire.handleData(MALLORY, frame('parley', 10, LAST, 255, new TextEncoder().encode('hello')));
    expect(received).toEqual([{ payload: 'hello', peerId: MALLORY, meta: undefined }]);
    expect(stats(MALLORY)!.dropped.malformed).toBe(2);
  });
});
