import { computed } from '@preact/signals';
import { render } from 'preact';
import { JOIN_LIMIT, createSlidingWindowLimiter } from './core/rate-limit';
import { loadAppConfig } from './adapters/config';
import { createWorkerKdf } from './adapters/kdf/worker-kdf';
import { createBrowserLocation } from './adapters/location';
import { createServiceWorkerShell } from './adapters/pwa/service-worker-shell';
import { createUserMedia } from './adapters/media/user-media';
import { createTrysteroSignaling } from './adapters/signaling/trystero';
import { localStorageStore } from './adapters/storage/local-storage';
import { localDeviceChoices } from './adapters/storage/device-choices-store';
import { createAppModel } from './models/app';
import { createShellModel } from './models/shell';
import { App } from './ui/App';
import { formatTime } from './ui/format';

/** Composition root: real adapters → models → <App/>. */
export const mountApp = (root: HTMLElement) => {
  const now = () => Date.now();
  const app = createAppModel({
    loadConfig: () => loadAppConfig(),
    signaling: createTrysteroSignaling(),
    media: createUserMedia(),
    deviceChoices: localDeviceChoices('parley.devices'),
    kdf: createWorkerKdf(),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    location: createBrowserLocation(),
    now,
    joinLimiter: createSlidingWindowLimiter({ ...JOIN_LIMIT, store: localStorageStore('parley.join-attempts'), now }),
    formatTime,
  });
  // Leave on pagehide (not only beforeunload): the other side then sees us go in milliseconds, not ~13 s.
  addEventListener('pagehide', () => void app.dispose());
  const shell = createShellModel({ shell: createServiceWorkerShell(), inCall: computed(() => app.screen.value.name === 'call') });
  render(<App app={app} shell={shell} />, root);
  return app;
};
