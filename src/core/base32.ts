// Crockford base32 (https://www.crockford.com/base32.html): no I, L, O or U, so codes survive being read aloud.
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Encodes bytes as Crockford base32, most significant bit first, zero-padding the last symbol. */
export const encodeBase32 = (bytes: Uint8Array): string => {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD_ALPHABET[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += CROCKFORD_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
};

/** Decodes canonical (upper-case, already normalised) Crockford base32 into `byteLength` bytes, or null if a symbol is not in the alphabet. */
export const decodeBase32 = (text: string, byteLength: number): Uint8Array | null => {
  const out = new Uint8Array(byteLength);
  let buffer = 0;
  let bits = 0;
  let i = 0;
  for (const ch of text) {
    const v = CROCKFORD_ALPHABET.indexOf(ch);
    if (v < 0) return null;
    buffer = ((buffer << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      if (i < byteLength) out[i++] = (buffer >>> bits) & 0xff;
    }
  }
  return i === byteLength ? out : null;
};
