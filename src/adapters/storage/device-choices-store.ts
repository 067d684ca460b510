import { localStorageStore } from './local-storage';
import { NO_CHOICES, parseDeviceChoices, type DeviceChoices } from '../../core/device-choices';
import type { DeviceChoicesStore } from './types';

/** Device choices in localStorage under `key`; unreadable or unavailable storage means "no choices". */
export const localDeviceChoices = (
  key: string,
  storage: Storage | undefined = globalThis.localStorage,
): DeviceChoicesStore => {
  // The same JSON-in-localStorage slot as the limiter's; what it holds is parsed here, at the edge.
  const slot = localStorageStore(key, storage);
  return {
    load() {
      const raw = slot.load();
      return raw === null ? NO_CHOICES : parseDeviceChoices(raw);
    },
    save: (choices) => slot.save(choices),
  };
};

/** Choices in memory (tests; or where nothing should be remembered). */
export const memoryDeviceChoices = (
  initial: DeviceChoices = NO_CHOICES,
): DeviceChoicesStore & { value: DeviceChoices } => {
  const store = {
    value: initial,
    load: () => store.value,
    save: (c: DeviceChoices) => void (store.value = c),
  };
  return store;
};
