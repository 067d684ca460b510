import { signal, type ReadonlySignal } from '@preact/signals';
import type { DeviceChoices } from '../core/device-choices';
import type { MediaPort } from '../adapters/media/types';
import type { DeviceChoicesStore } from '../adapters/storage/types';
import { watchDevices, type DeviceLists } from './devices';
import { createLocalMedia, type LocalMediaModel } from './local-media';

/** What the lobby hands the call: the previewed camera and microphone (not reopened), with their on/off state. */
export interface LobbyHandOff {
  local: LocalMediaModel;
}

export interface LobbyDeps {
  media: MediaPort;
  store: DeviceChoicesStore;
  onJoin: (handOff: LobbyHandOff) => void;
}

export interface LobbyModel
  extends Pick<
    LocalMediaModel,
    'problem' | 'ready' | 'micOn' | 'cameraOn' | 'hasMic' | 'hasCamera' | 'toggleMic' | 'toggleCamera'
  > {
  /** Our camera and microphone as they will be sent; null until the devices answer (or if none could be opened). */
  readonly preview: ReadonlySignal<MediaStream | null>;
  readonly devices: ReadonlySignal<DeviceLists>;
  /** The chosen devices (what is open, or the remembered choice); speaker is null for the default output. */
  readonly choices: ReadonlySignal<DeviceChoices>;
  readonly canChooseSpeaker: boolean;
  /** An audio-only call never opens the camera (and closes it if the preview had it open). */
  setAudioOnly(on: boolean): Promise<void>;
  chooseMicrophone(id: string): Promise<void>;
  chooseCamera(id: string): Promise<void>;
  chooseSpeaker(id: string): void;
  /**
   * "Join now" was pressed: the call is on its way (its code or config.json may still be loading on a
   * slow network). The screen says so rather than sit on a button that seems to do nothing.
   */
  readonly joining: ReadonlySignal<boolean>;
  /** Enters the call with what the preview shows; the lobby is done afterwards. */
  join(): void;
  /** Leaving without joining closes the camera and microphone. */
  dispose(): void;
}

/** The lobby: previews camera and microphone with the remembered devices, lets the person pick devices and join. */
export const createLobbyModel = (deps: LobbyDeps): LobbyModel => {
  const { media, store } = deps;
  const choices = signal<DeviceChoices>(store.load());
  const watcher = watchDevices(media);
  const local = createLocalMedia({
    acquire: media.getLocalMedia({
      audio: true,
      video: !choices.value.audioOnly,
      audioDevice: choices.value.microphone,
      videoDevice: choices.value.camera,
    }),
    streamOf: media.streamOf,
  });
  /** Joined (the tracks belong to the call now) or left (they were stopped). */
  const done = new AbortController();
  const joining = signal(false);

  const choose = (patch: Partial<DeviceChoices>) => {
    choices.value = { ...choices.value, ...patch };
    store.save(choices.value);
  };

  /** Records which devices are actually open: a remembered one may have been unplugged since. */
  const noteOpenDevices = () => {
    const mic = local.audio.value && media.deviceIdOf(local.audio.value);
    const cam = local.video.value && media.deviceIdOf(local.video.value);
    choices.value = { ...choices.value, ...(mic ? { microphone: mic } : {}), ...(cam ? { camera: cam } : {}) };
  };

  const acquired = local.acquired.then(async () => {
    if (done.signal.aborted && !local.ready.value) return;
    noteOpenDevices();
    // Labels are only listed once access was granted, so list after asking.
    await watcher.refresh();
  });

  /** Opens `deviceId` (null: the default) for `kind` and puts it in the preview in place of the current one. */
  const replace = async (kind: 'audio' | 'video', deviceId: string | null) => {
    await acquired;
    const next = await local.open(kind, () => media.getTrack(kind, deviceId));
    // After joining, the call owns the media: a switch still answering here changes nothing.
    if (next === null || done.signal.aborted) {
      if (next !== null && typeof next !== 'string') next.stop();
      return;
    }
    if (typeof next === 'string') {
      local.setProblem(next);
      return;
    }
    local.use(kind, next);
    local.setProblem(null);
    noteOpenDevices();
    // A first grant (after a refusal) reveals the device labels.
    await watcher.refresh();
  };

  return {
    preview: local.stream,
    problem: local.problem,
    ready: local.ready,
    devices: watcher.lists,
    choices,
    joining,
    micOn: local.micOn,
    cameraOn: local.cameraOn,
    hasMic: local.hasMic,
    hasCamera: local.hasCamera,
    canChooseSpeaker: media.canChooseSpeaker,
    toggleMic: local.toggleMic,
    toggleCamera: local.toggleCamera,
    async setAudioOnly(on) {
      if (choices.value.audioOnly === on) return;
      choose({ audioOnly: on });
      if (!on) {
        await replace('video', choices.value.camera);
        return;
      }
      await acquired;
      // A camera switch still under way must not bring the camera back.
      local.drop('video');
      local.use('video', null);
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
      if (done.signal.aborted) return;
      done.abort();
      joining.value = true;
      watcher.dispose();
      deps.onJoin({ local });
    },
    dispose() {
      if (done.signal.aborted) return;
      done.abort();
      watcher.dispose();
      local.stop();
    },
  };
};
