import type { DisplayCapture, LocalMedia, MediaDevice, MediaPort, MediaProblem, MediaRequest } from './types';

/** A stand-in for MediaStreamTrack in Node: the models read kind/label, toggle `enabled`, stop, and watch `ended`. */
export class FakeTrack {
  enabled = true;
  readyState: 'live' | 'ended' = 'live';
  private endedListeners = new Set<() => void>();
  constructor(
    readonly kind: 'audio' | 'video',
    readonly label = `${kind}-default`,
  ) {}
  stop() {
    this.readyState = 'ended';
  }
  /** The device went away (or the browser's own "Stop sharing"): ends the track and tells listeners. */
  end() {
    this.readyState = 'ended';
    for (const l of [...this.endedListeners]) l();
    this.endedListeners.clear();
  }
  onEnded(listener: () => void) {
    this.endedListeners.add(listener);
    return () => void this.endedListeners.delete(listener);
  }
}

/** A stand-in for MediaStream holding these tracks. */
export const fakeStreamOf = (initial: FakeTrack[]): MediaStream => {
  let tracks = [...initial];
  const stream = {
    getTracks: () => [...tracks],
    getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
    getVideoTracks: () => tracks.filter((t) => t.kind === 'video'),
    addTrack: (t: FakeTrack) => void (tracks.includes(t) || tracks.push(t)),
    removeTrack: (t: FakeTrack) => void (tracks = tracks.filter((x) => x !== t)),
  };
  return stream as unknown as MediaStream;
};

const asTrack = (t: FakeTrack) => t as unknown as MediaStreamTrack;
const asFake = (t: MediaStreamTrack) => t as unknown as FakeTrack;

/**
 * Media for unit tests. `getLocalMedia` returns whatever LocalMedia the test hands it (given the
 * request), counting requests; devices, switching and screen capture work on FakeTracks.
 */
export const createFakeMedia = (result: (request: MediaRequest | undefined) => LocalMedia) => {
  let calls = 0;
  const requests: Array<MediaRequest | undefined> = [];
  const deviceListeners = new Set<() => void>();
  const state = {
    devices: [
      { kind: 'audioinput', id: 'mic-1', label: 'Mic one' },
      { kind: 'audioinput', id: 'mic-2', label: 'Mic two' },
      { kind: 'videoinput', id: 'cam-1', label: 'Camera one' },
      { kind: 'videoinput', id: 'cam-2', label: 'Camera two' },
      { kind: 'audiooutput', id: 'spk-1', label: 'Speaker one' },
    ] as MediaDevice[],
    /** What the next getTrack returns instead of a track (a busy or missing device). */
    trackProblem: null as MediaProblem | null,
    /** What the next screen capture returns; null is "cancelled". */
    display: (): DisplayCapture | null => ({ video: asTrack(new FakeTrack('video', 'screen')), audio: null }),
  };
  const port: MediaPort = {
    async getLocalMedia(request) {
      calls++;
      requests.push(request);
      return result(request);
    },
    async listDevices() {
      return state.devices;
    },
    onDevicesChange(listener) {
      deviceListeners.add(listener);
      return () => void deviceListeners.delete(listener);
    },
    async getTrack(kind, deviceId) {
      if (state.trackProblem) return state.trackProblem;
      return asTrack(new FakeTrack(kind, deviceId ?? `${kind}-default`));
    },
    deviceIdOf: (track) => asFake(track).label,
    async getDisplayMedia() {
      return state.display();
    },
    streamOf: (tracks) => fakeStreamOf(tracks.map(asFake)),
    onEnded: (track, listener) => asFake(track).onEnded(listener),
    canShareScreen: true,
    canChooseSpeaker: true,
    canPictureInPicture: true,
  };
  return {
    port,
    state,
    calls: () => calls,
    requests,
    /** Simulates plugging in or removing a device. */
    devicesChanged: () => deviceListeners.forEach((l) => l()),
  };
};
