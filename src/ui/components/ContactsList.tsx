import { useEffect, useState } from 'preact/hooks';
import type { AppModel } from '../../models/app';
import type { ContactsModel, ContactView } from '../../models/contacts';

const Row = ({ app, contacts, c }: { app: AppModel; contacts: ContactsModel; c: ContactView }) => {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(c.nickname);
  const [error, setError] = useState<string | null>(null);
  return (
    <li data-testid="contact" data-nickname={c.nickname}>
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void contacts.rename(c.id, name).then((r) => (r.ok ? setEditing(false) : setError(r.error)));
          }}
        >
          <label for={`rename-${c.id}`} class="visually-hidden">
            New name for {c.nickname}
          </label>
          <input id={`rename-${c.id}`} value={name} maxLength={40} onInput={(e) => setName(e.currentTarget.value)} />
          <button type="submit">Save</button>
        </form>
      ) : (
        <span class="contacts__name">{c.nickname}</span>
      )}
      <button
        type="button"
        class="primary"
        onClick={() =>
          void contacts.callAgainCode(c.id).then((code) => {
            if (code) app.join(code.text);
          })
        }
      >
        Call {c.nickname}
      </button>
      {!editing && (
        <button type="button" onClick={() => setEditing(true)}>
          Rename
        </button>
      )}
      <button type="button" class="danger" onClick={() => void contacts.forget(c.id)}>
        Forget {c.nickname}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
};

/** People this device remembers: call them without a link, rename or forget them. */
export const ContactsList = ({ app, contacts }: { app: AppModel; contacts: ContactsModel }) => {
  useEffect(() => void contacts.load(), [contacts]);
  const list = contacts.list.value;
  const error = contacts.error.value;
  if (list.length === 0 && !error) return null;
  return (
    <section class="contacts" aria-labelledby="contacts-title" data-testid="contacts">
      <h2 id="contacts-title">People you remember</h2>
      {error && <p class="error">{error}</p>}
      <ul>
        {list.map((c) => (
          <Row key={c.id} app={app} contacts={contacts} c={c} />
        ))}
      </ul>
      <p class="help">
        Kept on this device only. "Call" opens a room only the two of you can find: ask them to press "Call" too within
        ten minutes.
      </p>
    </section>
  );
};
