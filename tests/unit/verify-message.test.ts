// core/verify-message: the wire format of parley-verify-v1 parsed from untrusted input — exact types and
// lengths, and a seeded fuzz of ≥ 10,000 random and mutated inputs that must never throw.
import { describe, expect, it } from 'vitest';
import { CANCEL_REASONS, encodeVerifyMessage, parseVerifyMessage, type VerifyMessage } from '../../src/core/verify';
import { MAX_VERIFY_MESSAGE_CHARS } from '../../src/core/verify-message';
import { seededRandom, type SeededRandom } from './verify-harness';

const filled = (n: number, v: number) => new Uint8Array(n).fill(v);
const samples: VerifyMessage[] = [
  { type: 'commit', txid: filled(16, 1), commitment: filled(32, 2) },
  { type: 'key', txid: filled(16, 1), publicKey: filled(32, 3), nonce: filled(16, 4) },
  { type: 'reveal', txid: filled(16, 1), publicKey: filled(32, 3), nonce: filled(16, 4) },
  { type: 'confirm', txid: filled(16, 1), mac: filled(32, 5) },
  { type: 'done', txid: filled(16, 1), mac: filled(32, 6) },
  ...CANCEL_REASONS.map((reason): VerifyMessage => ({ type: 'cancel', txid: filled(16, 1), reason })),
];
const wire = samples.map(encodeVerifyMessage);

describe('parseVerifyMessage', () => {
  it('round-trips every message type and cancel reason, from a string or a decoded object', () => {
    for (const [i, text] of wire.entries()) {
      expect(parseVerifyMessage(text)).toEqual(samples[i]);
      expect(parseVerifyMessage(JSON.parse(text))).toEqual(samples[i]);
      expect(text.length).toBeLessThan(MAX_VERIFY_MESSAGE_CHARS);
    }
  });

  const commit = JSON.parse(wire[0] ?? '{}') as Record<string, unknown>;
  const with_ = (patch: Record<string, unknown>) => JSON.stringify({ ...commit, ...patch });
  it.each([
    ['upper-case hex', with_({ txid: '0101010101010101010101010101010A' })],
    ['short txid', with_({ txid: '01'.repeat(15) })],
    ['long commitment', with_({ commitment: '02'.repeat(33) })],
    ['odd-length hex', with_({ txid: '0'.repeat(31) })],
    ['non-hex digits', with_({ txid: 'zz'.repeat(16) })],
    ['hex with 0x prefix', with_({ txid: `0x${'01'.repeat(15)}` })],
    ['bytes as an array', with_({ txid: Array.from({ length: 16 }, () => 1) })],
    ['extra field', with_({ extra: 1 })],
    ['a __proto__ field', wire[0]?.replace('{', '{"__proto__":{"x":1},')],
    ['missing field', JSON.stringify({ v: 1, type: 'verify.commit', txid: '01'.repeat(16) })],
    ['other version', with_({ v: 2 })],
    ['version as string', with_({ v: '1' })],
    ['unknown type', with_({ type: 'verify.start' })],
    ['type without prefix', with_({ type: 'commit' })],
    ['fields of another type', with_({ type: 'verify.confirm' })],
    ['unknown cancel reason', JSON.stringify({ v: 1, type: 'verify.cancel', txid: '01'.repeat(16), reason: 'user' })],
    ['oversized', `${wire[0]?.slice(0, -1)},"pad":"${'x'.repeat(MAX_VERIFY_MESSAGE_CHARS)}"}`],
    ['not JSON', '{v:1'],
    ['JSON array', '[1,2]'],
    ['JSON null', 'null'],
    ['JSON string', '"verify.commit"'],
  ])('refuses %s', (_label, text) => {
    expect(parseVerifyMessage(text)).toBeNull();
  });

  it('refuses non-string, non-object values and hostile objects without throwing', () => {
    const hostile = Object.defineProperty({}, 'v', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('boom');
        },
        get: () => 1,
      },
    );
    for (const value of [undefined, null, 1, true, 1n, Symbol('x'), () => 1, [], new Uint8Array(4), hostile, proxy]) {
      expect(parseVerifyMessage(value)).toBeNull();
    }
  });
});

describe('parseVerifyMessage fuzz (seeded, 12,000 inputs)', () => {
  const randomJson = (rng: SeededRandom, depth: number): unknown => {
    const r = rng.int(depth > 2 ? 6 : 8);
    switch (r) {
      case 0:
        return null;
      case 1:
        return rng.next() < 0.5;
      case 2:
        return [0, -1, 1, 1.5, 2 ** 53, -0, 1e308][rng.int(7)];
      case 3:
        return ['', 'verify.commit', 'verify.key', 'verify.cancel', '01'.repeat(16), 'timeout', '\u0000', '\u{1F436}'][
          rng.int(8)
        ];
      case 4:
        return Array.from({ length: rng.int(64) }, () => '0123456789abcdefABCDEFxyz'.charAt(rng.int(25))).join('');
      case 5:
        return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
      default: {
        const keys = [
          'v',
          'type',
          'txid',
          'commitment',
          'publicKey',
          'nonce',
          'mac',
          'reason',
          '__proto__',
          'constructor',
        ];
        const o: Record<string, unknown> = {};
        for (let i = rng.int(7); i > 0; i--) o[keys[rng.int(keys.length)] ?? 'v'] = randomJson(rng, depth + 1);
        return o;
      }
    }
  };
  const mutate = (rng: SeededRandom, text: string): string => {
    const chars = [...text];
    for (let n = 1 + rng.int(4); n > 0; n--) {
      const at = rng.int(chars.length + 1);
      const op = rng.int(5);
      const ch = '0123456789abcdefABCDEF{}[]":,\\ nulltrue-.e\u0000\u00e9\u{1F436}'.charAt(rng.int(40));
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, ch);
      else if (op === 2) chars[at] = ch;
      else if (op === 3)
        chars.splice(at, chars.length); // truncate
      else chars.splice(at, 0, ...chars.slice(rng.int(chars.length), rng.int(chars.length))); // duplicate a slice
    }
    return chars.join('');
  };

  it('never throws; whatever it accepts re-encodes to an equal message', () => {
    const rng = seededRandom(0xf022);
    let accepted = 0;
    const inputs = 12_000;
    for (let i = 0; i < inputs; i++) {
      const kind = i % 4;
      let input: unknown;
      if (kind === 0) input = mutate(rng, wire[rng.int(wire.length)] ?? '');
      else if (kind === 1) input = randomJson(rng, 0);
      else if (kind === 2) input = JSON.stringify(randomJson(rng, 0)) ?? '';
      else {
        // A valid message with one field replaced by a random JSON value.
        const base = JSON.parse(wire[rng.int(wire.length)] ?? '{}') as Record<string, unknown>;
        const keys = Object.keys(base);
        base[keys[rng.int(keys.length)] ?? 'v'] = randomJson(rng, 1);
        input = rng.next() < 0.5 ? base : JSON.stringify(base);
      }
      let parsed: VerifyMessage | null = null;
      expect(() => (parsed = parseVerifyMessage(input))).not.toThrow();
      if (parsed) {
        accepted++;
        expect(parseVerifyMessage(encodeVerifyMessage(parsed))).toEqual(parsed);
      }
    }
    // Some mutations are still valid messages (a changed hex digit): the fuzz reaches the accepting paths too.
    expect(accepted).toBeGreaterThan(50);
  });
});
