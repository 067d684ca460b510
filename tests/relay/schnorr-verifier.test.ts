import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  chooseVerifier,
  computeEventId,
  createWasmVerifier,
  jsVerifier,
  type EventVerifier,
} from '../../relay/schnorr-verifier.js';
import type { NostrEvent } from '../../relay/nostr-types.js';

// Both engines must give the same answer for every event: the WASM one is only a faster way to the
// JS one's result. Events are signed with noble (what Trystero uses); forgeries follow the invalid
// cases of BIP-340's test vectors (public key not on the curve or past the field size, r = p, s = n).

const BIP340 = {
  /** Vector 5: public key not on the curve. */
  pubkeyNotOnCurve: 'eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34',
  /** Vector 14: public key exceeds the field size. */
  pubkeyPastFieldSize: 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30',
  /** Vector 12: sig[0:32] equal to the field size. */
  rIsFieldSize: 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f',
  /** Vector 13: sig[32:64] equal to the curve order. */
  sIsCurveOrder: 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141',
};

const sign = (
  secret: Uint8Array,
  fields: Omit<NostrEvent, 'id' | 'sig' | 'pubkey'>,
  pubkey = bytesToHex(schnorr.getPublicKey(secret)),
): NostrEvent => {
  const unsigned = { ...fields, pubkey };
  const id = computeEventId(unsigned);
  return { ...unsigned, id, sig: bytesToHex(schnorr.sign(hexToBytes(id), secret)) };
};

const flipHex = (hex: string, at: number): string =>
  hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);

const key = schnorr.utils.randomSecretKey();
const otherKey = schnorr.utils.randomSecretKey();
const trysteroLike = (content: string): Omit<NostrEvent, 'id' | 'sig' | 'pubkey'> => ({
  created_at: Math.floor(Date.now() / 1000),
  kind: 24242,
  tags: [['x', 'a'.repeat(40)]],
  content,
});

/** A flipped signature keeps the id valid; anything else changes the hashed fields, so the id fails first. */
const EXPECTED_AFTER = {
  none: 'valid',
  id: 'bad-id',
  sig: 'bad-signature',
  pubkey: 'bad-id',
  content: 'bad-id',
} as const;

let wasm: EventVerifier;
beforeAll(async () => {
  wasm = await createWasmVerifier();
});

