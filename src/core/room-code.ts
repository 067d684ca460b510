import { decodeBase32, encodeBase32, CROCKFORD_ALPHABET } from './base32.js';
import { err, ok, type Result } from './result.js';

/** Bytes of entropy in a room code: 128 bits, so relays that see the derived topic cannot brute-force it offline. */
export const ROOM_SECRET_BYTES = 16;
/** 128 bits in base32 take 26 symbols. */
export const ROOM_CODE_SYMBOLS = 26;
const GROUP = 4;

/** A valid room code: the secret it carries and its canonical text form. */
export interface RoomCode {
  readonly secret: Uint8Array;
  /** Canonical text, dash-separated groups of Crockford base32, e.g. `7KQ2-...`. */
  readonly text: string;
}

/** Why a typed or pasted code was refused; each variant maps to a message a person can act on. */
export type RoomCodeError =
  | { kind: 'empty' }
  | { kind: 'length'; got: number; expected: number }
  | { kind: 'character'; char: string; position: number };

const format = (symbols: string): string => symbols.match(new RegExp(`.{1,${GROUP}}`, 'g'))?.join('-') ?? symbols;

/** Makes a fresh room code from `randomBytes` (crypto.getRandomValues in the app; injected so tests can fix it). */
export const generateRoomCode = (randomBytes: (n: number) => Uint8Array): RoomCode => {
  const secret = randomBytes(ROOM_SECRET_BYTES);
  if (secret.length !== ROOM_SECRET_BYTES) throw new Error(`expected ${ROOM_SECRET_BYTES} random bytes, got ${secret.length}`);
  return { secret: Uint8Array.from(secret), text: format(encodeBase32(secret)) };
};

/**
 * Parses what a person typed or pasted: a bare code or a whole link whose fragment is `#/<code>`.
 * Case-insensitive; spaces and dashes are ignored; I and L read as 1, O as 0 (Crockford's rules).
 */
export const parseRoomCode = (input: string): Result<RoomCode, RoomCodeError> => {
  const hash = input.indexOf('#');
  const raw = (hash >= 0 ? input.slice(hash + 1) : input).replace(/^\/+/, '');
  const symbols = raw
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (symbols.length === 0) return err({ kind: 'empty' });
  for (const [position, char] of [...symbols].entries()) {
    if (!CROCKFORD_ALPHABET.includes(char)) return err({ kind: 'character', char, position: position + 1 });
  }
  if (symbols.length !== ROOM_CODE_SYMBOLS) return err({ kind: 'length', got: symbols.length, expected: ROOM_CODE_SYMBOLS });
  const secret = decodeBase32(symbols, ROOM_SECRET_BYTES);
  // 26 symbols carry 130 bits; the last 2 must be zero, or two texts would name one secret.
  if (secret === null || encodeBase32(secret) !== symbols) {
    return err({ kind: 'character', char: symbols.slice(-1), position: ROOM_CODE_SYMBOLS });
  }
  return ok({ secret, text: format(symbols) });
};

/** The sentence shown for a refused code. */
export const describeRoomCodeError = (e: RoomCodeError): string => {
  switch (e.kind) {
    case 'empty':
      return 'Enter a room code or paste a link.';
    case 'length':
      return `A room code has ${e.expected} letters and digits; this one has ${e.got}. Check that nothing is missing.`;
    case 'character':
      return `"${e.char}" (at position ${e.position}) cannot appear in a room code. Check for a typo.`;
  }
};
