import { signal, type ReadonlySignal } from '@preact/signals';
import type { DeviceControlPort, MediaDevice } from '../adapters/media/types';

/** The devices a picker offers, by kind. */
export interface DeviceLists {
  microphones: MediaDevice[];
  cameras: MediaDevice[];
  speakers: MediaDevice[];
}

export const NO_DEVICES: DeviceLists = { microphones: [], cameras: [], speakers: [] };

/** The device lists, kept current as devices come and go; labels appear once access was granted. */
export const watchDevices = (
  port: DeviceControlPort,
): { lists: ReadonlySignal<DeviceLists>; refresh(): Promise<void>; dispose(): void } => {
  const lists = signal<DeviceLists>(NO_DEVICES);
  const disposed = new AbortController();
  const refresh = async () => {
    const all = await port.listDevices();
    if (disposed.signal.aborted) return;
    lists.value = {
      microphones: all.filter((d) => d.kind === 'audioinput'),
      cameras: all.filter((d) => d.kind === 'videoinput'),
      speakers: port.canChooseSpeaker ? all.filter((d) => d.kind === 'audiooutput') : [],
    };
  };
  const stop = port.onDevicesChange(() => void refresh());
  return {
    lists,
    refresh,
    dispose() {
      disposed.abort();
      stop();
    },
  };
};

/** Puts `next` in `stream` in place of `old` (either may be absent). */
export const swapInStream = (stream: MediaStream, old: MediaStreamTrack | null, next: MediaStreamTrack | null) => {
  if (old) stream.removeTrack(old);
  if (next) stream.addTrack(next);
};
