import { batch, signal, type ReadonlySignal } from '@preact/signals';
import type { DeviceChoices } from '../core/device-choices';
import type { DeviceControlPort, MediaProblem } from '../adapters/media/types';
import type { DeviceChoicesStore } from '../adapters/storage/types';
import type { SignalingRoom } from '../adapters/signaling/types';
import { swapInStream, watchDevices, type DeviceLists } from './devices';

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

/** What is being shown in place of the camera. */
interface Share {
  screen: MediaStreamTrack;
  /** The screen's sound, sent as an extra track, when the browser offered it. */
  audio: MediaStreamTrack | null;
  /** The camera, kept open for when sharing stops; null in an audio-only call. */
  camera: MediaStreamTrack | null;
  unwatch: () => void;
}

/** Mid-call device switching (replaceTrack: no renegotiation, no glitch on the far side) and screen sharing. */
export const createCallDevices = (deps: CallDevicesDeps): CallDevices => {
  const { port } = deps;
  const watcher = watchDevices(port);
  const choices = signal<DeviceChoices>(deps.store.load());
  const sharing = signal(false);
  const switchProblem = signal<MediaProblem | null>(null);
  let share: Share | null = null;
  let disposed = false;
  const latest = { audio: 0, video: 0 };

  /** Send `next` in place of `old` to the partner (a new partner gets the stream as it is then). */
  const sendInstead = (old: MediaStreamTrack, next: MediaStreamTrack) => {
    const partner = deps.partner.value;
    if (partner) deps.room()?.replaceTrack(old, next, partner);
  };

  const noteOpen = () => {
    const stream = deps.localStream.value;
    const mic = stream?.getAudioTracks()[0];
    const cam = share ? share.camera : stream?.getVideoTracks()[0];
    const micId = mic ? port.deviceIdOf(mic) : null;
    const camId = cam ? port.deviceIdOf(cam) : null;
    choices.value = { ...choices.value, ...(micId ? { microphone: micId } : {}), ...(camId ? { camera: camId } : {}) };
  };

  const switchTo = async (kind: 'audio' | 'video', id: string) => {
    const stream = deps.localStream.value;
    const current = kind === 'audio' ? stream?.getAudioTracks()[0] : share ? share.camera : stream?.getVideoTracks()[0];
    // Nothing of this kind is being sent (refused device, audio-only call): adding one would renegotiate.
    if (!stream || !current) return;
    const ticket = ++latest[kind];
    const next = await port.getTrack(kind, id);
    if (typeof next === 'string') {
      if (ticket === latest[kind]) switchProblem.value = next;
      return;
    }
    if (disposed || ticket !== latest[kind]) {
      next.stop();
      return;
    }
    next.enabled = kind === 'audio' ? deps.micOn.value : deps.cameraOn.value;
    // While sharing, the new camera waits aside; the screen stays on the wire.
    const live = kind === 'video' && share ? null : current;
    if (share && kind === 'video') share.camera = next;
    if (live) {
      swapInStream(stream, live, next);
      sendInstead(live, next);
    }
    current.stop();
    switchProblem.value = null;
    deps.store.save({ ...deps.store.load(), [kind === 'audio' ? 'microphone' : 'camera']: id });
    noteOpen();
  };

  const stopSharing = () => {
    const s = share;
    if (!s) return;
    share = null;
    s.unwatch();
    const stream = deps.localStream.value;
    const partner = deps.partner.value;
    const room = deps.room();
    if (s.camera) {
      s.camera.enabled = deps.cameraOn.value;
      if (stream) swapInStream(stream, s.screen, s.camera);
      sendInstead(s.screen, s.camera);
    } else {
      if (stream) swapInStream(stream, s.screen, null);
      if (partner) room?.removeTrack(s.screen, partner);
    }
    if (s.audio && partner) room?.removeTrack(s.audio, partner);
    s.screen.stop();
    s.audio?.stop();
    sharing.value = false;
  };

  void watcher.refresh();
  // A device picked in an earlier call is already in use: only what is open now matters.
  const stopWatchingStream = deps.localStream.subscribe((s) => s && noteOpen());

  return {
    lists: watcher.lists,
    choices,
    sharing,
    switchProblem,
    canShareScreen: port.canShareScreen,
    canChooseSpeaker: port.canChooseSpeaker,
    canPictureInPicture: port.canPictureInPicture,
    switchMicrophone: (id) => switchTo('audio', id),
    switchCamera: (id) => switchTo('video', id),
    chooseSpeaker(id) {
      choices.value = { ...choices.value, speaker: id };
      deps.store.save({ ...deps.store.load(), speaker: id });
    },
    async startSharing() {
      const stream = deps.localStream.value;
      if (share || !stream) return;
      const capture = await port.getDisplayMedia();
      if (!capture) return;
      if (disposed || share) {
        capture.video.stop();
        capture.audio?.stop();
        return;
      }
      const camera = stream.getVideoTracks()[0] ?? null;
      const partner = deps.partner.value;
      const room = deps.room();
      swapInStream(stream, camera, capture.video);
      if (camera) sendInstead(camera, capture.video);
      // No camera to stand in for (audio-only call): the screen is an extra track, part of the same stream.
      else if (partner) room?.addTrack(capture.video, stream, partner);
      if (capture.audio && partner) room?.addTrack(capture.audio, stream, partner);
      // The browser's own "Stop sharing" ends the track: back to the camera.
      const unwatch = port.onEnded(capture.video, stopSharing);
      share = { screen: capture.video, audio: capture.audio, camera, unwatch };
      batch(() => {
        sharing.value = true;
        switchProblem.value = null;
      });
    },
    stopSharing,
    sendExtras(peer) {
      const stream = deps.localStream.value;
      if (share?.audio && stream) deps.room()?.addTrack(share.audio, stream, peer);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      stopWatchingStream();
      watcher.dispose();
      const s = share;
      share = null;
      s?.unwatch();
      s?.screen.stop();
      s?.audio?.stop();
      s?.camera?.stop();
    },
  };
};
