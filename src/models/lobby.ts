import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import type { DeviceChoices } from '../core/device-choices';
import type { LocalMedia, MediaPort, MediaProblem } from '../adapters/media/types';
import type { DeviceChoicesStore } from '../adapters/storage/types';
import { swapInStream, watchDevices, type DeviceLists } from './devices';

/** What the lobby hands the call: the previewed camera and microphone (not reopened) and their on/off state. */
export interface LobbyHandOff {
  media: Promise<LocalMedia>;
  micOn: boolean;
  cameraOn: boolean;
}

export interface LobbyDeps {
  media: MediaPort;
  store: DeviceChoicesStore;
  onJoin: (handOff: LobbyHandOff) => void;
}

export interface LobbyModel {
  /** Our camera and microphone as they will be sent; null until the devices answer (or if none could be opened). */
  readonly preview: ReadonlySignal<MediaStream | null>;
  /** Why a device could not be opened (the call then goes on without it). */
  readonly problem: ReadonlySignal<MediaProblem | null>;
  /** The devices answered (granted or refused). */
  readonly ready: ReadonlySignal<boolean>;
  readonly devices: ReadonlySignal<DeviceLists>;
  /** The chosen devices (what is open, or the remembered choice); speaker is null for the default output. */
  readonly choices: ReadonlySignal<DeviceChoices>;
  readonly micOn: ReadonlySignal<boolean>;
  readonly cameraOn: ReadonlySignal<boolean>;
  readonly hasMic: ReadonlySignal<boolean>;
  readonly hasCamera: ReadonlySignal<boolean>;
  readonly canChooseSpeaker: boolean;
  toggleMic(): void;
  toggleCamera(): void;
  /** An audio-only call never opens the camera (and closes it if the preview had it open). */
  setAudioOnly(on: boolean): Promise<void>;
  chooseMicrophone(id: string): Promise<void>;
  chooseCamera(id: string): Promise<void>;
  chooseSpeaker(id: string): void;
  /** Enters the call with what the preview shows; the lobby is done afterwards. */
  join(): void;
  /** Leaving without joining closes the camera and microphone. */
  dispose(): void;
}

/** The lobby: previews camera and microphone with the remembered devices, lets the person pick devices and join. */
export const createLobbyModel = (deps: LobbyDeps): LobbyModel => {
  const { media, store } = deps;
  const choices = signal<DeviceChoices>(store.load());
  const preview = signal<MediaStream | null>(null);
  const audioTrack = signal<MediaStreamTrack | null>(null);
  const videoTrack = signal<MediaStreamTrack | null>(null);
  const problem = signal<MediaProblem | null>(null);
  const ready = signal(false);
  const micOn = signal(true);
  const cameraOn = signal(true);
  const watcher = watchDevices(media);
  /** Joined (the tracks belong to the call now) or left (they were stopped). */
  let done = false;
  /** Joined while the devices were still being asked: the answer then goes to the call. */
  let joinedBeforeReady = false;
  /** Each switch of a kind gets a number: a slower earlier answer is dropped, not shown. */
  const latest = { audio: 0, video: 0 };

  const choose = (patch: Partial<DeviceChoices>) => {
    choices.value = { ...choices.value, ...patch };
    store.save(choices.value);
  };

  /** Records which devices are actually open: a remembered one may have been unplugged since. */
  const noteOpenDevices = () => {
    const mic = audioTrack.value && media.deviceIdOf(audioTrack.value);
    const cam = videoTrack.value && media.deviceIdOf(videoTrack.value);
    choices.value = { ...choices.value, ...(mic ? { microphone: mic } : {}), ...(cam ? { camera: cam } : {}) };
  };

  const acquired: Promise<void> = media
    .getLocalMedia({ audio: true, video: !choices.value.audioOnly, audioDevice: choices.value.microphone, videoDevice: choices.value.camera })
    .then(async (local) => {
      if (done && !joinedBeforeReady) {
        local.stream?.getTracks().forEach((t) => t.stop());
        return;
      }
      batch(() => {
        preview.value = local.stream;
        problem.value = local.problem;
        audioTrack.value = local.stream?.getAudioTracks()[0] ?? null;
        videoTrack.value = local.stream?.getVideoTracks()[0] ?? null;
        ready.value = true;
      });
      // The person may have switched things off before the devices answered.
      if (audioTrack.value) audioTrack.value.enabled = micOn.value;
      if (videoTrack.value) videoTrack.value.enabled = cameraOn.value;
      noteOpenDevices();
      // Labels are only listed once access was granted, so list after asking.
      await watcher.refresh();
    });

  /** Opens `deviceId` (null: the default) for `kind` and puts it in the preview in place of the current one. */
  const replace = async (kind: 'audio' | 'video', deviceId: string | null) => {
    await acquired;
    const ticket = ++latest[kind];
    const next = await media.getTrack(kind, deviceId);
    if (typeof next === 'string') {
      if (ticket === latest[kind] && !done) problem.value = next;
      return;
    }
    if (ticket !== latest[kind] || done) {
      next.stop();
      return;
    }
    const current = kind === 'audio' ? audioTrack : videoTrack;
    next.enabled = kind === 'audio' ? micOn.value : cameraOn.value;
    const old = current.value;
    batch(() => {
      if (preview.value) swapInStream(preview.value, old, next);
      else preview.value = media.streamOf([next]);
      current.value = next;
      problem.value = null;
    });
    old?.stop();
    noteOpenDevices();
    // A first grant (after a refusal) reveals the device labels.
    await watcher.refresh();
  };

  const handOffMedia = async (): Promise<LocalMedia> => {
    await acquired;
    const stream = preview.value;
    if (stream && stream.getTracks().length > 0) return { stream, problem: problem.value };
    return { stream: null, problem: problem.value ?? 'not-found' };
  };

  return {
    preview,
    problem,
    ready,
    devices: watcher.lists,
    choices,
    micOn,
    cameraOn,
    hasMic: computed(() => audioTrack.value !== null),
    hasCamera: computed(() => videoTrack.value !== null),
    canChooseSpeaker: media.canChooseSpeaker,
    toggleMic() {
      micOn.value = !micOn.value;
      if (audioTrack.value) audioTrack.value.enabled = micOn.value;
    },
    toggleCamera() {
      cameraOn.value = !cameraOn.value;
      if (videoTrack.value) videoTrack.value.enabled = cameraOn.value;
    },
    async setAudioOnly(on) {
      if (choices.value.audioOnly === on) return;
      choose({ audioOnly: on });
      if (!on) {
        await replace('video', choices.value.camera);
        return;
      }
      await acquired;
      // A camera switch still under way must not bring the camera back.
      latest.video++;
      const old = videoTrack.value;
      if (preview.value) swapInStream(preview.value, old, null);
      videoTrack.value = null;
      old?.stop();
    },
    async chooseMicrophone(id) {
      choose({ microphone: id });
      await replace('audio', id);
    },
    async chooseCamera(id) {
      choose({ camera: id });
      if (!choices.value.audioOnly) await replace('video', id);
    },
    chooseSpeaker(id) {
      choose({ speaker: id });
    },
    join() {
      if (done) return;
      done = true;
      joinedBeforeReady = !ready.value;
      watcher.dispose();
      deps.onJoin({ media: handOffMedia(), micOn: micOn.value, cameraOn: cameraOn.value });
    },
    dispose() {
      if (done) return;
      done = true;
      watcher.dispose();
      preview.value?.getTracks().forEach((t) => t.stop());
    },
  };
};
