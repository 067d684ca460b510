import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CROCKFORD_ALPHABET } from '../../src/core/base32';
import {
  EXPIRY_EPOCH_MS,
  generateRoomCode,
  parseRoomCode,
  ROOM_CODE_SYMBOLS,
  type RoomCode,
} from '../../src/core/room-code';
import { roomCodeErrorText } from '../../src/ui/code-error-text';

const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);
const csprng = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const make = (over: Partial<Parameters<typeof generateRoomCode>[0]> = {}): RoomCode =>
  generateRoomCode({ randomBytes: csprng, now: NOW, lifetimeMinutes: 60, hasPassword: false, ...over });
const symbolsOf = (code: RoomCode) => code.text.replaceAll('-', '');
const fmt = (ms: number) => new Date(ms).toISOString();

describe('room code generation', () => {
  it('carries 128 random bits, an expiry and the password flag in 34 symbols grouped by four', () => {
    const code = make();
    expect(code.secret.length).toBe(16);
    expect(code.text).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){8}[0-9A-HJKMNP-TV-Z]{2}$/);
    expect(symbolsOf(code).length).toBe(ROOM_CODE_SYMBOLS);
    expect(code.expiresAt).toBe(NOW + 60 * 60_000);
    expect(code.version).toBe(1);
    expect(make({ hasPassword: true }).hasPassword).toBe(true);
  });

  it('rounds the expiry up to a whole minute', () => {
    expect(make({ now: NOW + 1, lifetimeMinutes: 15 }).expiresAt).toBe(NOW + 16 * 60_000);
  });

  it('never repeats across many generations', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(make().text);
    expect(seen.size).toBe(2000);
  });

  it('refuses a random source that returns too few bytes and a nonsensical lifetime', () => {
    expect(() => make({ randomBytes: () => new Uint8Array(8) })).toThrow('expected 16 random bytes, got 8');
    expect(() => make({ lifetimeMinutes: 0 })).toThrow('expected a positive whole number of minutes');
    expect(() => make({ now: EXPIRY_EPOCH_MS - 3 * 3600_000 })).toThrow('expiry out of range');
  });

  it('uses only the CSPRNG: no Math.random anywhere in src/', () => {
    const files: string[] = [];
    const walk = (dir: string) =>
      readdirSync(dir).forEach((f) =>
        statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : files.push(join(dir, f)),
      );
    walk('src');
    const offenders = files.filter((f) => /Math\.random/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('room code parsing', () => {
  it('round-trips every field', () => {
    for (const hasPassword of [false, true]) {
      const code = make({ hasPassword, lifetimeMinutes: 24 * 60 });
      const parsed = parseRoomCode(code.text, NOW);
      expect(parsed).toEqual({ ok: true, value: code });
    }
  });

  it('accepts a link, lower case, spaces instead of dashes, and O for 0 / I and L for 1', () => {
    let code = make();
    while (!/[01]/.test(symbolsOf(code))) code = make();
    const sloppy = symbolsOf(code)
      .toLowerCase()
      .replace(/0/g, 'o')
      .replace(/1/g, 'l')
      .replace(/(.{4})/g, '$1 ');
    for (const input of [code.text, `https://parley.example/app/#/${code.text}`, sloppy, ` ${symbolsOf(code)} `]) {
      const parsed = parseRoomCode(input, NOW);
      expect(parsed.ok && parsed.value.text).toBe(code.text);
    }
  });

  it('catches every single-character substitution of sample codes', () => {
    for (let sample = 0; sample < 20; sample++) {
      const symbols = symbolsOf(make({ hasPassword: sample % 2 === 0 }));
      for (let i = 0; i < symbols.length; i++) {
        for (const c of CROCKFORD_ALPHABET) {
          if (c === symbols[i]) continue;
          const typo = symbols.slice(0, i) + c + symbols.slice(i + 1);
          expect(parseRoomCode(typo, NOW)).toEqual({ ok: false, error: { kind: 'checksum' } });
        }
      }
    }
  });

  it('catches every adjacent transposition of sample codes', () => {
    for (let sample = 0; sample < 50; sample++) {
      const symbols = symbolsOf(make());
      for (let i = 0; i + 1 < symbols.length; i++) {
        if (symbols[i] === symbols[i + 1]) continue;
        const swapped = symbols.slice(0, i) + symbols[i + 1] + symbols[i] + symbols.slice(i + 2);
        expect(parseRoomCode(swapped, NOW)).toEqual({ ok: false, error: { kind: 'checksum' } });
      }
    }
  });

  it('refuses each kind of bad input with a specific reason', () => {
    const good = symbolsOf(make());
    expect(parseRoomCode('   ', NOW)).toEqual({ ok: false, error: { kind: 'empty' } });
    expect(parseRoomCode('https://x.example/#/', NOW)).toEqual({ ok: false, error: { kind: 'empty' } });
    expect(parseRoomCode(good.slice(0, 20), NOW)).toEqual({
      ok: false,
      error: { kind: 'length', got: 20, expected: 34 },
    });
    expect(parseRoomCode(good + 'A', NOW)).toEqual({ ok: false, error: { kind: 'length', got: 35, expected: 34 } });
    expect(parseRoomCode('ABCU', NOW)).toEqual({ ok: false, error: { kind: 'character', char: 'U', position: 4 } });
    expect(parseRoomCode('AB!D', NOW)).toEqual({ ok: false, error: { kind: 'character', char: '!', position: 3 } });
  });

  it('refuses another format version even with a correct checksum', () => {
    // Re-encode a valid code's number with header 0b00100 (version 2) and a recomputed check.
    const symbols = symbolsOf(make());
    const value = (s: string) => [...s].reduce((n, ch) => (n << 5n) | BigInt(CROCKFORD_ALPHABET.indexOf(ch)), 0n);
    const body = (value(symbols.slice(0, 32)) & ((1n << 155n) - 1n)) | (4n << 155n);
    const check = (1021n - ((body << 10n) % 1021n)) % 1021n;
    const enc = (n: bigint, k: number) =>
      Array.from({ length: k }, (_, i) => CROCKFORD_ALPHABET[Number((n >> BigInt(5 * (k - 1 - i))) & 31n)]).join('');
    expect(parseRoomCode(enc(body, 32) + enc(check, 2), NOW)).toEqual({
      ok: false,
      error: { kind: 'version', version: 2 },
    });
  });

  it('refuses a code at and after its expiry, not a millisecond before', () => {
    const code = make({ lifetimeMinutes: 15 });
    expect(parseRoomCode(code.text, code.expiresAt - 1).ok).toBe(true);
    expect(parseRoomCode(code.text, code.expiresAt)).toEqual({
      ok: false,
      error: { kind: 'expired', expiredAt: code.expiresAt },
    });
    expect(parseRoomCode(code.text, code.expiresAt + 86_400_000)).toEqual({
      ok: false,
      error: { kind: 'expired', expiredAt: code.expiresAt },
    });
  });

  it('describes every refusal in words', () => {
    expect(roomCodeErrorText({ kind: 'empty' }, fmt)).toMatch(/Enter a room code/);
    expect(roomCodeErrorText({ kind: 'length', got: 3, expected: 34 }, fmt)).toMatch(
      /34 letters and digits; this one has 3/,
    );
    expect(roomCodeErrorText({ kind: 'character', char: '!', position: 2 }, fmt)).toMatch(/"!" \(at position 2\)/);
    expect(roomCodeErrorText({ kind: 'checksum' }, fmt)).toMatch(/looks like it has a typo/);
    expect(roomCodeErrorText({ kind: 'version', version: 3 }, fmt)).toMatch(/different version of Parley \(format 3\)/);
    expect(roomCodeErrorText({ kind: 'expired', expiredAt: Date.UTC(2026, 0, 2) }, fmt)).toBe(
      'This room expired at 2026-01-02T00:00:00.000Z. Ask the other person to start a new call.',
    );
  });
});
