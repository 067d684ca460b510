import { describe, expect, it } from 'vitest';
import { FakeTrack, createFakeMedia, fakeStreamOf } from '../../src/adapters/media/fake';
import type { LocalMedia, MediaRequest } from '../../src/adapters/media/types';
import { memoryDeviceChoices } from '../../src/adapters/storage/device-choices-store';
import { createLobbyModel, type LobbyHandOff } from '../../src/models/lobby';

/** Devices that honour the request: one track per kind asked for, labelled with the device id it opened. */
const honouring = (request: MediaRequest | undefined): LocalMedia => {
  const tracks: FakeTrack[] = [];
  if (request?.audio ?? true) tracks.push(new FakeTrack('audio', request?.audioDevice ?? 'mic-1'));
  if (request?.video ?? true) tracks.push(new FakeTrack('video', request?.videoDevice ?? 'cam-1'));
  return { stream: fakeStreamOf(tracks), problem: null };
};

const makeLobby = (
  over: { store?: ReturnType<typeof memoryDeviceChoices>; result?: (r: MediaRequest | undefined) => LocalMedia } = {},
) => {
  const media = createFakeMedia(over.result ?? honouring);
  const store = over.store ?? memoryDeviceChoices();
  const joined: LobbyHandOff[] = [];
  const lobby = createLobbyModel({ media: media.port, store, onJoin: (h) => joined.push(h) });
  return { lobby, media, store, joined };
};

const ready = (lobby: ReturnType<typeof makeLobby>['lobby']) =>
  new Promise<void>((resolve) => {
    const stop = lobby.ready.subscribe((r) => {
      if (!r) return;
      queueMicrotask(() => stop());
      resolve();
    });
  });

const labels = (s: MediaStream | null) => (s?.getTracks() ?? []).map((t) => `${t.kind}:${t.label}`);

describe('lobby model', () => {
  it('previews camera and microphone with the remembered devices, and lists devices after access', async () => {
    const store = memoryDeviceChoices({ microphone: 'mic-2', camera: 'cam-2', speaker: null, audioOnly: false });
    const { lobby, media } = makeLobby({ store });
    await ready(lobby);
    expect(media.requests).toEqual([{ audio: true, video: true, audioDevice: 'mic-2', videoDevice: 'cam-2' }]);
    expect(labels(lobby.preview.value)).toEqual(['audio:mic-2', 'video:cam-2']);
    await expect.poll(() => lobby.devices.value.cameras.map((d) => d.id)).toEqual(['cam-1', 'cam-2']);
    expect(lobby.devices.value.speakers.map((d) => d.id)).toEqual(['spk-1']);
    lobby.dispose();
  });

  it('an audio-only call never asks for the camera, and the choice is remembered', async () => {
    const { lobby, store } = makeLobby();
    await ready(lobby);
    const camera = lobby.preview.value?.getVideoTracks()[0] as unknown as FakeTrack;
    await lobby.setAudioOnly(true);
    expect(camera.readyState).toBe('ended');
    expect(labels(lobby.preview.value)).toEqual(['audio:mic-1']);
    expect(lobby.hasCamera.value).toBe(false);
    expect(store.value.audioOnly).toBe(true);
    lobby.dispose();

    // The next lobby remembers: no camera requested at all.
    const next = makeLobby({ store });
    await ready(next.lobby);
    expect(next.media.requests[0]).toMatchObject({ audio: true, video: false });
    expect(labels(next.lobby.preview.value)).toEqual(['audio:mic-1']);
    next.lobby.join();
    const handOff = next.joined[0];
    const handed = handOff && (await handOff.local.answered());
    expect(handed?.stream?.getVideoTracks()).toEqual([]);
    expect(handed?.problem).toBeNull();
    expect(next.media.calls()).toBe(1);
  });

  it('switching the camera swaps the previewed track, stops the old one and remembers the choice', async () => {
    const { lobby, store } = makeLobby();
    await ready(lobby);
    const stream = lobby.preview.value;
    const old = stream?.getVideoTracks()[0] as unknown as FakeTrack;
    await lobby.chooseCamera('cam-2');
    expect(lobby.preview.value).toBe(stream);
    expect(labels(stream)).toEqual(['audio:mic-1', 'video:cam-2']);
    expect(old.readyState).toBe('ended');
    expect(store.value.camera).toBe('cam-2');
    expect(lobby.choices.value.camera).toBe('cam-2');
    lobby.dispose();
  });

  it('joining with the camera and mic off hands over the previewed tracks, disabled, without asking the devices again', async () => {
    const { lobby, media, joined } = makeLobby();
    await ready(lobby);
    lobby.toggleCamera();
    lobby.toggleMic();
    const stream = lobby.preview.value;
    lobby.join();
    expect(joined).toHaveLength(1);
    const [handOff] = joined;
    expect([handOff?.local.micOn.value, handOff?.local.cameraOn.value]).toEqual([false, false]);
    expect((await handOff?.local.answered())?.stream).toBe(stream);
    expect(stream?.getTracks().every((t) => !t.enabled && t.readyState === 'live')).toBe(true);
    // Leaving the (joined) lobby no longer stops what now belongs to the call.
    lobby.dispose();
    expect(stream?.getTracks().every((t) => t.readyState === 'live')).toBe(true);
    expect(media.calls()).toBe(1);
  });

  it('leaving without joining closes the camera and microphone', async () => {
    const { lobby, joined } = makeLobby();
    await ready(lobby);
    const stream = lobby.preview.value;
    lobby.dispose();
    expect(stream?.getTracks().every((t) => t.readyState === 'ended')).toBe(true);
    expect(joined).toEqual([]);
  });

  it('a refused camera and microphone leave the call receive-only with the reason, and a failed switch says why', async () => {
    const { lobby, joined, media } = makeLobby({ result: () => ({ stream: null, problem: 'denied' }) });
    await ready(lobby);
    expect(lobby.problem.value).toBe('denied');
    expect(lobby.hasMic.value).toBe(false);
    media.state.trackProblem = 'in-use';
    await lobby.chooseCamera('cam-2');
    expect(lobby.problem.value).toBe('in-use');
    lobby.join();
    expect(await joined[0]?.local.answered()).toEqual({ stream: null, problem: 'in-use' });
  });

  it('joining before the devices answered hands over what they answer', async () => {
    let release: (m: LocalMedia) => void = () => undefined;
    const media = createFakeMedia(() => ({ stream: null, problem: 'not-found' }));
    const joined: LobbyHandOff[] = [];
    const lobby = createLobbyModel({
      media: { ...media.port, getLocalMedia: () => new Promise<LocalMedia>((r) => (release = r)) },
      store: memoryDeviceChoices(),
      onJoin: (h) => joined.push(h),
    });
    lobby.join();
    const stream = fakeStreamOf([new FakeTrack('audio'), new FakeTrack('video')]);
    release({ stream, problem: null });
    expect((await joined[0]?.local.answered())?.stream).toBe(stream);
    expect(stream.getTracks().every((t) => t.readyState === 'live')).toBe(true);
  });
});
