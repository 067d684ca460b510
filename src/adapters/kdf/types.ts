/** Stretches a room password into a key; slow on purpose, so it runs off the main thread. */
export interface PasswordKdf {
  derive(password: Uint8Array, salt: Uint8Array): Promise<Uint8Array>;
}
