import type { WarningReason } from '../../core/verify-session';
import type { VerificationInfo, VerificationView } from '../../models/verification';
import { emojiUrl } from '../emoji-url';

export type BadgeTone = 'neutral' | 'good' | 'warn' | 'bad';

/** The verification state in a word or two, always visible in the call header. */
export const verifyBadge = (v: VerificationView | null): { text: string; tone: BadgeTone } => {
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
      return { text: 'Connection intercepted', tone: 'bad' };
    case 'warning':
      // Never neutral: a check that started and did not finish is what someone in the middle would cause.
      return { text: 'Not verified: the check did not finish', tone: 'warn' };
    case 'unavailable':
      return { text: 'Not verified: cannot check here', tone: 'warn' };
  }
};

/** What happened to the check, in words; `by: 'peer'` is what arrived over the connection, which anyone in the middle can forge. */
const warningText = (reason: WarningReason, by: 'self' | 'peer'): string => {
  switch (reason) {
    case 'timeout':
      return by === 'self'
        ? 'The check got no answer for a minute.'
        : 'A message said the other side got no answer for a minute.';
    case 'unexpected_message':
      return by === 'self'
        ? 'The check received a message it did not expect.'
        : 'A message said the other side received something it did not expect.';
    case 'certificate_changed':
      return by === 'self'
        ? "The connection's security certificate changed after the check."
        : "A message said the connection's security certificate changed on the other side.";
    case 'channel_lost':
      return 'The connection carrying the check failed.';
  }
};

const againHint = (info: VerificationInfo): string | null => {
  if (info.againInSeconds === 0) return null;
  return `You can verify again in ${info.againInSeconds} s (at most 3 checks a minute).`;
};

/**
 * A check that started and did not complete: says so plainly, why it matters, and offers a new run. Shown
 * on both screens whatever ended it (a timeout, a cancel, an unexpected message, a changed certificate).
 */
export const VerifyWarning = ({
  view,
  info,
  onAgain,
}: {
  view: VerificationView;
  info: VerificationInfo;
  onAgain: () => void;
}) => {
  if (view.phase !== 'warning' && view.phase !== 'unavailable') return null;
  const hint = againHint(info);
  return (
    <section
      class="sheet verify verify--warning"
      role="alert"
      aria-labelledby="verify-warning-title"
      data-testid="verify-warning"
      data-reason={view.phase === 'warning' ? view.reason : 'unavailable'}
    >
      <h2 id="verify-warning-title">This call could not be verified</h2>
      <p data-testid="verify-warning-why">
        {view.phase === 'warning'
          ? warningText(view.reason, view.by)
          : `This browser could not read the connection's certificates (${view.message}).`}
      </p>
      <p>
        Someone may be in the middle of the connection, able to listen or to pass your audio and video along. Until the
        codes match, do not treat this call as private. Verify again; if it keeps failing, end the call and share a new
        link another way.
      </p>
      {info.ignoredRequests > 0 && (
        <p class="help">The other side asked to verify again too often; those requests were ignored.</p>
      )}
      <div class="controls">
        <button type="button" class="primary" onClick={onAgain} disabled={info.againInSeconds > 0}>
          Verify again
        </button>
      </div>
      {hint && (
        <p class="help" data-testid="verify-again-limit">
          {hint}
        </p>
      )}
    </section>
  );
};

/** Shows the code to read aloud (7 emoji with their names, and three numbers) and asks whether it matches. */
export const VerifyPanel = ({
  view,
  info,
  onAnswer,
}: {
  view: VerificationView;
  info?: VerificationInfo;
  onAnswer: (matches: boolean) => void;
}) => {
  const restartedByPeer =
    info?.startedBy === 'peer' &&
    (view.phase === 'starting' || view.phase === 'idle' || view.phase === 'exchanging' || view.phase === 'comparing');
  if (view.phase !== 'comparing' && view.phase !== 'confirmed' && view.phase !== 'verified') {
    return restartedByPeer ? (
      <p class="sheet notice" data-testid="verify-restarted">
        The other person asked to verify again. Checking…
      </p>
    ) : null;
  }
  const { sas } = view;
  return (
    <section class="sheet verify" id="verify-sheet" aria-labelledby="verify-title" data-testid="verify-panel">
      <h2 id="verify-title">Check that you are talking to each other directly</h2>
      {restartedByPeer && (
        <p class="notice" data-testid="verify-restarted">
          The other person asked to verify again: this is a new code.
        </p>
      )}
      <p class="help">Read the code aloud. The other person sees the same code unless someone is in the middle.</p>
      <ol class="verify__emoji" data-testid="verify-emoji">
        {sas.emoji.map((e, i) => (
          <li key={i}>
            {/* A picture, not the system font: many systems have no colour emoji font and show empty boxes. */}
            <img class="verify__glyph" src={emojiUrl(e.emoji)} alt="" width="40" height="40" decoding="async" />
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
      {view.phase === 'confirmed' && (
        <p class="help">You said they match. Waiting for the other person to say so too…</p>
      )}
    </section>
  );
};
