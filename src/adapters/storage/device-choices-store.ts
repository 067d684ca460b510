import { NO_CHOICES, parseDeviceChoices, type DeviceChoices } from '../../core/device-choices';

/** Where the chosen devices are remembered. */
export interface DeviceChoicesStore {
  load(): DeviceChoices;
  save(choices: DeviceChoices): void;
}

/** Device choices in localStorage under `key`; unreadable or unavailable storage means "no choices". */
export const localDeviceChoices = (key: string, storage: Storage | undefined = globalThis.localStorage): DeviceChoicesStore => ({
  load() {
    try {
      const raw = storage?.getItem(key);
      return raw ? parseDeviceChoices(JSON.parse(raw) as unknown) : NO_CHOICES;
    } catch {
      return NO_CHOICES;
    }
  },
  save(choices) {
    try {
      storage?.setItem(key, JSON.stringify(choices));
    } catch {
      // Private mode or a full quota: the choice then holds for this page only.
    }
  },
});

/** Choices in memory (tests; or where nothing should be remembered). */
export const memoryDeviceChoices = (initial: DeviceChoices = NO_CHOICES): DeviceChoicesStore & { value: DeviceChoices } => {
  const store = {
    value: initial,
    load: () => store.value,
    save: (c: DeviceChoices) => void (store.value = c),
  };
  return store;
};
