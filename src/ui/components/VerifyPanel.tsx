import type { WarningReason } from '../../core/verify-session';
import type { VerificationInfo, VerificationView } from '../../models/verification';
import { emojiUrl } from '../emoji-url';
import { t } from '../i18n/i18n';
import { emojiName } from '../i18n/emoji-names';

export type BadgeTone = 'neutral' | 'good' | 'warn' | 'bad';

/** The verification state in a word or two, always visible in the call header. */
export const verifyBadge = (v: VerificationView | null): { text: string; tone: BadgeTone } => {
  if (v === null) return { text: t('verify.badge.unverified'), tone: 'neutral' };
  switch (v.phase) {
    case 'starting':
    case 'idle':
    case 'exchanging':
      return { text: t('verify.badge.checking'), tone: 'neutral' };
    case 'comparing':
      return { text: t('verify.badge.compare'), tone: 'neutral' };
    case 'confirmed':
      return { text: t('verify.badge.confirmed'), tone: 'neutral' };
    case 'verified':
      return { text: t('verify.badge.verified'), tone: 'good' };
    case 'cancelled':
      if (v.reason === 'mismatched_sas') return { text: t('verify.badge.codesDiffer'), tone: 'bad' };
      return { text: t('verify.badge.intercepted'), tone: 'bad' };
    case 'warning':
      // Never neutral: a check that started and did not finish is what someone in the middle would cause.
      return { text: t('verify.badge.unfinished'), tone: 'warn' };
    case 'unavailable':
      return { text: t('verify.badge.unavailable'), tone: 'warn' };
  }
};

/** What happened to the check, in words; `by: 'peer'` is what arrived over the connection, which anyone in the middle can forge. */
const warningText = (reason: WarningReason, by: 'self' | 'peer'): string => {
  switch (reason) {
    case 'timeout':
      return t(by === 'self' ? 'verify.timeout.self' : 'verify.timeout.peer');
    case 'unexpected_message':
      return t(by === 'self' ? 'verify.unexpected.self' : 'verify.unexpected.peer');
    case 'certificate_changed':
      return t(by === 'self' ? 'verify.certificate.self' : 'verify.certificate.peer');
    case 'channel_lost':
      return t('verify.channelLost');
  }
};

const againHint = (info: VerificationInfo): string | null => {
  if (info.againInSeconds === 0) return null;
  return t('verify.againIn', { seconds: info.againInSeconds });
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
      <h2 id="verify-warning-title">{t('verify.failedTitle')}</h2>
      <p data-testid="verify-warning-why">
        {view.phase === 'warning'
          ? warningText(view.reason, view.by)
          : t('verify.noCertificates', { reason: view.message })}
      </p>
      <p>{t('verify.failedWhy')}</p>
      {info.ignoredRequests > 0 && <p class="help">{t('verify.ignoredRequests')}</p>}
      <div class="controls">
        <button type="button" class="primary" onClick={onAgain} disabled={info.againInSeconds > 0}>
          {t('verify.again')}
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
        {t('verify.restartedChecking')}
      </p>
    ) : null;
  }
  const { sas } = view;
  return (
    <section class="sheet verify" id="verify-sheet" aria-labelledby="verify-title" data-testid="verify-panel">
      <h2 id="verify-title">{t('verify.title')}</h2>
      {restartedByPeer && (
        <p class="notice" data-testid="verify-restarted">
          {t('verify.restartedNewCode')}
        </p>
      )}
      <p class="help">{t('verify.readAloud')}</p>
      <ol class="verify__emoji" data-testid="verify-emoji">
        {sas.emoji.map((e, i) => (
          <li key={i}>
            {/* A picture, not the system font: many systems have no colour emoji font and show empty boxes. */}
            <img class="verify__glyph" src={emojiUrl(e.emoji)} alt="" width="40" height="40" decoding="async" />
            <span class="verify__name">{emojiName(e.name)}</span>
          </li>
        ))}
      </ol>
      <p class="verify__numbers" data-testid="verify-numbers">
        {sas.decimal.join(' ')}
      </p>
      {view.phase === 'comparing' && (
        <div class="controls">
          <button type="button" class="primary" onClick={() => onAnswer(true)}>
            {t('verify.match')}
          </button>
          <button type="button" class="danger" onClick={() => onAnswer(false)}>
            {t('verify.noMatch')}
          </button>
        </div>
      )}
      {view.phase === 'confirmed' && <p class="help">{t('verify.waitingForThem')}</p>}
    </section>
  );
};
