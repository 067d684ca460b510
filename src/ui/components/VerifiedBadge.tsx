import type { CallModel } from '../../models/call';
import { t } from '../i18n/i18n';

/**
 * Remembered contacts in the call (parley-verify-v2): "Verified — <nickname>" when the other side proved it
 * holds the secret this device shares with that person, and a loud warning when its hints claimed that
 * person but its proof failed ("this may not be <nickname>"; the codes are shown by the verify panel).
 */
export const VerifiedBadge = ({ call }: { call: CallModel }) => {
  const c = call.continuity.value;
  if (c.kind === 'recognised')
    return (
      <p class="badge badge--good" data-testid="verify-contact">
        {t('verify.contactVerified', { name: c.nickname })}
      </p>
    );
  if (c.kind !== 'broken') return null;
  return (
    <section class="verify verify--warning" role="alert" data-testid="continuity-warning">
      <h2>{t('verify.mayNotBe', { name: c.nickname })}</h2>
      <p>{t('verify.mayNotBeWhy', { name: c.nickname })}</p>
    </section>
  );
};
