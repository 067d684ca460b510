// `lp(...)` of docs/verification.md §"Cryptography": each part is preceded by its byte length as a
// 4-byte big-endian integer, so no two different part lists encode to the same bytes (no ambiguity between
// e.g. ("ab","c") and ("a","bc")). Strings are UTF-8.
import { utf8ToBytes } from '@noble/hashes/utils.js';

/** Length-prefixed concatenation: for each part, uint32 big-endian byte length, then the bytes (strings as UTF-8). */
export const lengthPrefixed = (...parts: ReadonlyArray<Uint8Array | string>): Uint8Array => {
  const bytes = parts.map((part) => (typeof part === 'string' ? utf8ToBytes(part) : part));
  const total = bytes.reduce((sum, b) => sum + 4 + b.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const b of bytes) {
    view.setUint32(offset, b.length, false);
    out.set(b, offset + 4);
    offset += 4 + b.length;
  }
  return out;
};
