import { CROCKFORD_ALPHABET } from './base32.js';
import { err, ok, type Result } from './result.js';

// Format v1, 34 symbols of Crockford base32, shown as dash-separated groups of four:
//   32 symbols = one 160-bit number: [5-bit header][128-bit secret][27-bit expiry]
//     header = version (4 bits, = 1) << 1 | password flag
//     expiry = whole minutes since 2026-01-01T00:00:00Z (27 bits last until the year 2281)
//   2 check symbols c (0 ≤ c < 1021) chosen so that the whole 34-symbol number ≡ 0 (mod 1021).
// 1021 is prime and larger than 31, so a single substituted symbol (a change of d·32^k with
// 0 < |d| < 32) and an adjacent transposition (a change of (a−b)·31·32^k) can never keep the
// number divisible by 1021: both are always caught, in the body and in the check symbols alike.

/** Bytes of entropy in a room code: 128 bits, so relays that see the derived topic cannot brute-force it offline. */
export const ROOM_SECRET_BYTES = 16;
/** Symbols in a v1 code, check symbols included. */
export const ROOM_CODE_SYMBOLS = 34;
export const CODE_VERSION = 1;
const BODY_SYMBOLS = 32;
const CHECK_MODULUS = 1021n;
const EXPIRY_BITS = 27n;
/** Expiry is counted in minutes from here, so 27 bits last for centuries. */
export const EXPIRY_EPOCH_MS = Date.UTC(2026, 0, 1);
const MINUTE_MS = 60_000;
const MAX_EXPIRY_MINUTES = (1 << Number(EXPIRY_BITS)) - 1;

/** Lifetimes a creator can pick; one hour is the default. */
export const LIFETIMES_MINUTES = [15, 60, 24 * 60] as const;
export type LifetimeMinutes = (typeof LIFETIMES_MINUTES)[number];
export const DEFAULT_LIFETIME_MINUTES: LifetimeMinutes = 60;

/** A valid room code: what it carries and its canonical text form. */
export interface RoomCode {
  readonly version: number;
  readonly secret: Uint8Array;
  /** When the room stops accepting joins (ms since the Unix epoch, a whole minute). */
  readonly expiresAt: number;
  /** Whether the creator set a password (the password itself is never in the code). */
  readonly hasPassword: boolean;
  /** Canonical text: dash-separated groups of four, e.g. `2ABC-…-XY`. */
  readonly text: string;
}

/** Why a typed or pasted code was refused; each variant maps to a message a person can act on. */
export type RoomCodeError =
  | { kind: 'empty' }
  | { kind: 'length'; got: number; expected: number }
  | { kind: 'character'; char: string; position: number }
  | { kind: 'checksum' }
  | { kind: 'version'; version: number }
  | { kind: 'expired'; expiredAt: number };

const SYMBOL_VALUE = new Map([...CROCKFORD_ALPHABET].map((c, i) => [c, BigInt(i)]));

const toSymbols = (value: bigint, count: number): string => {
  let out = '';
  for (let i = count - 1; i >= 0; i--) out += CROCKFORD_ALPHABET[Number((value >> BigInt(5 * i)) & 31n)];
  return out;
};

const toNumber = (symbols: string): bigint => {
  let n = 0n;
  for (const ch of symbols) n = (n << 5n) | (SYMBOL_VALUE.get(ch) ?? 0n);
  return n;
};

const bytesToBigInt = (bytes: Uint8Array): bigint => bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
const bigIntToBytes = (n: bigint, length: number): Uint8Array => {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
};

const group = (symbols: string): string => symbols.match(/.{1,4}/g)?.join('-') ?? symbols;

/** Check symbols making body·32² + c divisible by 1021. */
const checkFor = (body: bigint): bigint => (CHECK_MODULUS - ((body << 10n) % CHECK_MODULUS)) % CHECK_MODULUS;

