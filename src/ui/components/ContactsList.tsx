import { useEffect, useState } from 'preact/hooks';
import type { AppModel } from '../../models/app';
import type { ContactProblem, ContactsModel, ContactView } from '../../models/contacts';
import { t } from '../i18n/i18n';
import { contactProblemText } from '../contact-problem-text';

const Row = ({ app, contacts, c }: { app: AppModel; contacts: ContactsModel; c: ContactView }) => {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(c.nickname);
  const [error, setError] = useState<ContactProblem | null>(null);
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
            {t('contacts.renameLabel', { name: c.nickname })}
          </label>
          <input id={`rename-${c.id}`} value={name} maxLength={40} onInput={(e) => setName(e.currentTarget.value)} />
          <button type="submit">{t('contacts.save')}</button>
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
        {t('contacts.call', { name: c.nickname })}
      </button>
      {!editing && (
        <button type="button" onClick={() => setEditing(true)}>
          {t('contacts.rename')}
        </button>
      )}
      <button type="button" class="danger" onClick={() => void contacts.forget(c.id)}>
        {t('contacts.forget', { name: c.nickname })}
      </button>
      {error && (
        <p class="error" role="alert">
          {contactProblemText(error)}
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
      <h2 id="contacts-title">{t('contacts.title')}</h2>
      {error && <p class="error">{contactProblemText(error)}</p>}
      <ul>
        {list.map((c) => (
          <Row key={c.id} app={app} contacts={contacts} c={c} />
        ))}
      </ul>
      <p class="help">{t('contacts.help')}</p>
    </section>
  );
};
