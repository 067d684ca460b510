import { useState } from 'preact/hooks';
import type { AppModel } from '../../models/app';

/** Start a new call or join one from a code or link. */
export const Home = ({ app }: { app: AppModel }) => {
  const [input, setInput] = useState('');
  const disabled = app.configError.value !== null;
  const codeError = app.codeError.value;
  return (
    <main class="home">
      <h1>Parley</h1>
      <p class="lede">Private video calls between two people, straight from browser to browser.</p>
      <button type="button" class="primary" disabled={disabled} onClick={() => app.startCall()}>
        Start a call
      </button>
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
        {codeError && (
          <p id="join-error" class="error" role="alert">
            {codeError}
          </p>
        )}
      </form>
    </main>
  );
};
