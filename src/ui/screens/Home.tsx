import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { DEFAULT_LIFETIME_MINUTES, LIFETIMES_MINUTES } from '../../core/room-code';
import type { AppModel } from '../../models/app';
import { formatDuration } from '../format';
import { LazyContacts } from '../components/LazyContacts';
import { t } from '../i18n/i18n';
import { LanguagePicker } from '../components/LanguagePicker';
import { codeErrorText } from '../code-error-text';

/** Start a new call (lifetime, optional password) or join one from a code or link. */
export const Home = ({ app, children }: { app: AppModel; children?: ComponentChildren }) => {
  const [input, setInput] = useState('');
  const [lifetime, setLifetime] = useState<number>(DEFAULT_LIFETIME_MINUTES);
  const [password, setPassword] = useState('');
  const disabled = app.configError.value !== null;
  const codeError = app.codeError.value;
  return (
    // Any pointer or focus on Home is a sign a call is coming: load signaling then (idempotent).
    <main class="home" onPointerOver={app.warmUp} onFocusIn={app.warmUp} onTouchStart={app.warmUp}>
      <h1>{t('app.name')}</h1>
      <p class="lede">{t('home.lede')}</p>
      <LazyContacts app={app} />
      <form
        class="start"
        onSubmit={(e) => {
          e.preventDefault();
          app.startCall({ lifetimeMinutes: lifetime, password });
        }}
      >
        <div class="start__row">
          <label for="lifetime">{t('home.lifetime')}</label>
          <select id="lifetime" value={String(lifetime)} onChange={(e) => setLifetime(Number(e.currentTarget.value))}>
            {LIFETIMES_MINUTES.map((m) => (
              <option key={m} value={String(m)}>
                {formatDuration(m * 60_000)}
              </option>
            ))}
          </select>
        </div>
        <div class="start__row">
          <label for="room-password">{t('home.password')}</label>
          <input
            id="room-password"
            type="password"
            autocomplete="new-password"
            value={password}
            aria-describedby="password-help"
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <p id="password-help" class="help">
          {t('home.passwordHelp')}
        </p>
        <button type="submit" class="primary" disabled={disabled}>
          {t('home.start')}
        </button>
      </form>
      <form
        class="join"
        onSubmit={(e) => {
          e.preventDefault();
          app.join(input);
        }}
      >
        <label for="join-code">{t('home.haveCode')}</label>
        <div class="join__row">
          <input
            id="join-code"
            name="code"
            autocomplete="off"
            spellcheck={false}
            placeholder={t('home.codePlaceholder')}
            value={input}
            aria-invalid={codeError !== null}
            aria-describedby={codeError ? 'join-error' : undefined}
            onInput={(e) => setInput(e.currentTarget.value)}
          />
          <button type="submit" disabled={disabled}>
            {t('common.join')}
          </button>
        </div>
      </form>
      {codeError && (
        <p id="join-error" class="error" role="alert">
          {codeErrorText(codeError)}
        </p>
      )}
      {children}
      {/* Last, out of the way of starting a call; each language is named in itself, so anyone finds theirs. */}
      <LanguagePicker />
    </main>
  );
};
