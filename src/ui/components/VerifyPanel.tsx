import type { VerificationView } from '../../models/verification';

/** The verification state in a word or two, always visible in the call header. */
export const verifyBadge = (v: VerificationView | null): { text: string; tone: 'neutral' | 'good' | 'bad' } => {
  if (v === null) return { text: 'Unverified', tone: 'neutral' };
  switch (v.phase) {
    case 'starting':
    case 'idle':
    case 'exchanging':
      return { text: 'Unverified: checking…', tone: 'neutral' };
    case 'comparing':
      return { text: 'Unverified: compare the codes', tone: 'neutral' };
    case 'confirmed':
      return { text: 'Unverified: waiting for them to confirm', tone: 'neutral' };
    case 'verified':
      return { text: 'Verified', tone: 'good' };
    case 'cancelled':
      if (v.reason === 'mismatched_sas') return { text: 'Codes differ', tone: 'bad' };
      if (v.reason === 'key_mismatch' || v.reason === 'mismatched_commitment' || v.reason === 'invalid_key') return { text: 'Connection intercepted', tone: 'bad' };
      return { text: v.reason === 'timeout' ? 'Unverified (timed out)' : 'Unverified (check failed)', tone: 'neutral' };
    case 'unavailable':
      return { text: 'Unverified (cannot check here)', tone: 'neutral' };
  }
};

/** Shows the code to read aloud (7 emoji with their names, and three numbers) and asks whether it matches. */
export const VerifyPanel = ({ view, onAnswer }: { view: VerificationView; onAnswer: (matches: boolean) => void }) => {
  if (view.phase !== 'comparing' && view.phase !== 'confirmed' && view.phase !== 'verified') return null;
  const { sas } = view;
  return (
    <section class="verify" aria-labelledby="verify-title" data-testid="verify-panel">
      <h2 id="verify-title">Check that you are talking to each other directly</h2>
      <p class="help">Read the code aloud. The other person sees the same code unless someone is in the middle.</p>
      <ol class="verify__emoji" data-testid="verify-emoji">
        {sas.emoji.map((e, i) => (
          <li key={i}>
            <span aria-hidden="true" class="verify__glyph">
              {e.emoji}
            </span>
            <span class="verify__name">{e.name}</span>
          </li>
        ))}
      </ol>
      <p class="verify__numbers" data-testid="verify-numbers">
        {sas.decimal.join(' ')}
      </p>
      {view.phase === 'comparing' && (
        <div class="controls">
          <button type="button" class="primary" onClick={() => onAnswer(true)}>
            They match
          </button>
          <button type="button" class="danger" onClick={() => onAnswer(false)}>
            They don't match
          </button>
        </div>
      )}
      {view.phase === 'confirmed' && <p class="help">You said they match. Waiting for the other person to say so too…</p>}
    </section>
  );
};
