import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import type { DeviceChoices } from '../core/device-choices';
import type { DeviceControlPort, MediaProblem } from '../adapters/media/types';
import type { DeviceChoicesStore } from '../adapters/storage/types';
import type { SignalingRoom } from '../adapters/signaling/types';
import { swapInStream, watchDevices, type DeviceLists } from './devices';
import type { LocalMediaModel } from './local-media';

export interface CallDevicesDeps {
  port: DeviceControlPort;
  store: DeviceChoicesStore;
  /** The camera and microphone we send (the stream's tracks are swapped in place, so the peer's stream stays the same one). */
  local: LocalMediaModel;
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
  /** Two cameras or more (a phone's front and back): the flip button cycles through them. */
  readonly canFlip: ReadonlySignal<boolean>;
  switchMicrophone(id: string): Promise<void>;
  switchCamera(id: string): Promise<void>;
  /** Switches to the next camera (front ↔ back on a phone), like picking it in the camera list. */
  flipCamera(): Promise<void>;
  chooseSpeaker(id: string): void;
  startSharing(): Promise<void>;
  stopSharing(): void;
  /** A new connection to `peer` was just given the local stream: send it what the stream does not carry (the shared screen's sound). */
  sendExtras(peer: string): void;
  /** Stops the screen capture (the camera kept aside is the local media's, stopped with it). */
  dispose(): void;
}

/** What is being shown in place of the camera. */
interface Share {
  screen: MediaStreamTrack;
  /** The screen's sound, sent as an extra track, when the browser offered it. */
  audio: MediaStreamTrack | null;
  unwatch: () => void;
}

/** Mid-call device switching (replaceTrack: no renegotiation, no glitch on the far side) and screen sharing. */
export const createCallDevices = (deps: CallDevicesDeps): CallDevices => {
  const { port, local } = deps;
  const watcher = watchDevices(port);
  const choices = signal<DeviceChoices>(deps.store.load());
  const sharing = signal(false);
  const switchProblem = signal<MediaProblem | null>(null);
  let share: Share | null = null;
  const disposed = new AbortController();

  /** Send `next` in place of `old` to the partner (a new partner gets the stream as it is then). */
  const sendInstead = (old: MediaStreamTrack, next: MediaStreamTrack) => {
    const partner = deps.partner.value;
    if (partner) deps.room()?.replaceTrack(old, next, partner);
  };

  const noteOpen = () => {
    const mic = local.audio.value;
    const cam = local.video.value;
    const micId = mic ? port.deviceIdOf(mic) : null;
    const camId = cam ? port.deviceIdOf(cam) : null;
    choices.value = { ...choices.value, ...(micId ? { microphone: micId } : {}), ...(camId ? { camera: camId } : {}) };
  };

  const switchTo = async (kind: 'audio' | 'video', id: string) => {
    const stream = local.stream.value;
    const current = kind === 'audio' ? local.audio.value : local.video.value;
    // Nothing of this kind is being sent (refused device, audio-only call): adding one would renegotiate.
    if (!stream || !current) return;
    const next = await local.open(kind, () => port.getTrack(kind, id));
    if (next === null) return;
    if (typeof next === 'string') {
      switchProblem.value = next;
      return;
    }
    if (disposed.signal.aborted) {
      next.stop();
      return;
    }
    // While sharing, the new camera waits aside; the screen stays on the wire.
    const aside = kind === 'video' && share !== null;
    if (!aside) sendInstead(current, next);
    local.use(kind, next, aside);
    switchProblem.value = null;
    deps.store.save({ ...deps.store.load(), [kind === 'audio' ? 'microphone' : 'camera']: id });
    noteOpen();
  };

  const stopSharing = () => {
    const s = share;
    if (!s) return;
    share = null;
    s.unwatch();
    const stream = local.stream.value;
    const partner = deps.partner.value;
    const room = deps.room();
    const camera = local.video.value;
    if (camera) {
      camera.enabled = local.cameraOn.value;
      if (stream) swapInStream(stream, s.screen, camera);
      sendInstead(s.screen, camera);
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
  const stopWatchingStream = local.stream.subscribe((s) => s && noteOpen());

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
    canFlip: computed(() => watcher.lists.value.cameras.length >= 2 && !sharing.value),
    flipCamera() {
      const cameras = watcher.lists.value.cameras;
      if (cameras.length < 2) return Promise.resolve();
      // A current camera not in the list (the browser does not say) counts as before the first one.
      const at = cameras.findIndex((c) => c.id === choices.value.camera);
      const next = cameras[(at + 1) % cameras.length];
      return next ? switchTo('video', next.id) : Promise.resolve();
    },
    chooseSpeaker(id) {
      choices.value = { ...choices.value, speaker: id };
      deps.store.save({ ...deps.store.load(), speaker: id });
    },
    async startSharing() {
      const stream = local.stream.value;
      if (share || !stream) return;
      const capture = await port.getDisplayMedia();
      if (!capture) return;
      if (disposed.signal.aborted || share) {
        capture.video.stop();
        capture.audio?.stop();
        return;
      }
      const camera = local.video.value;
      const partner = deps.partner.value;
      const room = deps.room();
      swapInStream(stream, camera, capture.video);
      if (camera) sendInstead(camera, capture.video);
      // No camera to stand in for (audio-only call): the screen is an extra track, part of the same stream.
      else if (partner) room?.addTrack(capture.video, stream, partner);
      if (capture.audio && partner) room?.addTrack(capture.audio, stream, partner);
      // The browser's own "Stop sharing" ends the track: back to the camera.
      const unwatch = port.onEnded(capture.video, stopSharing);
      share = { screen: capture.video, audio: capture.audio, unwatch };
      batch(() => {
        sharing.value = true;
        switchProblem.value = null;
      });
    },
    stopSharing,
    sendExtras(peer) {
      const stream = local.stream.value;
      if (share?.audio && stream) deps.room()?.addTrack(share.audio, stream, peer);
    },
    dispose() {
      if (disposed.signal.aborted) return;
      disposed.abort();
      stopWatchingStream();
      watcher.dispose();
      const s = share;
      share = null;
      s?.unwatch();
      s?.screen.stop();
      s?.audio?.stop();
      // The camera kept aside for after sharing is ours: the local media stops it with everything else.
    },
  };
};
