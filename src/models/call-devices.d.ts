import { type ReadonlySignal } from '@preact/signals';
import type { DeviceChoices } from '../core/device-choices';
import type { DeviceControlPort, MediaProblem } from '../adapters/media/types';
import type { DeviceChoicesStore } from '../adapters/storage/device-choices-store';
import type { SignalingRoom } from '../adapters/signaling/types';
import { type DeviceLists } from './devices';
export interface CallDevicesDeps {
    port: DeviceControlPort;
    store: DeviceChoicesStore;
    /** The stream we send (its tracks are swapped in place, so the peer's stream stays the same one). */
    localStream: ReadonlySignal<MediaStream | null>;
    micOn: ReadonlySignal<boolean>;
    cameraOn: ReadonlySignal<boolean>;
    /** The room, once joined. */
    room: () => SignalingRoom | null;
    /** The person we are in a call with: only they get our tracks. */
    partner: ReadonlySignal<string | null>;
}
export interface CallDevices {
    readonly lists: ReadonlySignal<DeviceLists>;
    /** Devices in use (or chosen, for the speaker). */
    readonly choices: ReadonlySignal<DeviceChoices>;
    /** We are showing our screen in place of the camera. */
    readonly sharing: ReadonlySignal<boolean>;
    /** The last switch failed, and why (the previous device stays in use). */
    readonly switchProblem: ReadonlySignal<MediaProblem | null>;
    readonly canShareScreen: boolean;
    readonly canChooseSpeaker: boolean;
    readonly canPictureInPicture: boolean;
    switchMicrophone(id: string): Promise<void>;
    switchCamera(id: string): Promise<void>;
    chooseSpeaker(id: string): void;
    startSharing(): Promise<void>;
    stopSharing(): void;
    /** A new connection to `peer` was just given the local stream: send it what the stream does not carry (the shared screen's sound). */
    sendExtras(peer: string): void;
    /** Stops the screen capture and the camera kept aside for after it. */
    dispose(): void;
}
/** Mid-call device switching (replaceTrack: no renegotiation, no glitch on the far side) and screen sharing. */
export declare const createCallDevices: (deps: CallDevicesDeps) => CallDevices;
