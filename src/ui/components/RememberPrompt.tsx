import { useState } from 'preact/hooks';
import type { CallModel } from '../../models/call';
import type { ContactProblem } from '../../models/contacts';
import { t } from '../i18n/i18n';
import { contactProblemText } from '../contact-problem-text';

/**
 * "Remember this person", offered only after a call both people verified by reading the codes: a nickname
 * kept on this device only, so later calls with them are verified without codes.
 */
export const RememberPrompt = ({ call }: { call: CallModel }) => {
  const [name, setName] = useState('');
  const [error, setError] = useState<ContactProblem | null>(null);
  const c = call.continuity.value;
  if (c.kind === 'remembered')
    return (
      <p class="notice" data-testid="remembered">
        {t('remember.done', { name: c.nickname })}
      </p>
    );
  if (c.kind !== 'offer') return null;
  return (
    <form
      class="remember"
      data-testid="remember-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        void call.remember(name).then(setError);
      }}
    >
      <label for="remember-name">{t('remember.question')}</label>
      <input
        id="remember-name"
        autocomplete="off"
        placeholder={t('remember.placeholder')}
        maxLength={40}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <button type="submit">{t('remember.submit')}</button>
      {error && (
        <p class="error" role="alert">
          {contactProblemText(error)}
        </p>
      )}
      <p class="help">{t('remember.help')}</p>
    </form>
  );
};
