import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { createFileDigest, fileDigestOf } from '../../src/core/file-digest';
import { CHUNK_BYTES } from '../../src/core/file-protocol';

const random = (n: number) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536)));
  return b;
};

describe('file digest (SHA-256 over each chunk’s SHA-256)', () => {
  it('chunks hashed by WebCrypto, chained in order, give the digest of its definition', async () => {
    const bytes = random(3 * CHUNK_BYTES + 123);
    const d = createFileDigest();
    for (let i = 0; i < bytes.byteLength; i += CHUNK_BYTES)
      d.add(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.subarray(i, i + CHUNK_BYTES))));
    const hex = d.hex();
    expect(hex).toBe(fileDigestOf(bytes, CHUNK_BYTES));
    // By definition: SHA-256 of the concatenated chunk digests.
    const leaves = [0, 1, 2, 3].map((k) => sha256(bytes.subarray(k * CHUNK_BYTES, (k + 1) * CHUNK_BYTES)));
    const joined = new Uint8Array(leaves.length * 32);
    leaves.forEach((l, k) => joined.set(l, k * 32));
    expect(hex).toBe(bytesToHex(sha256(joined)));
  });

  it('any changed byte, or chunks in another order, give another digest', () => {
    const bytes = random(2 * CHUNK_BYTES);
    const good = fileDigestOf(bytes, CHUNK_BYTES);
    const flipped = Uint8Array.from(bytes);
    flipped[CHUNK_BYTES + 7] = (flipped[CHUNK_BYTES + 7] ?? 0) ^ 1;
    expect(fileDigestOf(flipped, CHUNK_BYTES)).not.toBe(good);
    const swapped = new Uint8Array(bytes.byteLength);
    swapped.set(bytes.subarray(CHUNK_BYTES), 0);
    swapped.set(bytes.subarray(0, CHUNK_BYTES), CHUNK_BYTES);
    expect(fileDigestOf(swapped, CHUNK_BYTES)).not.toBe(good);
  });

  it('refuses anything that is not a SHA-256 digest', () => {
    expect(() => createFileDigest().add(new Uint8Array(31))).toThrow(/not a SHA-256 digest/);
  });
});
