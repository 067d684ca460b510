import type { DeviceChoices } from '../../core/device-choices';

/** Where the chosen camera, microphone and speaker are remembered. */
export interface DeviceChoicesStore {
  load(): DeviceChoices;
  save(choices: DeviceChoices): void;
}
