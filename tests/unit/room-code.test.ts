import { describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase32 } from '../../src/core/base32';
import { describeRoomCodeError, generateRoomCode, parseRoomCode, ROOM_CODE_SYMBOLS } from '../../src/core/room-code';

const fixed = (byte: number) => (n: number) => new Uint8Array(n).fill(byte);

describe('base32', () => {
  it('round-trips random byte strings', () => {
    for (let len = 1; len <= 40; len++) {
      const bytes = crypto.getRandomValues(new Uint8Array(len));
      const text = encodeBase32(bytes);
      expect(text.length).toBe(Math.ceil((len * 8) / 5));
      expect(decodeBase32(text, len)).toEqual(bytes);
    }
  });
  it('matches Crockford vectors', () => {
    // "f" = 0x66 = 01100 110(00) → "CR"; 0xff... all ones → "ZZ..."
    expect(encodeBase32(new Uint8Array([0x66]))).toBe('CR');
    expect(encodeBase32(new Uint8Array(5).fill(0xff))).toBe('ZZZZZZZZ');
    expect(encodeBase32(new Uint8Array(5))).toBe('00000000');
  });
});

describe('room codes', () => {
  it('carry 128 random bits in 26 symbols, grouped by four', () => {
    const code = generateRoomCode((n) => crypto.getRandomValues(new Uint8Array(n)));
    expect(code.secret.length).toBe(16);
    expect(code.text).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{2}$/);
    expect(code.text.replaceAll('-', '').length).toBe(ROOM_CODE_SYMBOLS);
  });

  it('never repeat across many generations', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(generateRoomCode((n) => crypto.getRandomValues(new Uint8Array(n))).text);
    expect(seen.size).toBe(2000);
  });

  it('refuse a random source that returns too few bytes', () => {
    expect(() => generateRoomCode(() => new Uint8Array(8))).toThrow('expected 16 random bytes, got 8');
  });

  it('parse back from their text, a link, or a sloppy transcription', () => {
    const code = generateRoomCode(fixed(0xa5));
    const variants = [
      code.text,
      `https://parley.example/app/#/${code.text}`,
      code.text.toLowerCase().replaceAll('-', ' '),
      ` ${code.text.replaceAll('-', '')} `,
    ];
    for (const v of variants) {
      const parsed = parseRoomCode(v);
      expect(parsed.ok && parsed.value.text).toBe(code.text);
      expect(parsed.ok && parsed.value.secret).toEqual(code.secret);
    }
  });

  it('read I and L as 1 and O as 0', () => {
    const code = generateRoomCode(fixed(0));
    expect(code.text.startsWith('0000')).toBe(true);
    const typed = `OOOO${code.text.slice(4)}`;
    const parsed = parseRoomCode(typed);
    expect(parsed.ok && parsed.value.text).toBe(code.text);
    const ones = parseRoomCode('iL' + '1'.repeat(23) + '0');
    const direct = parseRoomCode('1'.repeat(25) + '0');
    expect(direct.ok).toBe(true);
    expect(ones.ok && direct.ok && ones.value.text === direct.value.text).toBe(true);
  });

  it('refuse input with a specific reason', () => {
    expect(parseRoomCode('   ')).toEqual({ ok: false, error: { kind: 'empty' } });
    expect(parseRoomCode('https://x.example/#/')).toEqual({ ok: false, error: { kind: 'empty' } });
    expect(parseRoomCode('ABCD')).toEqual({ ok: false, error: { kind: 'length', got: 4, expected: 26 } });
    expect(parseRoomCode('ABCU')).toEqual({ ok: false, error: { kind: 'character', char: 'U', position: 4 } });
    // 26 symbols carry 130 bits: a last symbol with its two spare bits set names no 128-bit secret.
    const last = parseRoomCode('0'.repeat(25) + '1');
    expect(last.ok).toBe(false);
  });

  it('describe every refusal in words', () => {
    expect(describeRoomCodeError({ kind: 'empty' })).toMatch(/Enter a room code/);
    expect(describeRoomCodeError({ kind: 'length', got: 3, expected: 26 })).toMatch(/26 letters and digits; this one has 3/);
    expect(describeRoomCodeError({ kind: 'character', char: '!', position: 2 })).toMatch(/"!" \(at position 2\)/);
  });
});
