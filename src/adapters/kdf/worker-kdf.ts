import { PASSWORD_KDF } from '../../core/keys';
import { parseKdfResponse } from '../../core/kdf-protocol';
import kdfWorkerUrl from '../../workers/kdf.worker.ts?worker&url';
import { trustedScriptURL } from '../trusted-script-url';
import type { PasswordKdf } from './types';

/** scrypt (PASSWORD_KDF parameters) in a dedicated module Worker, one request at a time per call. */
export const createWorkerKdf = (params: { N: number; r: number; p: number; dkLen: number } = PASSWORD_KDF): PasswordKdf => ({
  derive(password, salt) {
    const start = performance.now();
    return new Promise((resolve, reject) => {
      // `?worker&url` (not `new Worker(new URL(…))`) so the URL passes our Trusted Types policy first.
      const worker = new Worker(trustedScriptURL(new URL(kdfWorkerUrl, import.meta.url)), { type: 'module' });
      const done = () => worker.terminate();
      worker.addEventListener('message', (event: MessageEvent<unknown>) => {
        const response = parseKdfResponse(event.data);
        done();
        // A User Timing entry: visible in devtools, and read by `npm run bench`.
        performance.measure('parley:password-kdf', { start });
        if (response?.ok) resolve(response.key);
        else reject(new Error(response ? response.error : 'password worker sent an unreadable answer'));
      });
      worker.addEventListener('error', (event) => {
        done();
        reject(new Error(`password worker failed: ${event.message}`));
      });
      worker.postMessage({ id: 1, password, salt, ...params });
    });
  },
});
