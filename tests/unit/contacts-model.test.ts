// The remembered-contacts model over the in-memory store (the IndexedDB store is exercised in Chromium by
// tests/e2e/contacts.spec.ts): remember, list, rename, forget, ratchet, the secrets handed to verification,
// and the call-again room both people compute.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryContactStore } from '../../src/adapters/contacts/memory';
import { createContactsModel, MAX_REMEMBERED, type ContactProblem } from '../../src/models/contacts';
import { contactProblemText } from '../../src/ui/contact-problem-text';

const model = (now = () => Date.UTC(2026, 5, 1, 12)) => {
  const store = memoryContactStore();
  const contacts = createContactsModel({
    store: async () => store,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    now,
  });
  return { store, contacts };
};

describe('contacts model', () => {
  it('remembers, lists without secrets, renames and forgets', async () => {
    const { store, contacts } = model();
    const secret = new Uint8Array(32).fill(7);
    const added = await contacts.remember('  Bob   Smith ', secret);
    if (!added.ok) throw new Error(added.error.kind);
    expect(contacts.list.value).toEqual([{ id: added.value.id, nickname: 'Bob Smith', since: added.value.since }]);
    expect(JSON.stringify(contacts.list.value)).not.toContain('7,7');
    expect(store.records.get(added.value.id)?.current).toEqual(secret);
    expect(await contacts.secrets()).toEqual([{ contactId: added.value.id, slot: 'current', secret }]);

    expect((await contacts.rename(added.value.id, 'Robert')).ok).toBe(true);
    expect(contacts.nicknameOf(added.value.id)).toBe('Robert');
    expect((await contacts.rename(added.value.id, '\u202eevil')).ok).toBe(false);

    await contacts.forget(added.value.id);
    expect(contacts.list.value).toEqual([]);
    expect(store.records.size).toBe(0);
    expect(await contacts.secrets()).toEqual([]);
  });

  it('ratchets: previous ← the matched secret, current ← next; both are hinted', async () => {
    const { contacts } = model();
    const first = new Uint8Array(32).fill(1);
    const added = await contacts.remember('Bob', first);
    if (!added.ok) throw new Error(added.error.kind);
    const next = new Uint8Array(32).fill(2);
    await contacts.ratchet(added.value.id, first, next);
    const secrets = await contacts.secrets();
    expect(secrets.map((s) => [s.slot, s.secret[0]])).toEqual([
      ['current', 2],
      ['previous', 1],
    ]);
  });

  it('refuses a 17th contact (two hints each must fit the 32 slots)', async () => {
    const { contacts } = model();
    for (let i = 0; i < MAX_REMEMBERED; i++)
      expect((await contacts.remember(`P${i}`, new Uint8Array(32))).ok).toBe(true);
    expect((await contacts.remember('one more', new Uint8Array(32))).ok).toBe(false);
  });

  it('two people who hold the same secret compute the same call-again room in one window', async () => {
    let t = Date.UTC(2026, 5, 1, 12, 0, 5);
    const a = model(() => t);
    const b = model(() => t);
    const secret = new Uint8Array(randomBytes(32));
    const ra = await a.contacts.remember('Bob', secret);
    const rb = await b.contacts.remember('Alice', secret);
    if (!ra.ok || !rb.ok) throw new Error('remember failed');
    const codeA = await a.contacts.callAgainCode(ra.value.id);
    t += 9 * 60_000; // Bob presses nine minutes later, same window
    const codeB = await b.contacts.callAgainCode(rb.value.id);
    expect(codeA?.text).toBe(codeB?.text);
    expect(codeA && codeA.expiresAt - t).toBeLessThanOrEqual(11 * 60_000);
    t += 2 * 60_000; // next window: another room
    expect((await b.contacts.callAgainCode(rb.value.id))?.text).not.toBe(codeA?.text);
  });

  it('a store that refuses writes: forget and rename say so, a ratchet leaves the contact as it was', async () => {
    const { store, contacts } = model();
    const added = await contacts.remember('Bob', new Uint8Array(32).fill(1));
    if (!added.ok) throw new Error(added.error.kind);
    const refuse = async () => {
      throw new Error('QuotaExceededError');
    };
    store.put = refuse;
    store.remove = refuse;
    await contacts.forget(added.value.id);
    expect(contacts.list.value).toHaveLength(1);
    expect(contacts.error.value).toEqual({ kind: 'forget-failed', detail: 'QuotaExceededError' });
    // What the list shows, in English: the sentence from the catalog, the store's words as data.
    expect(contactProblemText(contacts.error.value as ContactProblem)).toBe(
      'Could not forget them here (QuotaExceededError).',
    );
    const renamed = await contacts.rename(added.value.id, 'Robert');
    expect(renamed).toEqual({ ok: false, error: { kind: 'rename-failed', detail: 'QuotaExceededError' } });
    expect(!renamed.ok && contactProblemText(renamed.error)).toBe('Could not rename them here (QuotaExceededError).');
    await contacts.ratchet(added.value.id, new Uint8Array(32).fill(1), new Uint8Array(32).fill(2));
    expect((await contacts.secrets()).map((s) => s.secret[0])).toEqual([1]);
  });
});
