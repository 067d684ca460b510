import { type DeviceChoices } from '../../core/device-choices';
/** Where the chosen devices are remembered. */
export interface DeviceChoicesStore {
    load(): DeviceChoices;
    save(choices: DeviceChoices): void;
}
/** Device choices in localStorage under `key`; unreadable or unavailable storage means "no choices". */
export declare const localDeviceChoices: (key: string, storage?: Storage | undefined) => DeviceChoicesStore;
/** Choices in memory (tests; or where nothing should be remembered). */
export declare const memoryDeviceChoices: (initial?: DeviceChoices) => DeviceChoicesStore & {
    value: DeviceChoices;
};
