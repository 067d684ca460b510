// Remembered contacts in IndexedDB. Each record's nickname and secrets are sealed with AES-GCM under one
// non-extractable WebCrypto key that is itself kept in IndexedDB (structured clone keeps it non-extractable):
// page script can use it but never read its bytes, and a dump of the records alone reveals nothing. The
// record id is the GCM additional data, so sealed payloads cannot be swapped between records.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { ContactStore, StoredContact } from './types';

const DB_NAME = 'parley-contacts';
const CONTACTS = 'contacts';
const KEYS = 'keys';
const WRAP_KEY_ID = 'wrap';

interface SealedRecord {
  id: string;
  createdAt: number;
  updatedAt: number;
  iv: Uint8Array<ArrayBuffer>;
  sealed: ArrayBuffer;
}

const request = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });

const open = (idb: IDBFactory): Promise<IDBDatabase> =>
  new Promise((resolve, reject) => {
    const r = idb.open(DB_NAME, 1);
    r.onupgradeneeded = () => {
      r.result.createObjectStore(CONTACTS, { keyPath: 'id' });
      r.result.createObjectStore(KEYS);
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB could not be opened'));
  });

const wrapKey = async (db: IDBDatabase, subtle: SubtleCrypto): Promise<CryptoKey> => {
  const existing = await request(db.transaction(KEYS).objectStore(KEYS).get(WRAP_KEY_ID));
  if (existing instanceof CryptoKey) return existing;
  const key = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  // `add`, not `put`: if another tab created one meanwhile, keep theirs (its records are sealed under it).
  try {
    await request(db.transaction(KEYS, 'readwrite').objectStore(KEYS).add(key, WRAP_KEY_ID));
    return key;
  } catch {
    const theirs = await request(db.transaction(KEYS).objectStore(KEYS).get(WRAP_KEY_ID));
    if (theirs instanceof CryptoKey) return theirs;
    throw new Error('no contacts key');
  }
};

const text = new TextEncoder();
const untext = new TextDecoder();

/**
 * The browser's contact store. Nothing is created until the first contact is remembered: reading an
 * empty list (every call asks for hints) must leave no database and no key behind on a device whose
 * person never chose to remember anyone. Rejects where IndexedDB or WebCrypto is unavailable.
 */
export const openIndexedDbContacts = async (
  idb: IDBFactory = globalThis.indexedDB,
  crypto: Crypto = globalThis.crypto,
): Promise<ContactStore> => {
  let opened: Promise<{ db: IDBDatabase; key: CryptoKey }> | null = null;
  const openStore = () => (opened ??= open(idb).then(async (db) => ({ db, key: await wrapKey(db, crypto.subtle) })));
  /** Whether a store exists to read (browsers without `databases()` open it, as before). */
  const exists = async (): Promise<boolean> =>
    opened !== null || typeof idb.databases !== 'function' || (await idb.databases()).some((d) => d.name === DB_NAME);

  const seal = async (key: CryptoKey, c: StoredContact): Promise<SealedRecord> => {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const payload = JSON.stringify({
      nickname: c.nickname,
      current: bytesToHex(c.current),
      previous: c.previous ? bytesToHex(c.previous) : null,
    });
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: text.encode(c.id) },
      key,
      text.encode(payload),
    );
    return { id: c.id, createdAt: c.createdAt, updatedAt: c.updatedAt, iv, sealed };
  };

  /** Unseals one record; null when it does not open or does not hold what it should (never throws). */
  const unseal = async (key: CryptoKey, r: SealedRecord): Promise<StoredContact | null> => {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: r.iv, additionalData: text.encode(r.id) },
        key,
        r.sealed,
      );
      const p = JSON.parse(untext.decode(plain)) as { nickname?: unknown; current?: unknown; previous?: unknown };
      const hex64 = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
      if (typeof p.nickname !== 'string' || !hex64(p.current) || !(p.previous === null || hex64(p.previous)))
        return null;
      return {
        id: r.id,
        nickname: p.nickname,
        current: hexToBytes(p.current as string),
        previous: p.previous === null ? null : hexToBytes(p.previous as string),
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      };
    } catch {
      return null;
    }
  };

  return {
    async list() {
      if (!(await exists())) return [];
      const { db, key } = await openStore();
      const records = (await request(db.transaction(CONTACTS).objectStore(CONTACTS).getAll())) as SealedRecord[];
      const all = await Promise.all(records.map((r) => unseal(key, r)));
      return all.filter((c): c is StoredContact => c !== null).sort((a, b) => a.createdAt - b.createdAt);
    },
    async put(c) {
      const { db, key } = await openStore();
      const record = await seal(key, c);
      await request(db.transaction(CONTACTS, 'readwrite').objectStore(CONTACTS).put(record));
    },
    async remove(id) {
      if (!(await exists())) return;
      const { db } = await openStore();
      await request(db.transaction(CONTACTS, 'readwrite').objectStore(CONTACTS).delete(id));
    },
  };
};