/** Rounds an expiry up to a whole minute and counts it from the code epoch. */
const expiryMinutes = (expiresAtMs: number): number => Math.ceil((expiresAtMs - EXPIRY_EPOCH_MS) / MINUTE_MS);

export interface NewRoomOptions {
  /** crypto.getRandomValues in the app; injected so tests can fix it. */
  randomBytes: (n: number) => Uint8Array;
  now: number;
  lifetimeMinutes: number;
  hasPassword: boolean;
}

/** Makes a fresh room code: 128 CSPRNG bits, an expiry `lifetimeMinutes` from `now`, and the password flag. */
export const generateRoomCode = (options: NewRoomOptions): RoomCode => {
  const secret = options.randomBytes(ROOM_SECRET_BYTES);
  if (secret.length !== ROOM_SECRET_BYTES)
    throw new Error(`expected ${ROOM_SECRET_BYTES} random bytes, got ${secret.length}`);
  if (!Number.isInteger(options.lifetimeMinutes) || options.lifetimeMinutes <= 0) {
    throw new Error(`expected a positive whole number of minutes, got ${options.lifetimeMinutes}`);
  }
  const minutes = expiryMinutes(options.now + options.lifetimeMinutes * MINUTE_MS);
  if (minutes < 0 || minutes > MAX_EXPIRY_MINUTES)
    throw new Error(`expiry out of range: ${minutes} minutes after the code epoch`);
  const header = BigInt((CODE_VERSION << 1) | (options.hasPassword ? 1 : 0));
  const body = (header << 155n) | (bytesToBigInt(secret) << EXPIRY_BITS) | BigInt(minutes);
  const text = toSymbols(body, BODY_SYMBOLS) + toSymbols(checkFor(body), 2);
  return {
    version: CODE_VERSION,
    secret: Uint8Array.from(secret),
    expiresAt: EXPIRY_EPOCH_MS + minutes * MINUTE_MS,
    hasPassword: options.hasPassword,
    text: group(text),
  };
};

/** The symbols a person meant: upper case, no spaces or dashes, I and L read as 1, O as 0 (Crockford's rules). */
const normalise = (input: string): string => {
  const hash = input.indexOf('#');
  const raw = (hash >= 0 ? input.slice(hash + 1) : input).replace(/^\/+/, '');
  return raw.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
};

/**
 * Parses what a person typed or pasted, a bare code or a whole link whose fragment is `#/<code>`,
 * and refuses it with the precise reason: empty, bad character (which, where), wrong length,
 * checksum ("looks like a typo"), unsupported version, or expired at `now`.
 */
export const parseRoomCode = (input: string, now: number): Result<RoomCode, RoomCodeError> => {
  const symbols = normalise(input);
  if (symbols.length === 0) return err({ kind: 'empty' });
  for (const [i, char] of [...symbols].entries()) {
    if (!SYMBOL_VALUE.has(char)) return err({ kind: 'character', char, position: i + 1 });
  }
  if (symbols.length !== ROOM_CODE_SYMBOLS)
    return err({ kind: 'length', got: symbols.length, expected: ROOM_CODE_SYMBOLS });
  if (toNumber(symbols) % CHECK_MODULUS !== 0n) return err({ kind: 'checksum' });
  const body = toNumber(symbols.slice(0, BODY_SYMBOLS));
  const header = Number(body >> 155n);
  const version = header >> 1;
  if (version !== CODE_VERSION) return err({ kind: 'version', version });
  const minutes = Number(body & ((1n << EXPIRY_BITS) - 1n));
  const expiresAt = EXPIRY_EPOCH_MS + minutes * MINUTE_MS;
  if (now >= expiresAt) return err({ kind: 'expired', expiredAt: expiresAt });
  return ok({
    version,
    secret: bigIntToBytes((body >> EXPIRY_BITS) & ((1n << 128n) - 1n), ROOM_SECRET_BYTES),
    expiresAt,
    hasPassword: (header & 1) === 1,
    text: group(symbols),
  });
};
