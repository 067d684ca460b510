import { useState } from 'preact/hooks';
import type { CallModel } from '../../models/call';

/**
 * "Remember this person", offered only after a call both people verified by reading the codes: a nickname
 * kept on this device only, so later calls with them are verified without codes.
 */
export const RememberPrompt = ({ call }: { call: CallModel }) => {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const c = call.continuity.value;
  if (c.kind === 'remembered')
    return (
      <p class="notice" data-testid="remembered">
        Remembered as {c.nickname}. Your next calls with them are verified without codes.
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
      <label for="remember-name">Remember this person on this device?</label>
      <input
        id="remember-name"
        autocomplete="off"
        placeholder="Their name"
        maxLength={40}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <button type="submit">Remember this person</button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p class="help">Nothing is sent anywhere. Next time, you both see their name instead of comparing codes.</p>
    </form>
  );
};