describe('schnorr verifier', () => {
  it('the WASM engine loads here, and is the one chosen by default', async () => {
    expect(wasm.engine).toBe('wasm');
    const choice = await chooseVerifier(undefined);
    expect(choice.verifier.engine).toBe('wasm');
    expect(choice.fallbackReason).toBeUndefined();
  });

  it('PARLEY_RELAY_VERIFIER=js picks the JS fallback and says why', async () => {
    const choice = await chooseVerifier('js');
    expect(choice.verifier.engine).toBe('js');
    expect(choice.fallbackReason).toMatch(/PARLEY_RELAY_VERIFIER/);
  });

  it('falls back to JS, and says why, when WASM does not load', async () => {
    const choice = await chooseVerifier(undefined, () =>
      Promise.reject(new Error('WebAssembly.instantiate: out of memory')),
    );
    expect(choice.verifier.engine).toBe('js');
    expect(choice.fallbackReason).toMatch(/did not load: WebAssembly.instantiate: out of memory/);
  });

  it('falls back to JS when the WASM engine fails its known answers (accepts a forgery)', async () => {
    const lying: EventVerifier = { engine: 'wasm', check: () => 'valid' };
    const choice = await chooseVerifier(undefined, () => Promise.resolve(lying));
    expect(choice.verifier).toBe(jsVerifier);
    expect(choice.fallbackReason).toMatch(/self-test: accepted a changed event/);
  });

  const cases = (): [string, NostrEvent, string][] => {
    const good = sign(key, trysteroLike('{"peerId":"abc","offer":"…"}'));
    const byOther = sign(otherKey, trysteroLike('x'));
    return [
      ['a valid event', good, 'valid'],
      ['a valid event with non-ASCII and escaped content', sign(key, trysteroLike('é€😀\u0000"\\\n')), 'valid'],
      ['changed content (id no longer the hash)', { ...good, content: 'changed' }, 'bad-id'],
      ['changed created_at', { ...good, created_at: good.created_at + 1 }, 'bad-id'],
      ['changed tags', { ...good, tags: [['x', 'b'.repeat(40)]] }, 'bad-id'],
      ['an id that is not the hash', { ...good, id: flipHex(good.id, 10) }, 'bad-id'],
      ['one bit of the signature flipped (r)', { ...good, sig: flipHex(good.sig, 5) }, 'bad-signature'],
      ['one bit of the signature flipped (s)', { ...good, sig: flipHex(good.sig, 100) }, 'bad-signature'],
      ["another key's signature on the same id", { ...good, sig: schnorrSigOf(good.id, otherKey) }, 'bad-signature'],
      [
        'another key claims the event (pubkey swapped, id recomputed)',
        reId({ ...good, pubkey: byOther.pubkey }),
        'bad-signature',
      ],
      ['BIP-340 #5: public key not on the curve', reId({ ...good, pubkey: BIP340.pubkeyNotOnCurve }), 'bad-signature'],
      [
        'BIP-340 #14: public key past the field size',
        reId({ ...good, pubkey: BIP340.pubkeyPastFieldSize }),
        'bad-signature',
      ],
      [
        'BIP-340 #12: r equal to the field size',
        { ...good, sig: BIP340.rIsFieldSize + good.sig.slice(64) },
        'bad-signature',
      ],
      [
        'BIP-340 #13: s equal to the curve order',
        { ...good, sig: good.sig.slice(0, 64) + BIP340.sIsCurveOrder },
        'bad-signature',
      ],
      ['an all-zero signature', { ...good, sig: '0'.repeat(128) }, 'bad-signature'],
    ];
  };

  it.each(cases())('%s: both engines agree', (_name, event, expected) => {
    expect(jsVerifier.check(event)).toBe(expected);
    expect(wasm.check(event)).toBe(expected);
  });

  it('an event too large for the WASM heap is still checked (by the JS path), with the same answers', () => {
    // 2 M two-byte characters: past nostr-wasm's fixed heap, far past a frame the relay accepts.
    const huge = sign(key, trysteroLike('é'.repeat(2 * 1024 * 1024)));
    expect(wasm.check(huge)).toBe('valid');
    expect(wasm.check({ ...huge, sig: flipHex(huge.sig, 7) })).toBe('bad-signature');
    // ...and the WASM engine still works afterwards.
    expect(wasm.check(sign(key, trysteroLike('after')))).toBe('valid');
  });

  it('agrees with the JS engine on random events and random one-character forgeries', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200, unit: 'binary' }),
        fc.array(fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 3 }), { maxLength: 4 }),
        fc.constantFrom('none', 'id', 'sig', 'pubkey', 'content'),
        fc.nat(127),
        (content, tags, mutate, at) => {
          let event = sign(key, { created_at: 1_700_000_000, kind: 20000 + (at % 10_000), tags, content });
          if (mutate === 'id') event = { ...event, id: flipHex(event.id, at % 64) };
          if (mutate === 'sig') event = { ...event, sig: flipHex(event.sig, at) };
          if (mutate === 'pubkey') event = { ...event, pubkey: flipHex(event.pubkey, at % 64) };
          if (mutate === 'content') event = { ...event, content: `${event.content}!` };
          const expected = jsVerifier.check(event);
          expect(expected).toBe(EXPECTED_AFTER[mutate]);
          expect(wasm.check(event)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function schnorrSigOf(idHex: string, secret: Uint8Array): string {
  return bytesToHex(schnorr.sign(hexToBytes(idHex), secret));
}

/** A forged event whose id is recomputed so the check reaches the signature. */
function reId(event: NostrEvent): NostrEvent {
  return { ...event, id: computeEventId(event) };
}
