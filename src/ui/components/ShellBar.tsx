import type { ShellModel } from '../../models/shell';
import { t } from '../i18n/i18n';

/** Offline notice, "Reload to update" and the install button; renders nothing when none applies. */
export const ShellBar = ({ shell }: { shell: ShellModel }) => {
  const offline = !shell.online.value;
  const update = shell.offerUpdate.value;
  const install = shell.canInstall.value;
  return (
    <>
      {/* Kept in the page (empty when online) so screen readers announce the change when it happens. */}
      <p class={offline ? 'banner' : 'visually-hidden'} role="status" data-testid="offline">
        {offline ? t('shell.offline') : ''}
      </p>
      {(update || install) && (
        <div class="shellbar">
          {update && (
            <p class="shellbar__update" role="status">
              {t('shell.updateReady')}{' '}
              <button type="button" onClick={() => shell.applyUpdate()}>
                {t('shell.reload')}
              </button>
            </p>
          )}
          {install && (
            <button type="button" onClick={() => void shell.install()}>
              {t('shell.install')}
            </button>
          )}
        </div>
      )}
    </>
  );
};
