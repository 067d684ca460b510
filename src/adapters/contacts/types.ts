/** A remembered contact as stored on this device (docs/verification.md §"Retained secrets"). */
export interface StoredContact {
  readonly id: string;
  readonly nickname: string;
  /** 32-byte retained secrets: the newest, and the one before it (null after the first call). */
  readonly current: Uint8Array;
  readonly previous: Uint8Array | null;
  /** When the person chose to remember them, and when the secrets last ratcheted (ms since the epoch). */
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Where remembered contacts live: on this device only, secrets wrapped at rest. */
export interface ContactStore {
  /** Every contact that could be read; a record that cannot be unwrapped is left out. */
  list(): Promise<StoredContact[]>;
  /** Adds or replaces the contact with this id. */
  put(contact: StoredContact): Promise<void>;
  remove(id: string): Promise<void>;
}
