import { effect, signal, type ReadonlySignal } from '@preact/signals';
import { DEFAULT_STRATEGY, type AppConfig, type ConfigProblem } from '../core/app-config';
import type { Acquire } from '../core/rate-limit';
import type { Result } from '../core/result';
import { generateRoomCode, parseRoomCode, type RoomCode, type RoomCodeError } from '../core/room-code';
import type { PasswordKdf } from '../adapters/kdf/types';
import type { MediaPort } from '../adapters/media/types';
import type { AddressBar } from '../adapters/address-bar/types';
import type { DeviceChoicesStore } from '../adapters/storage/types';
import type { Signaling } from '../adapters/signaling/types';
import type { CallModel } from './call';
import type { ContactsModel } from './contacts';
import type { FileSaver } from '../adapters/files/types';
import { createLobbyModel, type LobbyHandOff, type LobbyModel } from './lobby';

/**
 * The call model and everything under it (peers, admission, chat, verification) load on the way into
 * a room, not with Home: first load stays small. Asked for on intent and as a room is entered, so
 * it is there by the time "Join now" is clicked.
 */
const loadCallModel = () => import('./call');

export interface AppDeps {
  /** Loads config.json; aborting `signal` (the app model disposed) cancels the fetch. */
  loadConfig: (signal?: AbortSignal) => Promise<Result<AppConfig, ConfigProblem>>;
  signaling: Signaling;
  media: MediaPort;
  /** Remembered camera, microphone and speaker (app.tsx passes localStorage; tests pass memory). */
  deviceChoices: DeviceChoicesStore;
  kdf: PasswordKdf;
  randomBytes: (n: number) => Uint8Array;
  addressBar: AddressBar;
  now: () => number;
  /** Persisted limit on entering rooms (5 a minute per browser). */
  joinLimiter: { tryAcquire(): Acquire };
  /** Remembered contacts (parley-verify-v2); calls verify with v1 only without them. */
  contacts?: ContactsModel;
  /**
   * The person is about to enter a room (intent on Home, or a room code in the link): the composition
   * root starts loading the room's screens here, as the model loads the call model.
   */
  preloadRoom?: () => void;
  /**
   * The lobby's preview is up: the composition root loads, once the page is idle, what the call
   * screen and model load the moment a call connects, so connecting does not also compile them.
   */
  warmCall?: () => void;
  /** Where received files go (loaded with the file-transfer model, after a call connects); none: no file transfer. */
  fileSaver?: () => Promise<FileSaver>;
  /**
   * Runs `work` once the screen just rendered has been painted (the composition root's; none: at once).
   * A room's code is fetched after its first paint, not before: fetched with it, it made that paint
   * wait (Lighthouse counted ~0.4 s of first contentful paint on a phone for a link's lobby).
   */
  afterPaint?: (work: () => void) => void;
}

export type Screen =
  | { name: 'home' }
  /** Before entering a room: camera and microphone preview, device pickers, "Join now". */
  | { name: 'lobby'; code: RoomCode; lobby: LobbyModel }
  | { name: 'call'; code: RoomCode; call: CallModel };

export interface StartOptions {
  lifetimeMinutes: number;
  /** Empty for no password. */
  password: string;
}

/** A refused room code, link or join attempt, as a typed value the UI puts into words. */
export type CodeProblem =
  | { kind: 'code'; error: RoomCodeError; fromLink: boolean }
  | { kind: 'config'; problem: ConfigProblem }
  | { kind: 'too-many'; retryAt: number }
  | { kind: 'call-load-failed' };

export interface AppModel {
  readonly screen: ReadonlySignal<Screen>;
  /** Config could not be loaded or is invalid: shown on every screen, calls cannot start. */
  readonly configError: ReadonlySignal<ConfigProblem | null>;
  /** Why the last room code, link or join attempt was refused (the UI says it in the person's language). */
  readonly codeError: ReadonlySignal<CodeProblem | null>;
  readonly ready: Promise<void>;
  /** Remembered contacts, when this app has them. */
  readonly contacts: ContactsModel | null;
  startCall(options: StartOptions): void;
  /** The person is about to start or join (pointer or focus on Home): load the signaling code now. */
  warmUp(): void;
  /** Joins from a typed code or a pasted link. */
  join(input: string): void;
  goHome(): void;
  dispose(): Promise<void>;
}

