import { computed, effect } from '@preact/signals';
import { render } from 'preact';
import type { AppConfig, ConfigProblem } from './core/app-config';
import { JOIN_LIMIT, createSlidingWindowLimiter, type LimiterStore } from './core/rate-limit';
import type { Result } from './core/result';
import { loadAppConfig } from './adapters/config';
import { createWorkerKdf } from './adapters/kdf/worker-kdf';
import type { PasswordKdf } from './adapters/kdf/types';
import { createBrowserAddressBar } from './adapters/address-bar/browser';
import type { AddressBar } from './adapters/address-bar/types';
import { createServiceWorkerShell } from './adapters/pwa/service-worker-shell';
import type { AppShell } from './adapters/pwa/types';
import { createUserMedia } from './adapters/media/user-media';
import type { MediaPort } from './adapters/media/types';
import { createLazySignaling } from './adapters/signaling/lazy';
import type { Signaling } from './adapters/signaling/types';
import type { FileSaver } from './adapters/files/types';
import { localStorageStore } from './adapters/storage/local-storage';
import { localDeviceChoices } from './adapters/storage/device-choices-store';
import type { DeviceChoicesStore } from './adapters/storage/types';
import { createBrowserAttention } from './adapters/attention/browser';
import type { AttentionPort } from './adapters/attention/types';
import { createBrowserProbe } from './adapters/probe/browser';
import { createBrowserWakeLock } from './adapters/wake-lock/browser';
import type { WakeLockPort } from './adapters/wake-lock/types';
import type { ConnectionProbe } from './adapters/probe/types';
import type { ContactStore } from './adapters/contacts/types';
import { createAppModel } from './models/app';
import { createContactsModel } from './models/contacts';
import { createAttentionModel } from './models/attention';
import { createConnectionTestModel } from './models/connection-test';
import { createShellModel } from './models/shell';
import { createWakeLock } from './models/wake-lock';
import { App, preloadRoomScreens } from './ui/App';
import { initLanguage, t } from './ui/i18n/i18n';
import { formatTime } from './ui/format';

/** Every side effect the app has, as adapters: the browser's in mountApp, fakes in tests. */
export interface RootAdapters {
  loadConfig: (signal: AbortSignal) => Promise<Result<AppConfig, ConfigProblem>>;
  signaling: Signaling;
  media: MediaPort;
  deviceChoices: DeviceChoicesStore;
  kdf: PasswordKdf;
  addressBar: AddressBar;
  shell: AppShell;
  probe: ConnectionProbe;
  attention: AttentionPort;
  wakeLock: WakeLockPort;
  joinAttempts: LimiterStore;
  now: () => number;
  randomBytes: (n: number) => Uint8Array;
  /** Opens the remembered-contacts store (loaded on first use); absent, calls verify with v1 only. */
  contacts?: () => Promise<ContactStore>;
  /** Where received files go, loaded when a call connects; absent: calls carry no files. */
  fileSaver?: () => Promise<FileSaver>;
  /** Loads, when the page is idle, what a call needs the moment it connects (called on entering the lobby). */
  warmCall?: () => void;
  /** Runs work once the screen just rendered is painted (see AppDeps.afterPaint); absent: at once. */
  afterPaint?: (work: () => void) => void;
}

/**
 * The models and the effects between them, owned in one place: `dispose` aborts the config fetch,
 * stops every effect and disposes every model (the call too), once.
 */
export const createRoot = (a: RootAdapters) => {
  const life = new AbortController();
  // One fetch of config.json, shared by the app and the connection test.
  const config = a.loadConfig(life.signal);
  const app = createAppModel({
    loadConfig: () => config,
    signaling: a.signaling,
    media: a.media,
    deviceChoices: a.deviceChoices,
    kdf: a.kdf,
    randomBytes: a.randomBytes,
    addressBar: a.addressBar,
    now: a.now,
    joinLimiter: createSlidingWindowLimiter({ ...JOIN_LIMIT, store: a.joinAttempts, now: a.now }),
    ...(a.contacts && { contacts: createContactsModel({ store: a.contacts, randomBytes: a.randomBytes, now: a.now }) }),
    preloadRoom: preloadRoomScreens,
    ...(a.warmCall && { warmCall: a.warmCall }),
    ...(a.afterPaint && { afterPaint: a.afterPaint }),
    ...(a.fileSaver ? { fileSaver: a.fileSaver } : {}),
  });
  const shell = createShellModel({ shell: a.shell, inCall: computed(() => app.screen.value.name === 'call') });
  const connectionTest = createConnectionTestModel({ probe: a.probe, config: () => config });
  const attention = createAttentionModel(a.attention, () => ({ title: t('app.name'), body: t('attention.joined') }));
  // The screen stays on while talking (a phone would dim mid-call), not while waiting for someone.
  const wakeLock = createWakeLock({
    port: a.wakeLock,
    wanted: computed(() => {
      const s = app.screen.value;
      if (s.name !== 'call') return false;
      const kind = s.call.status.value.kind;
      return kind === 'connected' || kind === 'reconnecting';
    }),
  });
  const effects = [
    effect(() => {
      const s = app.screen.value;
      attention.partnerIs(s.name === 'call' ? s.call.partner.value : null);
    }),
  ];
  let disposed: Promise<void> | null = null;
  return {
    app,
    shell,
    connectionTest,
    attention,
    dispose: (): Promise<void> =>
      (disposed ??= (async () => {
        life.abort();
        effects.forEach((stop) => stop());
        wakeLock.dispose();
        shell.dispose();
        await app.dispose();
      })()),
  };
};

