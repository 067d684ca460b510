import { type ReadonlySignal } from '@preact/signals';
import { type AppConfig } from '../core/app-config';
import type { Acquire } from '../core/rate-limit';
import type { Result } from '../core/result';
import { type RoomCode } from '../core/room-code';
import type { PasswordKdf } from '../adapters/kdf/types';
import type { MediaPort } from '../adapters/media/types';
import { type DeviceChoicesStore } from '../adapters/storage/device-choices-store';
import type { Signaling } from '../adapters/signaling/types';
import { type CallModel } from './call';
import { type LobbyModel } from './lobby';
/** The browser's address bar, behind an interface so tests can drive it. */
export interface Location {
    getHash(): string;
    /** Sets the fragment; `replace` rewrites the current history entry instead of adding one. */
    setHash(hash: string, replace?: boolean): void;
    onHashChange(listener: () => void): () => void;
}
export interface AppDeps {
    loadConfig: () => Promise<Result<AppConfig>>;
    signaling: Signaling;
    media: MediaPort;
    /** Remembered camera, microphone and speaker (in memory when not given). */
    deviceChoices?: DeviceChoicesStore;
    kdf: PasswordKdf;
    randomBytes: (n: number) => Uint8Array;
    location: Location;
    now: () => number;
    /** Persisted limit on entering rooms (5 a minute per browser). */
    joinLimiter: {
        tryAcquire(): Acquire;
    };
    /** Renders an instant for messages, in the person's locale. */
    formatTime: (ms: number) => string;
}
export type Screen = {
    name: 'home';
}
/** Before entering a room: camera and microphone preview, device pickers, "Join now". */
 | {
    name: 'lobby';
    code: RoomCode;
    lobby: LobbyModel;
} | {
    name: 'call';
    code: RoomCode;
    call: CallModel;
};
export interface StartOptions {
    lifetimeMinutes: number;
    /** Empty for no password. */
    password: string;
}
export interface AppModel {
    readonly screen: ReadonlySignal<Screen>;
    /** Config could not be loaded or is invalid: shown on every screen, calls cannot start. */
    readonly configError: ReadonlySignal<string | null>;
    /** The last refused room code, link or join attempt, as a sentence. */
    readonly codeError: ReadonlySignal<string | null>;
    readonly ready: Promise<void>;
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
export declare const CONFIG_MAX_AGE_MS: number;
/** The room code lives in the URL fragment (`#/CODE`), so it never reaches a server log. */
export declare const hashFor: (code: RoomCode) => string;
/** Routes between Home and a call from the URL fragment, owning the current call model. */
export declare const createAppModel: (deps: AppDeps) => AppModel;