/**
 * A config.json older than this is fetched again when a room is entered. Relay-issued TURN
 * credentials in it last 6 h, and an installed app can stay open for days.
 */
export const CONFIG_MAX_AGE_MS = 60 * 60 * 1000;

/** The room code lives in the URL fragment (`#/CODE`), so it never reaches a server log. */
export const hashFor = (code: RoomCode): string => `#/${code.text}`;

/** Routes between Home and a call from the URL fragment, owning the current call model. */
export const createAppModel = (deps: AppDeps): AppModel => {
  /** The app model's life: dispose aborts it, cancelling config fetches, and nothing routes afterwards. */
  const life = new AbortController();
  const screen = signal<Screen>({ name: 'home' });
  const afterPaint = deps.afterPaint ?? ((work: () => void) => work());
  const configError = signal<ConfigProblem | null>(null);
  const codeError = signal<CodeProblem | null>(null);
  let config: AppConfig | null = null;
  let configLoadedAt = 0;
  let refreshing = false;
  /** Fetches config.json again; a failure (offline, a bad deploy) keeps the config in use. */
  const refreshConfig = () => {
    if (refreshing) return;
    refreshing = true;
    void deps
      .loadConfig(life.signal)
      .then((result) => {
        if (!result.ok || life.signal.aborted) return;
        config = result.value;
        configLoadedAt = deps.now();
      })
      .catch(() => undefined)
      .finally(() => (refreshing = false));
  };
  // Chosen on this page by the creator; in memory only, never in the link or storage.
  const passwords = new Map<string, string>();
  const created = new Set<string>();

  const leaveCall = () => {
    const current = screen.value;
    if (current.name === 'call') void current.call.dispose();
    if (current.name === 'lobby') current.lobby.dispose();
  };

  /** Back to Home with the reason; the refused link leaves the address bar (and the history entry). */
  const refuse = (problem: CodeProblem) => {
    leaveCall();
    codeError.value = problem;
    screen.value = { name: 'home' };
    if (deps.addressBar.getHash() !== '') deps.addressBar.setHash('', true);
  };

  const route = () => {
    const hash = deps.addressBar.getHash().replace(/^#/, '');
    const current = screen.value;
    if (hash === '' || hash === '/') {
      leaveCall();
      screen.value = { name: 'home' };
      return;
    }
    const parsed = parseRoomCode(hash, deps.now());
    if (!parsed.ok) {
      refuse({ kind: 'code', error: parsed.error, fromLink: true });
      return;
    }
    // A config that failed to load is said on Home, where the banner explains it (no call can start).
    const failed = configError.value;
    if (!config && failed) {
      refuse({ kind: 'config', problem: failed });
      return;
    }
    const code = parsed.value;
    if (current.name !== 'home' && current.code.text === code.text) return;
    const allowed = deps.joinLimiter.tryAcquire();
    if (!allowed.ok) {
      refuse({ kind: 'too-many', retryAt: allowed.retryAt });
      return;
    }
    leaveCall();
    codeError.value = null;
    const password = passwords.get(code.text) ?? null;
    passwords.delete(code.text);
    if (config && deps.now() - configLoadedAt > CONFIG_MAX_AGE_MS) refreshConfig();
    const lobby = createLobbyModel({ media: deps.media, store: deps.deviceChoices, onJoin: (h) => void enter(h) });
    const enter = async (handOff: LobbyHandOff) => {
      // Both loaded since the lobby opened; only a very slow network makes "Join now" wait for them here.
      // (The freshest config at the moment of joining: a refresh may have landed during the lobby.)
      const [loaded, callConfig] = await Promise.all([
        loadCallModel().catch(() => null),
        config ?? configReady.then(() => config),
      ]);
      const stillHere = screen.value.name === 'lobby' && screen.value.lobby === lobby && !life.signal.aborted;
      if (!loaded || !callConfig || !stillHere) {
        // The lobby handed its camera and microphone over: nobody else will close them.
        handOff.local.stop();
        // (No config: its failure has already taken the person Home with the reason; see route.)
        if (stillHere && !loaded) refuse({ kind: 'call-load-failed' });
        return;
      }
      const { createCallModel } = loaded;
      screen.value = {
        name: 'call',
        code,
        call: createCallModel({
          signaling: deps.signaling,
          media: deps.media,
          kdf: deps.kdf,
          config: callConfig,
          code,
          password,
          isCreator: password !== null || created.has(code.text),
          now: deps.now,
          randomBytes: deps.randomBytes,
          local: handOff.local,
          devices: { port: deps.media, store: deps.deviceChoices },
          ...(deps.contacts && { contacts: deps.contacts }),
          ...(deps.fileSaver ? { fileSaver: deps.fileSaver } : {}),
        }),
      };
    };
    // Every room is entered through the lobby: the person sees (and picks) what they will send first.
    screen.value = { name: 'lobby', code, lobby };
    afterPaint(() => {
      preloadRoom();
      // Meanwhile, fetch the verification code: it is needed the moment the call connects.
      void import('../core/verify').catch(() => undefined);
    });
    // Once the preview shows (so never ahead of the lobby itself, nor of what the person first sees).
    // (The effect goes with the lobby if the preview never comes.)
    const warm = deps.warmCall;
    if (warm) {
      let warmed = false;
      const stop = effect(() => {
        if (warmed || !lobby.ready.value) return;
        warmed = true;
        warm();
        queueMicrotask(() => stop());
      });
    }
  };

  /** The room's screens (composition root) and the call model: asked for on the way into a room. */
  const preloadRoom = () => {
    deps.preloadRoom?.();
    loadCallModel().catch(() => undefined);
  };
  // Home loads the signaling code only once the person shows intent (warmUp), not at load:
  // evaluating it is ~100 ms of main-thread work that would delay a first visit's interactivity,
  // while a pointer or focus on the form comes well before the click that needs it.
  let wantsSignaling = false;
  const warmUp = () => {
    if (!wantsSignaling) preloadRoom();
    wantsSignaling = true;
    if (config) deps.signaling.prepare(config.strategy);
  };
  const configReady = deps.loadConfig(life.signal).then((result) => {
    if (life.signal.aborted) return;
    if (result.ok) {
      config = result.value;
      configLoadedAt = deps.now();
      if (wantsSignaling) deps.signaling.prepare(config.strategy);
    } else configError.value = result.error;
  });
  // A link opens its lobby at once, config or not: the page's first paint is the room the person was
  // sent to (not Home for a moment), and the camera preview starts while config.json is on the way;
  // only "Join now" needs the config (see enter). Once that first paint is done, the (default)
  // signaling code is fetched, not after the config: a deployment on another strategy only wastes it.
  // (route fetches the room's own code.)
  if (parseRoomCode(deps.addressBar.getHash(), deps.now()).ok)
    afterPaint(() => deps.signaling.prepare(DEFAULT_STRATEGY));
  route();
  // Routed again with the config: a failed one takes a link's lobby Home with the reason.
  const ready = configReady.then(() => {
    if (!life.signal.aborted) route();
  });
  const unlisten = deps.addressBar.onHashChange(route);
  let startPending = false;
  const start = ({ lifetimeMinutes, password }: StartOptions) => {
    const code = generateRoomCode({
      randomBytes: deps.randomBytes,
      now: deps.now(),
      lifetimeMinutes,
      hasPassword: password !== '',
    });
    created.add(code.text);
    if (password !== '') passwords.set(code.text, password);
    deps.addressBar.setHash(hashFor(code));
  };

  return {
    screen,
    configError,
    codeError,
    ready,
    contacts: deps.contacts ?? null,
    warmUp,
    startCall(options) {
      // A click that comes before config.json has arrived (a slow network, a busy phone) is kept, not
      // dropped: the call starts once the config is there. A failed config disables the button instead.
      if (!config) {
        if (!startPending) {
          startPending = true;
          void ready.then(() => {
            startPending = false;
            if (config) start(options);
          });
        }
        return;
      }
      start(options);
    },
    join(input) {
      const parsed = parseRoomCode(input, deps.now());
      if (!parsed.ok) {
        codeError.value = { kind: 'code', error: parsed.error, fromLink: false };
        return;
      }
      codeError.value = null;
      deps.addressBar.setHash(hashFor(parsed.value));
    },
    goHome() {
      deps.addressBar.setHash('');
    },
    async dispose() {
      if (life.signal.aborted) return;
      life.abort();
      unlisten();
      const current = screen.value;
      if (current.name === 'call') await current.call.dispose();
      if (current.name === 'lobby') current.lobby.dispose();
    },
  };
};
