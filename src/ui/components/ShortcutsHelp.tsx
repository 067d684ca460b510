import { useEffect, useRef } from 'preact/hooks';
import { SHORTCUTS } from '../shortcuts';
import { t } from '../i18n/i18n';

/** The keyboard shortcuts in a modal dialog: Escape or "Close" closes it, and focus goes back where it was. */
export const ShortcutsHelp = ({ open, onClose }: { open: boolean; onClose: () => void }) => {
  const ref = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);

  const closed = () => {
    onClose();
    returnTo.current?.focus();
    returnTo.current = null;
  };

  return (
    <dialog ref={ref} class="shortcuts" aria-labelledby="shortcuts-title" data-testid="shortcuts-help" onClose={closed}>
      <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
      <dl class="shortcuts__list">
        {SHORTCUTS.map((s) => (
          <div key={s.key} class="shortcuts__item">
            <dt>
              <kbd>{s.key}</kbd>
            </dt>
            <dd>{t(s.description)}</dd>
          </div>
        ))}
      </dl>
      <p class="help">{t('shortcuts.ignoredWhileTyping')}</p>
      <button type="button" onClick={() => ref.current?.close()}>
        {t('common.close')}
      </button>
    </dialog>
  );
};
