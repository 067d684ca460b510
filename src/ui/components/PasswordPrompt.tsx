import { useState } from 'preact/hooks';

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
      <label for="call-password">This room is protected by a password. Enter it to join.</label>
      {wrong && (
        <p class="error" role="alert">
          No one with that password answered. Check it with the other person and try again.
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
          Join
        </button>
      </div>
    </form>
  );
};
