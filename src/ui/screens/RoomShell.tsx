import { t } from '../i18n/i18n';

interface Props {
  /** The room's code needs a password next (said at once, as the lobby says it). */
  hasPassword: boolean;
  /** The room's screens could not be loaded. */
  failed: boolean;
  onRetry: () => void;
  onCancel: () => void;
}

/**
 * What a room shows at once while its screens' code is still on the way (a slow network, a busy
 * phone): the lobby's heading and layout, so the page is never blank and the person can still leave.
 */
export const RoomShell = ({ hasPassword, failed, onRetry, onCancel }: Props) => (
  <main class="lobby" data-testid="room-shell" aria-busy={!failed}>
    <h1>{t('lobby.title')}</h1>
    <p class="lede">
      {t('lobby.lede')}
      {hasPassword && ` ${t('lobby.passwordNext')}`}
    </p>
    {failed ? (
      <p class="error" role="alert">
        {t('room.loadFailed')}
      </p>
    ) : (
      <p class="help" role="status">
        {t('common.loading')}
      </p>
    )}
    <div class="controls">
      {failed && (
        <button type="button" class="primary" onClick={onRetry}>
          {t('common.tryAgain')}
        </button>
      )}
      <button type="button" onClick={onCancel}>
        {t('common.backHome')}
      </button>
    </div>
  </main>
);
