import { SAS_EMOJI, type SasEmoji } from './verify-emoji.js';

/** Bytes of SAS material HKDF produces (docs/verification.md §"Cryptography", step 4): 42 bits are used for emoji, 39 for decimal. */
export const SAS_BYTES = 6;

/** One shown symbol: its table index (0–63) with the emoji and its name. */
export interface SasSymbol extends SasEmoji {
  readonly index: number;
}

/** The short authentication string in both forms people compare aloud. */
export interface Sas {
  /** 7 emoji from the 64-entry table: the first 42 bits, 6 bits each, most significant first. */
  readonly emoji: readonly SasSymbol[];
  /** Three numbers 1000–9191: the first 39 bits, 13 bits each, plus 1000 (Matrix m.sas.v1 "decimal"). */
  readonly decimal: readonly [number, number, number];
}

/** Renders 6 SAS bytes as 7 emoji (42 bits) and three 4-digit numbers (39 bits), as Matrix m.sas.v1 does. */
export const sasFromBytes = (bytes: Uint8Array): Sas => {
  if (bytes.length !== SAS_BYTES)
    throw new Error(`expected Uint8Array of length ${SAS_BYTES}, got length=${bytes.length}`);
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0] = bytes;
  // 48 bits fit exactly in a double (< 2^53); bit 47 is the top bit of byte 0.
  let value = 0;
  for (const b of bytes) value = value * 256 + b;
  const emoji: SasSymbol[] = [];
  for (let i = 0; i < 7; i++) {
    const index = Math.floor(value / 2 ** (42 - 6 * i)) % 64;
    const entry = SAS_EMOJI[index];
    if (entry === undefined) throw new Error(`emoji index out of range: ${index}`);
    emoji.push(Object.freeze({ index, emoji: entry.emoji, name: entry.name }));
  }
  const decimal: [number, number, number] = [
    ((b0 << 5) | (b1 >> 3)) + 1000,
    (((b1 & 0x07) << 10) | (b2 << 2) | (b3 >> 6)) + 1000,
    (((b3 & 0x3f) << 7) | (b4 >> 1)) + 1000,
  ];
  return Object.freeze({ emoji: Object.freeze(emoji), decimal: Object.freeze(decimal) });
};

/** The code as one line of text, e.g. for logs or comparing two Sas values in tests: "Dog Cat … | 1234 5678 9012". */
export const formatSas = (sas: Sas): string => `${sas.emoji.map((s) => s.name).join(' ')} | ${sas.decimal.join(' ')}`;
