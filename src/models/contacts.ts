import { signal, type ReadonlySignal } from '@preact/signals';
import { errorDetail } from '../core/error-detail';
import { err, ok, type Result } from '../core/result';
import type { NicknameProblem } from '../core/nickname';
import type { RoomCode } from '../core/room-code';
import type { RetainedSecret } from '../core/verify-continuity';
import type { ContactStore, StoredContact } from '../adapters/contacts/types';

/** What screens see of a remembered contact: never its secrets. */
export interface ContactView {
  readonly id: string;
  readonly nickname: string;
  readonly since: number;
}

export interface ContactsDeps {
  /** Opens the store on first use (IndexedDB is loaded lazily: Home does not pay for it). */
  store: () => Promise<ContactStore>;
  randomBytes: (n: number) => Uint8Array;
  now: () => number;
}

/**
 * Why remembering, renaming or forgetting did not happen (the UI words it). `detail` is the storage's own
 * error (a browser's, e.g. "QuotaExceededError"), shown as data after the translated sentence.
 */
export type ContactProblem =
  | { kind: 'nickname'; problem: NicknameProblem }
  | { kind: 'full'; max: number }
  | { kind: 'gone' }
  | { kind: 'nothing-to-remember' }
  | { kind: 'unavailable' | 'remember-failed' | 'rename-failed' | 'forget-failed'; detail: string };

/** docs/verification.md: two secrets per contact must fit the 32 hint slots. */
export const MAX_REMEMBERED = 16;

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/**
 * The people this device remembers (parley-verify-v2): their nicknames for Home and the call screen, their
 * retained secrets for the verification step, remembering, ratcheting, renaming, forgetting, and the
 * "Call again" room. Secrets stay inside this model and the store.
 */
export const createContactsModel = (deps: ContactsDeps) => {
  const list = signal<ContactView[]>([]);
  const error = signal<ContactProblem | null>(null);
  let records = new Map<string, StoredContact>();
  let opened: Promise<ContactStore> | null = null;
  let loading: Promise<void> | null = null;
  const store = () => (opened ??= deps.store());

  const publish = () => {
    list.value = [...records.values()]
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((c) => ({ id: c.id, nickname: c.nickname, since: c.createdAt }));
  };

  const load = (): Promise<void> =>
    (loading ??= store()
      .then((s) => s.list())
      .then((all) => {
        records = new Map(all.map((c) => [c.id, c]));
        publish();
      })
      .catch((e: unknown) => {
        error.value = { kind: 'unavailable', detail: errorDetail(e) };
      }));

  const save = async (c: StoredContact) => {
    await (await store()).put(c);
    records.set(c.id, c);
    publish();
  };

  return {
    list: list as ReadonlySignal<ContactView[]>,
    error: error as ReadonlySignal<ContactProblem | null>,
    load,
    /** Every retained secret held, for the hints of a verification run. */
    async secrets(): Promise<RetainedSecret[]> {
      await load();
      const { secretsOf } = await import('../core/verify-continuity');
      return secretsOf([...records.values()]);
    },
    nicknameOf: (id: string): string | null => records.get(id)?.nickname ?? null,
    /** After a call both people verified by its codes: remember this person under `nickname`. */
    async remember(nickname: string, secret: Uint8Array): Promise<Result<ContactView, ContactProblem>> {
      const name = (await import('../core/nickname')).parseNickname(nickname);
      if (!name.ok) return err({ kind: 'nickname', problem: name.error });
      await load();
      if (records.size >= MAX_REMEMBERED) return err({ kind: 'full', max: MAX_REMEMBERED });
      const at = deps.now();
      const c: StoredContact = {
        id: hex(deps.randomBytes(16)),
        nickname: name.value,
        current: Uint8Array.from(secret),
        previous: null,
        createdAt: at,
        updatedAt: at,
      };
      await save(c);
      return ok({ id: c.id, nickname: c.nickname, since: at });
    },
    /** After a call verified by continuity: previous ← the secret that matched, current ← next. */
    async ratchet(id: string, used: Uint8Array | null, next: Uint8Array): Promise<void> {
      const c = records.get(id);
      if (!c) return; // forgotten meanwhile: nothing to continue
      // A failed write leaves this side one step behind: its `current` is the other side's `previous`, which
      // still matches next time (docs/verification.md §"Ratchet").
      await save({
        ...c,
        current: Uint8Array.from(next),
        previous: used ? Uint8Array.from(used) : null,
        updatedAt: deps.now(),
      }).catch(() => undefined);
    },
    async rename(id: string, nickname: string): Promise<Result<void, ContactProblem>> {
      const name = (await import('../core/nickname')).parseNickname(nickname);
      const c = records.get(id);
      if (!name.ok) return err({ kind: 'nickname', problem: name.error });
      if (!c) return err({ kind: 'gone' });
      try {
        await save({ ...c, nickname: name.value });
      } catch (e) {
        return err({ kind: 'rename-failed', detail: errorDetail(e) });
      }
      return ok(undefined);
    },
    async forget(id: string): Promise<void> {
      try {
        await (await store()).remove(id);
      } catch (e) {
        error.value = { kind: 'forget-failed', detail: errorDetail(e) };
        return;
      }
      records.delete(id);
      publish();
    },
    /** The room to meet this person in now, from the secret both hold (docs/verification.md §"Call again"). */
    async callAgainCode(id: string): Promise<RoomCode | null> {
      const c = records.get(id);
      if (!c) return null;
      const { callAgainCode } = await import('../core/call-again');
      return callAgainCode(c.current, deps.now());
    },
  };
};

export type ContactsModel = ReturnType<typeof createContactsModel>;
