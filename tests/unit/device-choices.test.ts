import { describe, expect, it } from 'vitest';
import { NO_CHOICES, parseDeviceChoices } from '../../src/core/device-choices';
import { localDeviceChoices } from '../../src/adapters/storage/device-choices-store';

/** A Storage in memory, enough for the store. */
const memoryStorage = (initial: Record<string, string> = {}) => {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    data,
  } as unknown as Storage & { data: Map<string, string> };
};

describe('remembered device choices', () => {
  it('keep well-formed ids and drop anything else', () => {
    expect(parseDeviceChoices({ microphone: 'm1', camera: 'c1', speaker: 's1', audioOnly: true })).toEqual({
      microphone: 'm1',
      camera: 'c1',
      speaker: 's1',
      audioOnly: true,
    });
    expect(parseDeviceChoices({ microphone: 42, camera: '', speaker: 'x'.repeat(257), audioOnly: 'yes' })).toEqual(
      NO_CHOICES,
    );
    expect(parseDeviceChoices(null)).toEqual(NO_CHOICES);
    expect(parseDeviceChoices('<script>')).toEqual(NO_CHOICES);
  });

  it('round-trip through storage; unreadable storage means no choices', () => {
    const storage = memoryStorage();
    const store = localDeviceChoices('k', storage);
    store.save({ microphone: 'm1', camera: null, speaker: null, audioOnly: true });
    expect(localDeviceChoices('k', storage).load()).toEqual({
      microphone: 'm1',
      camera: null,
      speaker: null,
      audioOnly: true,
    });
    expect(localDeviceChoices('k', memoryStorage({ k: '{not json' })).load()).toEqual(NO_CHOICES);
    expect(localDeviceChoices('k', undefined).load()).toEqual(NO_CHOICES);
  });
});
