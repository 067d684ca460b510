// Crockford base32 (https://www.crockford.com/base32.html): no I, L, O or U, so codes survive being read aloud.
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
