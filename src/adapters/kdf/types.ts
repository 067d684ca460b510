/** Stretches a room password into a key; slow on purpose, so it runs off the main thread. */
export interface PasswordKdf {
  /** Aborting `signal` stops the work (the worker is terminated) and rejects with the abort reason. */
  derive(password: Uint8Array, salt: Uint8Array, signal?: AbortSignal): Promise<Uint8Array>;
}
