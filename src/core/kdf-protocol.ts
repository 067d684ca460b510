/** scrypt cost for room passwords: OWASP's minimum for scrypt (N=2^17, r=8, p=1; 128 MiB, ~1 s), run in a Worker. */
export const PASSWORD_KDF = { N: 2 ** 17, r: 8, p: 1, dkLen: 32 } as const;

/** A request to the password-KDF worker. */
export interface KdfRequest {
  id: number;
  password: Uint8Array;
  salt: Uint8Array;
  N: number;
  r: number;
  p: number;
  dkLen: number;
}

/** The worker's answer: the derived key, or why it failed. */
export type KdfResponse = { id: number; ok: true; key: Uint8Array } | { id: number; ok: false; error: string };

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Parses a message posted to the worker (only our own page posts, but parse at the edge all the same). */
export const parseKdfRequest = (raw: unknown): KdfRequest | null => {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const { id, password, salt, N, r: blockSize, p, dkLen } = r;
  if (!isCount(id) && id !== 0) return null;
  if (!isBytes(password) || !isBytes(salt) || !isCount(N) || !isCount(blockSize) || !isCount(p) || !isCount(dkLen))
    return null;
  return { id: id as number, password, salt, N, r: blockSize, p, dkLen };
};

/** Parses the worker's answer. */
export const parseKdfResponse = (raw: unknown): KdfResponse | null => {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (typeof r['id'] !== 'number') return null;
  if (r['ok'] === true && isBytes(r['key'])) return { id: r['id'], ok: true, key: r['key'] };
  if (r['ok'] === false && typeof r['error'] === 'string') return { id: r['id'], ok: false, error: r['error'] };
  return null;
};
