import { scrypt } from '@noble/hashes/scrypt.js';
import type { PasswordKdf } from './types';

/** The same scrypt on the calling thread with a small cost, for unit tests. */
export const createInlineKdf = (N = 2 ** 4): PasswordKdf => ({
  async derive(password, salt, signal) {
    signal?.throwIfAborted();
    return scrypt(password, salt, { N, r: 8, p: 1, dkLen: 32 });
  },
});
