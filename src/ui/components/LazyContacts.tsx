import { useEffect, useState } from 'preact/hooks';
import type { FunctionComponent } from 'preact';
import type { AppModel } from '../../models/app';
import type { ContactsModel } from '../../models/contacts';

type List = FunctionComponent<{ app: AppModel; contacts: ContactsModel }>;

/** The contact list, loaded after Home has rendered (its code and IndexedDB are not part of the first load). */
export const LazyContacts = ({ app }: { app: AppModel }) => {
  const [List, setList] = useState<List | null>(null);
  const contacts = app.contacts;
  useEffect(() => {
    if (!contacts) return;
    let live = true;
    void import('./ContactsList').then((m) => live && setList(() => m.ContactsList));
    return () => void (live = false);
  }, [contacts]);
  return List && contacts ? <List app={app} contacts={contacts} /> : null;
};
