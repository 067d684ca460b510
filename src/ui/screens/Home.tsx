import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { DEFAULT_LIFETIME_MINUTES, LIFETIMES_MINUTES } from '../../core/room-code';
import type { AppModel } from '../../models/app';
import { formatDuration } from '../format';
import { LazyContacts } from '../components/LazyContacts';

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
      <h1>Parley</h1>
      <p class="lede">Private video calls between two people, straight from browser to browser.</p>
      <LazyContacts app={app} />
      <form
        class="start"
        onSubmit={(e) => {
          e.preventDefault();
          app.startCall({ lifetimeMinutes: lifetime, password });
        }}
      >
        <div class="start__row">
          <label for="lifetime">Link works for</label>
          <select id="lifetime" value={String(lifetime)} onChange={(e) => setLifetime(Number(e.currentTarget.value))}>
            {LIFETIMES_MINUTES.map((m) => (
              <option key={m} value={String(m)}>
                {formatDuration(m * 60_000)}
              </option>
            ))}
          </select>
        </div>
        <div class="start__row">
          <label for="room-password">Password (optional)</label>
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
          Never part of the link: tell it to the other person another way.
        </p>
        <button type="submit" class="primary" disabled={disabled}>
          Start a call
        </button>
      </form>
      <form
        class="join"
        onSubmit={(e) => {
          e.preventDefault();
          app.join(input);
        }}
      >
        <label for="join-code">Have a link or code?</label>
        <div class="join__row">
          <input
            id="join-code"
            name="code"
            autocomplete="off"
            spellcheck={false}
            placeholder="Paste a link or type a code"
            value={input}
            aria-invalid={codeError !== null}
            aria-describedby={codeError ? 'join-error' : undefined}
            onInput={(e) => setInput(e.currentTarget.value)}
          />
          <button type="submit" disabled={disabled}>
            Join
          </button>
        </div>
      </form>
      {codeError && (
        <p id="join-error" class="error" role="alert">
          {codeError}
        </p>
      )}
      {children}
    </main>
  );
};
