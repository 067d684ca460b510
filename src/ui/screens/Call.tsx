import { useEffect, useState } from 'preact/hooks';
import type { CallProps } from './CallScreen';
import { t } from '../i18n/i18n';

type Screen = typeof import('./CallScreen');
/** The call screen is its own chunk: Home's first load does not carry it. Loaded once, then kept. */
let screen: Screen | null = null;
let loading: Promise<Screen> | null = null;

/** Starts fetching the call screen (e.g. when the lobby shows) so it is there when the call starts. */
export const preloadCallScreen = (): Promise<Screen> => (loading ??= import('./CallScreen').then((m) => (screen = m)));

/**
 * The call: the screen itself arrives in its own chunk (from the cache after the first visit); until
 * then the status line is already there, so what the call is doing is never unsaid.
 */
export const Call = (p: CallProps) => {
  const [, setLoaded] = useState(screen !== null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (screen) return;
    preloadCallScreen().then(
      () => setLoaded(true),
      () => {
        // Offline without the cached chunk: say so, and let the next render try again.
        loading = null;
        setFailed(true);
      },
    );
  }, [failed]);
  if (screen) return <screen.CallScreen {...p} />;
  const status = p.call.status.value;
  return (
    <main class="call call--loading">
      <h1 class="visually-hidden">{t('app.callHeading')}</h1>
      <p class="status" role="status" aria-live="polite" data-testid="status" data-status={status.kind}>
        {failed ? t('call.loadFailed') : t('call.loading')}
      </p>
      {failed && (
        <button type="button" class="primary" onClick={() => setFailed(false)}>
          {t('common.tryAgain')}
        </button>
      )}
    </main>
  );
};
