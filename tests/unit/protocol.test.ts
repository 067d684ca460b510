import { describe, expect, it } from 'vitest';
import { encodeMessage, MAX_MESSAGE_BYTES, parseMessage } from '../../src/core/protocol';

describe('data-channel protocol', () => {
  it('round-trips a goodbye', () => {
    expect(parseMessage(encodeMessage({ v: 1, type: 'bye' }))).toEqual({ v: 1, type: 'bye' });
  });

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
  ])('drops %s without throwing', (_, input) => {
    expect(parseMessage(input)).toBeNull();
  });
});
