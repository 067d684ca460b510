import { type ReadonlySignal } from '@preact/signals';
import type { DeviceChoices } from '../core/device-choices';
import type { LocalMedia, MediaPort, MediaProblem } from '../adapters/media/types';
import type { DeviceChoicesStore } from '../adapters/storage/device-choices-store';
import { type DeviceLists } from './devices';
/** What the lobby hands the call: the previewed camera and microphone (not reopened) and their on/off state. */
export interface LobbyHandOff {
    media: Promise<LocalMedia>;
    micOn: boolean;
    cameraOn: boolean;
}
export interface LobbyDeps {
    media: MediaPort;
    store: DeviceChoicesStore;
    onJoin: (handOff: LobbyHandOff) => void;
}
export interface LobbyModel {
    /** Our camera and microphone as they will be sent; null until the devices answer (or if none could be opened). */
    readonly preview: ReadonlySignal<MediaStream | null>;
    /** Why a device could not be opened (the call then goes on without it). */
    readonly problem: ReadonlySignal<MediaProblem | null>;
    /** The devices answered (granted or refused). */
    readonly ready: ReadonlySignal<boolean>;
    readonly devices: ReadonlySignal<DeviceLists>;
    /** The chosen devices (what is open, or the remembered choice); speaker is null for the default output. */
    readonly choices: ReadonlySignal<DeviceChoices>;
    readonly micOn: ReadonlySignal<boolean>;
    readonly cameraOn: ReadonlySignal<boolean>;
    readonly hasMic: ReadonlySignal<boolean>;
    readonly hasCamera: ReadonlySignal<boolean>;
    readonly canChooseSpeaker: boolean;
    toggleMic(): void;
    toggleCamera(): void;
    /** An audio-only call never opens the camera (and closes it if the preview had it open). */
    setAudioOnly(on: boolean): Promise<void>;
    chooseMicrophone(id: string): Promise<void>;
    chooseCamera(id: string): Promise<void>;
    chooseSpeaker(id: string): void;
    /** Enters the call with what the preview shows; the lobby is done afterwards. */
    join(): void;
    /** Leaving without joining closes the camera and microphone. */
    dispose(): void;
}
/** The lobby: previews camera and microphone with the remembered devices, lets the person pick devices and join. */
export declare const createLobbyModel: (deps: LobbyDeps) => LobbyModel;
