import type { ShellModel } from '../../models/shell';

/** Offline notice, "Reload to update" and the install button; renders nothing when none applies. */
export const ShellBar = ({ shell }: { shell: ShellModel }) => {
  const offline = !shell.online.value;
  const update = shell.offerUpdate.value;
  const install = shell.canInstall.value;
  return (
    <>
      {/* Kept in the page (empty when online) so screen readers announce the change when it happens. */}
      <p class={offline ? 'banner' : 'visually-hidden'} role="status" data-testid="offline">
        {offline ? 'You are offline: Parley needs a network connection to place a call.' : ''}
      </p>
      {(update || install) && (
        <div class="shellbar">
          {update && (
            <p class="shellbar__update" role="status">
              A new version of Parley is ready.{' '}
              <button type="button" onClick={() => shell.applyUpdate()}>
                Reload to update
              </button>
            </p>
          )}
          {install && (
            <button type="button" onClick={() => void shell.install()}>
              Install Parley
            </button>
          )}
        </div>
      )}
    </>
  );
};
