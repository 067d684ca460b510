/// <reference types="vite/client" />
import { PASSWORD_KDF } from '../../core/kdf-protocol';
import kdfWorkerUrl from '../../workers/kdf.worker.ts?worker&url';
import { trustedScriptURL } from '../trusted-script-url';
import type { PasswordKdf } from './types';
import { createKdfBridge } from './worker-bridge';

/** scrypt (PASSWORD_KDF parameters) in a dedicated module Worker, one request at a time per call. */
export const createWorkerKdf = (
  params: { N: number; r: number; p: number; dkLen: number } = PASSWORD_KDF,
): PasswordKdf =>
  createKdfBridge({
    params,
    // `?worker&url` (not `new Worker(new URL(…))`) so the URL passes our Trusted Types policy first.
    spawn: () => new Worker(trustedScriptURL(new URL(kdfWorkerUrl, import.meta.url)), { type: 'module' }),
    // A User Timing entry: visible in devtools, and read by `npm run bench`.
    measured: (start) => performance.measure('parley:password-kdf', { start }),
  });
