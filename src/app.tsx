import { computed, effect } from '@preact/signals';
import { render } from 'preact';
import { JOIN_LIMIT, createSlidingWindowLimiter } from './core/rate-limit';
import { loadAppConfig } from './adapters/config';
import { createWorkerKdf } from './adapters/kdf/worker-kdf';
import { createBrowserAddressBar } from './adapters/address-bar/browser';
import { createServiceWorkerShell } from './adapters/pwa/service-worker-shell';
import { createUserMedia } from './adapters/media/user-media';
import { createTrysteroSignaling } from './adapters/signaling/trystero';
import { localStorageStore } from './adapters/storage/local-storage';
import { localDeviceChoices } from './adapters/storage/device-choices-store';
import { createBrowserAttention } from './adapters/attention/browser';
import { createBrowserProbe } from './adapters/probe/browser';
import { createAppModel } from './models/app';
import { createAttentionModel } from './models/attention';
import { createConnectionTestModel } from './models/connection-test';
import { createShellModel } from './models/shell';
import { App } from './ui/App';
import { formatTime } from './ui/format';

/** Composition root: real adapters → models → <App/>. */
export const mountApp = (root: HTMLElement) => {
  const now = () => Date.now();
  // One fetch of config.json, shared by the app and the connection test.
  const config = loadAppConfig();
  const app = createAppModel({
    loadConfig: () => config,
    signaling: createTrysteroSignaling(),
    media: createUserMedia(),
    deviceChoices: localDeviceChoices('parley.devices'),
    kdf: createWorkerKdf(),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    addressBar: createBrowserAddressBar(),
    now,
    joinLimiter: createSlidingWindowLimiter({ ...JOIN_LIMIT, store: localStorageStore('parley.join-attempts'), now }),
    formatTime,
  });
  // Leave on pagehide (not only beforeunload): the other side then sees us go in milliseconds, not ~13 s.
  addEventListener('pagehide', () => void app.dispose());
  const shell = createShellModel({ shell: createServiceWorkerShell(), inCall: computed(() => app.screen.value.name === 'call') });
  const connectionTest = createConnectionTestModel({ probe: createBrowserProbe(), config: () => config });
  const attention = createAttentionModel(createBrowserAttention());
  effect(() => {
    const s = app.screen.value;
    attention.partnerIs(s.name === 'call' ? s.call.partner.value : null);
  });
  render(<App app={app} shell={shell} connectionTest={connectionTest} attention={attention} />, root);
  return app;
};
