import { PASSWORD_KDF, parseKdfResponse } from '../../core/kdf-protocol';
import type { PasswordKdf } from './types';

/** The slice of a Worker the bridge uses (a fake in unit tests). */
export interface KdfWorkerPort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (event: { message: string }) => void): void;
  terminate(): void;
}

export interface KdfBridgeOptions {
  /** Starts a fresh worker (one per request: terminating it is how a request is cancelled). */
  spawn: () => KdfWorkerPort;
  params?: { N: number; r: number; p: number; dkLen: number };
  /** Called with the start time when a key arrives (a User Timing entry in the browser). */
  measured?: (start: number) => void;
  now?: () => number;
}

/** scrypt in a worker, one request per worker; aborting a request terminates its worker and rejects. */
export const createKdfBridge = (options: KdfBridgeOptions): PasswordKdf => ({
  derive(password, salt, signal) {
    const { params = PASSWORD_KDF, now = () => performance.now() } = options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const start = now();
      const worker = options.spawn();
      const onAbort = () => {
        worker.terminate();
        reject(signal?.reason);
      };
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        worker.terminate();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.addEventListener('message', (event) => {
        const response = parseKdfResponse(event.data);
        done();
        options.measured?.(start);
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
