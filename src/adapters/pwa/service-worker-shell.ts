import { trustedScriptURL } from '../trusted-script-url';
import type { AppShell } from './types';

/** Chromium's install offer (not in TypeScript's DOM lib): https://developer.mozilla.org/docs/Web/API/BeforeInstallPromptEvent */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/**
 * The real shell: registers `sw.js` (built by vite-plugin-pwa) beside index.html, with the directory
 * of index.html as its scope, so any host and any sub-path work. Registration waits for `load` so
 * the worker's precaching never competes with the first paint.
 */
export const createServiceWorkerShell = (baseURI: string = document.baseURI): AppShell => {
  const updateListeners = new Set<() => void>();
  const installListeners = new Set<(available: boolean) => void>();
  const onlineListeners = new Set<(online: boolean) => void>();
  let waiting: ServiceWorker | null = null;
  let offer: BeforeInstallPromptEvent | null = null;

  const announceWaiting = (worker: ServiceWorker) => {
    waiting = worker;
    updateListeners.forEach((l) => l());
  };

  const watch = (registration: ServiceWorkerRegistration) => {
    // A worker is "waiting" only when an older one controls the page: that is an update, not the first install.
    if (registration.waiting && navigator.serviceWorker.controller) announceWaiting(registration.waiting);
    registration.addEventListener('updatefound', () => {
      const incoming = registration.installing;
      incoming?.addEventListener('statechange', () => {
        if (incoming.state === 'installed' && navigator.serviceWorker.controller) announceWaiting(incoming);
      });
    });
  };

  const register = async () => {
    const hadController = navigator.serviceWorker.controller !== null;
    if (!hadController) {
      // First install: config.json was fetched before the worker existed, so its network-first cache is
      // empty. Fetch it once through the worker as soon as it controls the page, for the next offline start.
      navigator.serviceWorker.addEventListener(
        'controllerchange',
        () => void fetch(new URL('config.json', baseURI), { cache: 'no-store' }).catch(() => undefined),
        { once: true },
      );
    }
    const registration = await navigator.serviceWorker.register(trustedScriptURL(new URL('sw.js', baseURI)), {
      scope: './',
    });
    watch(registration);
  };

  if ('serviceWorker' in navigator) {
    const start = () =>
      void register().catch((e: unknown) => console.warn('Parley works without offline support here:', e));
    // At load, while the server that just served the page is surely reachable: a later attempt could
    // fall into a relay outage (the relay may serve the app too) and leave the page without offline support.
    if (document.readyState === 'complete') start();
    else addEventListener('load', start, { once: true });
  }

  addEventListener('beforeinstallprompt', (event) => {
    // Keep the browser's mini-infobar away: we show our own button, where the person can see it.
    event.preventDefault();
    offer = event as BeforeInstallPromptEvent;
    installListeners.forEach((l) => l(true));
  });
  addEventListener('appinstalled', () => {
    offer = null;
    installListeners.forEach((l) => l(false));
  });
  const fireOnline = () => onlineListeners.forEach((l) => l(navigator.onLine));
  addEventListener('online', fireOnline);
  addEventListener('offline', fireOnline);

  return {
    onUpdateReady(listener) {
      updateListeners.add(listener);
      if (waiting) listener();
      return () => void updateListeners.delete(listener);
    },
    applyUpdate() {
      if (!waiting) return;
      navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
      // Workbox's generated worker answers this message with skipWaiting().
      waiting.postMessage({ type: 'SKIP_WAITING' });
    },
    onInstallOffer(listener) {
      installListeners.add(listener);
      if (offer) listener(true);
      return () => void installListeners.delete(listener);
    },
    async install() {
      const current = offer;
      if (!current) return false;
      // An offer can be used once: the button goes away whatever the answer.
      offer = null;
      installListeners.forEach((l) => l(false));
      await current.prompt();
      return (await current.userChoice).outcome === 'accepted';
    },
    isOnline: () => navigator.onLine,
    onOnlineChange(listener) {
      onlineListeners.add(listener);
      return () => void onlineListeners.delete(listener);
    },
  };
};
