import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n';

/** Asks for a password room's password; says so when a previous one met nobody. */
export const PasswordPrompt = ({ wrong, onSubmit }: { wrong: boolean; onSubmit: (password: string) => void }) => {
  const [value, setValue] = useState('');
  return (
    <form
      class="password"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(value);
      }}
    >
      <label for="call-password">{t('password.prompt')}</label>
      {wrong && (
        <p class="error" role="alert">
          {t('password.wrong')}
        </p>
      )}
      <div class="join__row">
        <input
          id="call-password"
          type="password"
          autocomplete="off"
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={value === ''}>
          {t('common.join')}
        </button>
      </div>
    </form>
  );
};
