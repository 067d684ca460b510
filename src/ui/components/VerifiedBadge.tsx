import type { CallModel } from '../../models/call';

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
        Verified — {c.nickname}
      </p>
    );
  if (c.kind !== 'broken') return null;
  return (
    <section class="verify verify--warning" role="alert" data-testid="continuity-warning">
      <h2>This may not be {c.nickname}</h2>
      <p>
        The other side said it was someone you remember, but could not prove it. Someone may be in the middle of this
        call, or pretending to be {c.nickname}. Compare the codes aloud before you say anything private; if they differ,
        end the call.
      </p>
    </section>
  );
};
