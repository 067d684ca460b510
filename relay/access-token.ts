import { createHmac, timingSafeEqual } from 'node:crypto';

// Token format: `v1.<expiry-unix-seconds>.<base64url(HMAC-SHA-256(secret, "v1.<expiry>"))>`.
// Stateless: any relay process holding the secret can check it, so tokens work across several relays.
const TOKEN = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

const mac = (secret: Uint8Array, expiry: number): Buffer =>
  createHmac('sha256', secret).update(`v1.${expiry}`).digest();

/** Mints an access token valid until `expiryUnix` (seconds). */
export const mintAccessToken = (secret: Uint8Array, expiryUnix: number): string => {
  if (!Number.isSafeInteger(expiryUnix) || expiryUnix < 0)
    throw new Error(`expected a non-negative integer expiry, got ${expiryUnix}`);
  return `v1.${expiryUnix}.${mac(secret, expiryUnix).toString('base64url')}`;
};

export type TokenCheck = 'valid' | 'missing' | 'malformed' | 'bad-signature' | 'expired';

/** Checks a token against the secret and the clock (`nowUnix` in seconds). */
export const checkAccessToken = (secret: Uint8Array, token: string | null | undefined, nowUnix: number): TokenCheck => {
  if (token === null || token === undefined || token === '') return 'missing';
  const match = TOKEN.exec(token);
  if (match === null) return 'malformed';
  const expiry = Number(match[1]);
  const given = Buffer.from(match[2] ?? '', 'base64url');
  const expected = mac(secret, expiry);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad-signature';
  return expiry > nowUnix ? 'valid' : 'expired';
};
