import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** The size of one SHA-256 digest. */
const DIGEST_BYTES = 32;

/**
 * A transferred file's digest: SHA-256 over the SHA-256 of each chunk, in order (a hash list over the
 * file protocol's fixed CHUNK_BYTES chunks; both sides cut the file at the same offsets, and the
 * receiver also checks every chunk's size and the total against the offer). A plain SHA-256 of the
 * whole file has to run in JavaScript, one byte after another, on the page's main thread (~180 MB/s
 * here, ~0.4 s per side for 64 MiB on a 2-core machine, a fifth of the file bench's throughput);
 * chunks can be hashed by the platform's SHA-256 (WebCrypto: native, off the main thread, several
 * at once), and only their digests are chained here.
 */
export const createFileDigest = () => {
  const top = sha256.create();
  return {
    /** The next chunk's SHA-256 (in the file's order). */
    add(chunkDigest: Uint8Array) {
      if (chunkDigest.byteLength !== DIGEST_BYTES) throw new Error('file digest: not a SHA-256 digest');
      top.update(chunkDigest);
    },
    /** The file's digest (hex), once every chunk was added. */
    hex: (): string => bytesToHex(top.digest()),
  };
};

export type FileDigest = ReturnType<typeof createFileDigest>;

/** The digest of a whole file held in memory (tests, and a reference for the definition above). */
export const fileDigestOf = (bytes: Uint8Array, chunkBytes: number): string => {
  const d = createFileDigest();
  for (let i = 0; i < bytes.byteLength; i += chunkBytes) d.add(sha256(bytes.subarray(i, i + chunkBytes)));
  return d.hex();
};
