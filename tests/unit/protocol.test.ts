import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CHAT_LENGTH } from '../../src/core/chat';
import { encodeMessage, MAX_MESSAGE_BYTES, parseMessage, type Message } from '../../src/core/protocol';
import { isRoomFullFrame, NOSTR_ROOM_FULL } from '../../src/core/relay-notice';
import { createTokenBucket } from '../../src/core/token-bucket';

const valid: Message[] = [
  { v: 1, type: 'bye' },
  { v: 1, type: 'offer' },
  { v: 1, type: 'reject' },
  { v: 1, type: 'release' },
  { v: 1, type: 'accept', at: 1764400000000 },
  { v: 1, type: 'state', pair: null, at: 0 },
  { v: 1, type: 'state', pair: ['0aZ', 'zz9'], at: 1764400000000 },
  { v: 1, type: 'chat', id: 0, text: 'hi <b>there</b>\n\t"quoted" \\ 👋' },
  { v: 1, type: 'chat', id: Number.MAX_SAFE_INTEGER, text: '"\\\n'.repeat(MAX_CHAT_LENGTH / 3) },
  { v: 1, type: 'chat-ack', id: 7 },
];

describe('data-channel protocol', () => {
  it.each(valid)('round-trips %j', (m) => expect(parseMessage(encodeMessage(m))).toEqual(m));

  it.each([
    ['not a string', 42],
    ['an object', { v: 1, type: 'bye' }],
    ['invalid JSON', '{"v":1,'],
    ['JSON null', 'null'],
    ['an array', '[1]'],
    ['another version', '{"v":2,"type":"bye"}'],
    ['no version', '{"type":"bye"}'],
    ['an unknown type', '{"v":1,"type":"hello"}'],
    ['an oversized payload', JSON.stringify({ v: 1, type: 'bye', pad: 'x'.repeat(MAX_MESSAGE_BYTES) })],
    ['a prototype-pollution attempt', '{"__proto__":{"v":1,"type":"bye"}}'],
    ['an accept without time', '{"v":1,"type":"accept"}'],
    ['a state with an unsorted pair', '{"v":1,"type":"state","pair":["b","a"],"at":1}'],
    ['a state with a three-peer pair', '{"v":1,"type":"state","pair":["a","b","c"],"at":1}'],
    ['a state with a huge id', JSON.stringify({ v: 1, type: 'state', pair: ['a', 'b'.repeat(100)], at: 1 })],
    ['a state with a negative time', '{"v":1,"type":"state","pair":null,"at":-1}'],
    ['a state with NaN-ish time', '{"v":1,"type":"state","pair":null,"at":"1"}'],
    // Each bad chat has a good id, so only the named flaw is what drops it.
    ['a chat without text', '{"v":1,"type":"chat","id":1}'],
    ['a chat with a number for text', '{"v":1,"type":"chat","id":1,"text":42}'],
    ['an empty chat', '{"v":1,"type":"chat","id":1,"text":""}'],
    ['a blank chat', '{"v":1,"type":"chat","id":1,"text":" \\n\\t "}'],
    [
      'a chat over the length cap',
      JSON.stringify({ v: 1, type: 'chat', id: 1, text: 'x'.repeat(MAX_CHAT_LENGTH + 1) }),
    ],
    ['a chat with a control character', JSON.stringify({ v: 1, type: 'chat', id: 1, text: 'bell\u0007' })],
    ['a chat with a lone surrogate', JSON.stringify({ v: 1, type: 'chat', id: 1, text: 'half \uD83D' })],
    ['a chat with a carriage return', JSON.stringify({ v: 1, type: 'chat', id: 1, text: 'a\r\nb' })],
    ['a chat without an id', '{"v":1,"type":"chat","text":"hi"}'],
    ['a chat with a negative id', '{"v":1,"type":"chat","id":-1,"text":"hi"}'],
    ['a chat with the id -0 (no encoder writes it)', '{"v":1,"type":"chat","id":-0,"text":"hi"}'],
    ['a state at the time -0 (found by the fuzz below)', '{"v":1,"type":"state","pair":null,"at":-0}'],
    ['a chat with a fractional id', '{"v":1,"type":"chat","id":1.5,"text":"hi"}'],
    ['a chat with an unsafe id', '{"v":1,"type":"chat","id":9007199254740993,"text":"hi"}'],
    ['a chat with a string id', '{"v":1,"type":"chat","id":"1","text":"hi"}'],
    ['a chat-ack without an id', '{"v":1,"type":"chat-ack"}'],
    ['a chat-ack with a huge id', '{"v":1,"type":"chat-ack","id":1e300}'],
  ])('drops %s without throwing', (_, input) => {
    expect(parseMessage(input)).toBeNull();
  });

  it('fuzz: 20,000 random and mutated inputs never throw, and whatever parses re-encodes to itself', () => {
    const seeds = valid.map(encodeMessage);
    const mutated = fc
      .tuple(fc.constantFrom(...seeds), fc.nat(), fc.string({ maxLength: 8 }), fc.nat({ max: 3 }))
      .map(([s, pos, insert, mode]) => {
        const i = pos % (s.length + 1);
        if (mode === 0) return s.slice(0, i) + insert + s.slice(i);
        if (mode === 1) return s.slice(0, i) + s.slice(i + insert.length + 1);
        if (mode === 2) return s.replace(/"[a-z]+"/, JSON.stringify(insert));
        return s.repeat(1 + (pos % 4));
      });
    const anything = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string(),
      fc.anything(),
    );
    fc.assert(
      fc.property(fc.oneof(mutated, anything), (input) => {
        const parsed = parseMessage(input);
        if (parsed !== null) expect(parseMessage(encodeMessage(parsed))).toEqual(parsed);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('token bucket', () => {
  it('allows a burst of `capacity`, then `perSecond`, and never more', () => {
    let t = 0;
    const bucket = createTokenBucket(5, 2, () => t);
    expect(Array.from({ length: 8 }, () => bucket.take())).toEqual([true, true, true, true, true, false, false, false]);
    t = 499;
    expect(bucket.take()).toBe(false);
    t = 500;
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    // A long pause refills only up to capacity.
    t = 1_000_000;
    expect(Array.from({ length: 7 }, () => bucket.take()).filter(Boolean).length).toBe(5);
  });

  it('a flood of a million messages costs constant memory and lets through only the budget', () => {
    let t = 0;
    const bucket = createTokenBucket(60, 30, () => t);
    let passed = 0;
    for (let i = 0; i < 1_000_000; i++) {
      t = i / 1000; // a million messages within one second
      if (bucket.take()) passed++;
    }
    // The burst of 60, plus what 30/s refills in the 999.999 ms the flood lasts (29 whole tokens).
    expect(passed).toBe(60 + 29);
  });
});

describe('relay "room full" frames', () => {
  it('recognises the Nostr and tracker forms', () => {
    expect(isRoomFullFrame(JSON.stringify(['OK', 'ab'.repeat(32), false, NOSTR_ROOM_FULL]))).toBe(true);
    expect(isRoomFullFrame(JSON.stringify({ action: 'announce', 'failure reason': 'room full', info_hash: 'x' }))).toBe(
      true,
    );
  });
  it.each([
    ['an accepted event', JSON.stringify(['OK', 'id', true, NOSTR_ROOM_FULL])],
    ['another refusal', JSON.stringify(['OK', 'id', false, 'rate-limited: slow down'])],
    ['a notice that mentions it', JSON.stringify(['NOTICE', 'room full'])],
    ['broken JSON', '["OK", "room full"'],
    ['a huge frame', JSON.stringify(['OK', 'x'.repeat(5000), false, NOSTR_ROOM_FULL])],
    ['not text', 42],
  ])('ignores %s', (_, frame) => expect(isRoomFullFrame(frame)).toBe(false));
});