export type Root = ReturnType<typeof createRoot>;

const LANGUAGE_WAIT_MS = 1500;

/** The contacts store's and the file saver's code: opened where used, and warmed ahead (warmCallWhenIdle). */
const loadContactStore = () => import('./adapters/contacts/indexeddb');
const loadFileSaver = () => import('./adapters/files/save');

/** Preview up → warming starts (see warmCallWhenIdle). */
const WARM_AFTER_MS = 1_000;

/**
 * What the call screen and model load the moment a call connects: panels, the invite's QR encoder,
 * file transfer and its saver, connection stats, the verification session, the contacts store, and
 * the clock-time formatter (~30 ms to build the first one). Loaded and compiled while the lobby sits
 * idle, they no longer take main-thread time from connecting (measured: the joining page's renderer
 * was busy for most of the connect, and four rooms joining at once queue on two cores).
 * A failed load (offline) changes nothing: each is loaded again where it is used, and says so there.
 */
const warmCallWhenIdle = () => {
  const steps: Array<() => unknown> = [
    () => import('./ui/components/call-panels'),
    () => import('qr'),
    () => import('./models/file-transfer'),
    loadFileSaver,
    () => import('./core/connection-stats'),
    () => import('./core/verify-session'),
    loadContactStore,
    () => formatTime(Date.now()),
  ];
  const idle = (work: () => void) =>
    typeof requestIdleCallback === 'function' ? requestIdleCallback(work) : setTimeout(work, 50);
  // One at a time, each in its own idle period: together they would be one long task that a click
  // on "Join now" right after the preview appears would wait behind (Lighthouse counted 100+ ms).
  const next = () => {
    const step = steps.shift();
    if (step)
      idle(
        () =>
          void Promise.resolve(step())
            .catch(() => undefined)
            .then(next),
      );
  };
  // And not at once: the person looks at their preview for a moment first, and the page's own first
  // render settles meanwhile (started with the preview, it cost the Lobby ~5 Lighthouse points).
  setTimeout(next, WARM_AFTER_MS);
};

/** Past a hidden tab's missing frames, work waits at most this long for a paint. */
const PAINT_WAIT_MS = 100;

/**
 * Runs `work` in the task after the next frame (so after the screen just rendered is painted), or
 * after PAINT_WAIT_MS where no frame comes (a tab opened in the background paints nothing).
 */
const afterPaint = (work: () => void) => {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    work();
  };
  requestAnimationFrame(() => setTimeout(run, 0));
  setTimeout(run, PAINT_WAIT_MS);
};

/** Composition root: real adapters → models → <App/>. */
export const mountApp = (element: HTMLElement): Root => {
  // The language before the first render (the picker's remembered choice, else the browser's
  // preference), so nobody sees a flash of English; its catalog is precached, and a slow network
  // waits at most LANGUAGE_WAIT_MS before Home shows in English and switches when it arrives.
  const language = initLanguage(localStorageStore('parley.language'), navigator.languages, document.documentElement);
  const root = createRoot({
    loadConfig: (signal) => loadAppConfig(signal),
    signaling: createLazySignaling(() =>
      import('./adapters/signaling/trystero').then((m) => m.createTrysteroSignaling()),
    ),
    media: createUserMedia(),
    deviceChoices: localDeviceChoices('parley.devices'),
    kdf: createWorkerKdf(),
    addressBar: createBrowserAddressBar(),
    shell: createServiceWorkerShell(),
    probe: createBrowserProbe(),
    attention: createBrowserAttention(),
    wakeLock: createBrowserWakeLock(),
    joinAttempts: localStorageStore('parley.join-attempts'),
    now: () => Date.now(),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    // IndexedDB and its sealing code load on first use, not with the first page.
    contacts: () => loadContactStore().then((m) => m.openIndexedDbContacts()),
    fileSaver: () => loadFileSaver().then((m) => m.createBrowserFileSaver()),
    warmCall: warmCallWhenIdle,
    afterPaint,
  });
  // Leave on pagehide (not only beforeunload): the other side then sees us go in milliseconds, not ~13 s.
  addEventListener('pagehide', () => void root.dispose());
  const show = () =>
    render(
      <App app={root.app} shell={root.shell} connectionTest={root.connectionTest} attention={root.attention} />,
      element,
    );
  void Promise.race([language, new Promise((wait) => setTimeout(wait, LANGUAGE_WAIT_MS))]).then(show);
  return root;
};
