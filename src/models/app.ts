import { signal, type ReadonlySignal } from '@preact/signals';
import { DEFAULT_STRATEGY, type AppConfig } from '../core/app-config';
import type { Result } from '../core/result';
import { describeRoomCodeError, generateRoomCode, parseRoomCode, type RoomCode } from '../core/room-code';
import type { MediaDevicesPort } from '../adapters/media/types';
import type { Signaling } from '../adapters/signaling/types';
import { createCallModel, type CallModel } from './call';

/** The browser's address bar, behind an interface so tests can drive it. */
export interface Location {
  getHash(): string;
  setHash(hash: string): void;
  onHashChange(listener: () => void): () => void;
}

export interface AppDeps {
  loadConfig: () => Promise<Result<AppConfig>>;
  signaling: Signaling;
  media: MediaDevicesPort;
  randomBytes: (n: number) => Uint8Array;
  location: Location;
}

export type Screen = { name: 'home' } | { name: 'call'; code: RoomCode; call: CallModel };

export interface AppModel {
  readonly screen: ReadonlySignal<Screen>;
  /** Config could not be loaded or is invalid: shown on every screen, calls cannot start. */
  readonly configError: ReadonlySignal<string | null>;
  /** The last refused room code or link, as a sentence. */
  readonly codeError: ReadonlySignal<string | null>;
  readonly ready: Promise<void>;
  startCall(): void;
  /** Joins from a typed code or a pasted link. */
  join(input: string): void;
  goHome(): void;
  dispose(): Promise<void>;
}

/** The room code lives in the URL fragment (`#/CODE`), so it never reaches a server log. */
export const hashFor = (code: RoomCode): string => `#/${code.text}`;

/** Routes between Home and a call from the URL fragment, owning the current call model. */
export const createAppModel = (deps: AppDeps): AppModel => {
  const screen = signal<Screen>({ name: 'home' });
  const configError = signal<string | null>(null);
  const codeError = signal<string | null>(null);
  let config: AppConfig | null = null;

  const leaveCall = () => {
    const current = screen.value;
    if (current.name === 'call') void current.call.dispose();
  };

  const route = () => {
    const hash = deps.location.getHash().replace(/^#/, '');
    const current = screen.value;
    if (hash === '' || hash === '/') {
      leaveCall();
      screen.value = { name: 'home' };
      return;
    }
    const parsed = parseRoomCode(hash);
    if (!parsed.ok) {
      leaveCall();
      codeError.value = `That link does not hold a valid room code. ${describeRoomCodeError(parsed.error)}`;
      screen.value = { name: 'home' };
      return;
    }
    if (current.name === 'call' && current.code.text === parsed.value.text) return;
    leaveCall();
    if (!config) {
      screen.value = { name: 'home' };
      return;
    }
    codeError.value = null;
    screen.value = {
      name: 'call',
      code: parsed.value,
      call: createCallModel({ signaling: deps.signaling, media: deps.media, config, code: parsed.value }),
    };
  };

  // Opened from a link: the call starts as soon as config arrives, so fetch the (default) signaling
  // code alongside it rather than after it. A deployment on another strategy only wastes this prefetch.
  if (parseRoomCode(deps.location.getHash()).ok) deps.signaling.prepare(DEFAULT_STRATEGY);
  const ready = deps.loadConfig().then((result) => {
    if (result.ok) {
      config = result.value;
      // Most visits end in a call: fetch the signaling code now, after first paint, not on click.
      deps.signaling.prepare(config.strategy);
    } else configError.value = result.error;
    route();
  });
  const unlisten = deps.location.onHashChange(route);

  return {
    screen,
    configError,
    codeError,
    ready,
    startCall() {
      if (!config) return;
      deps.location.setHash(hashFor(generateRoomCode(deps.randomBytes)));
    },
    join(input) {
      const parsed = parseRoomCode(input);
      if (!parsed.ok) {
        codeError.value = describeRoomCodeError(parsed.error);
        return;
      }
      codeError.value = null;
      deps.location.setHash(hashFor(parsed.value));
    },
    goHome() {
      deps.location.setHash('');
    },
    async dispose() {
      unlisten();
      const current = screen.value;
      if (current.name === 'call') await current.call.dispose();
    },
  };
};
