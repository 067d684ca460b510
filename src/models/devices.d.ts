import { type ReadonlySignal } from '@preact/signals';
import type { DeviceControlPort, MediaDevice } from '../adapters/media/types';
/** The devices a picker offers, by kind. */
export interface DeviceLists {
    microphones: MediaDevice[];
    cameras: MediaDevice[];
    speakers: MediaDevice[];
}
export declare const NO_DEVICES: DeviceLists;
/** The device lists, kept current as devices come and go; labels appear once access was granted. */
export declare const watchDevices: (port: DeviceControlPort) => {
    lists: ReadonlySignal<DeviceLists>;
    refresh(): Promise<void>;
    dispose(): void;
};
/** Puts `next` in `stream` in place of `old` (either may be absent). */
export declare const swapInStream: (stream: MediaStream, old: MediaStreamTrack | null, next: MediaStreamTrack | null) => void;
