import { describe, expect, it } from 'vitest';
import { FakeTrack, createFakeMedia, fakeStreamOf } from '../../src/adapters/media/fake';
import type { LocalMedia } from '../../src/adapters/media/types';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import { memoryDeviceChoices } from '../../src/adapters/storage/device-choices-store';
import { createCallModel, type CallDeps } from '../../src/models/call';
import { createLocalMedia } from '../../src/models/local-media';
import { config, newCode, until } from './call-fixtures';

const withTracks =
  (...kinds: Array<'audio' | 'video'>) =>
  () => ({ stream: fakeStreamOf(kinds.map((k) => new FakeTrack(k))), problem: null });

/** A call with device control over fake media; `initial` stands in for what the lobby previewed. */
const makeCall = (
  hub: ReturnType<typeof createFakeSignalingHub>,
  code: ReturnType<typeof newCode>,
  initial: () => LocalMedia = withTracks('audio', 'video'),
  over: Partial<CallDeps> = {},
) => {
  const media = createFakeMedia(initial);
  const store = memoryDeviceChoices();
  const call = createCallModel({
    signaling: hub.signaling,
    media: media.port,
    kdf: { derive: async () => new Uint8Array(32) },
    config,
    code,
    password: null,
    isCreator: false,
    now: () => Date.now(),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    devices: { port: media.port, store },
    ...over,
  });
  return { call, media, store };
};

const connectedPair = async (initial?: () => LocalMedia) => {
  const hub = createFakeSignalingHub();
  const code = newCode();
  const a = makeCall(hub, code, initial);
  await until(a.call, 'waiting');
  const b = makeCall(hub, code);
  await Promise.all([until(a.call, 'connected'), until(b.call, 'connected')]);
  return { hub, code, a, b, aId: a.call.selfId.value ?? '', bId: b.call.selfId.value ?? '' };
};

const fake = (t: MediaStreamTrack | undefined) => t as unknown as FakeTrack;

describe('call devices', () => {
  it('a camera switch replaces the sent track for the partner only, keeps the stream, stops the old camera', async () => {
    const { hub, a, aId, bId } = await connectedPair();
    const stream = a.call.localStream.value;
    const old = stream?.getVideoTracks()[0];
    a.call.toggleCamera();
    await a.call.devices?.switchCamera('cam-2');
    const next = stream?.getVideoTracks()[0];
    expect(fake(next).label).toBe('cam-2');
    // Camera was off: the new camera stays off.
    expect(next?.enabled).toBe(false);
    expect(a.call.localStream.value).toBe(stream);
    expect(fake(old).readyState).toBe('ended');
    expect(hub.trackOps).toEqual([{ op: 'replace', from: aId, old, track: next, to: bId }]);
    expect(a.store.value.camera).toBe('cam-2');
    expect(a.call.devices?.choices.value.camera).toBe('cam-2');
    await a.call.dispose();
  });

  it('flip cycles through the cameras (front ↔ back), sending each new one in place of the last', async () => {
    const { hub, a, aId, bId } = await connectedPair();
    const devices = a.call.devices;
    await until(a.call, 'connected');
    await a.call.devices?.switchCamera('cam-1');
    expect(devices?.canFlip.value).toBe(true);
    const stream = a.call.localStream.value;
    const first = stream?.getVideoTracks()[0];
    hub.trackOps.length = 0;
    await devices?.flipCamera();
    const second = stream?.getVideoTracks()[0];
    expect(fake(second).label).toBe('cam-2');
    expect(hub.trackOps).toEqual([{ op: 'replace', from: aId, old: first, track: second, to: bId }]);
    await devices?.flipCamera();
    expect(fake(stream?.getVideoTracks()[0]).label).toBe('cam-1');
    expect(a.store.value.camera).toBe('cam-1');
    await a.call.dispose();
  });

  it('a microphone switch keeps mute, and a failed switch keeps the old device and says why', async () => {
    const { hub, a } = await connectedPair();
    const stream = a.call.localStream.value;
    a.call.toggleMic();
    await a.call.devices?.switchMicrophone('mic-2');
    const mic = stream?.getAudioTracks()[0];
    expect(fake(mic).label).toBe('mic-2');
    expect(mic?.enabled).toBe(false);
    a.media.state.trackProblem = 'in-use';
    await a.call.devices?.switchMicrophone('mic-1');
    expect(stream?.getAudioTracks()[0]).toBe(mic);
    expect(a.call.devices?.switchProblem.value).toBe('in-use');
    expect(hub.trackOps).toHaveLength(1);
    await a.call.dispose();
  });

  it('screen sharing replaces the camera, and stopping (by button or the browser ending it) puts the camera back', async () => {
    const { hub, a, aId, bId } = await connectedPair();
    const devices = a.call.devices;
    const stream = a.call.localStream.value;
    const camera = stream?.getVideoTracks()[0];
    const screen = new FakeTrack('video', 'screen');
    const screenAudio = new FakeTrack('audio', 'screen-audio');
    a.media.state.display = () => ({
      video: screen as unknown as MediaStreamTrack,
      audio: screenAudio as unknown as MediaStreamTrack,
    });
    await devices?.startSharing();
    expect(devices?.sharing.value).toBe(true);
    expect(stream?.getVideoTracks()).toEqual([screen]);
    expect(fake(camera).readyState).toBe('live');
    expect(hub.trackOps.map((o) => [o.op, o.from, o.to, o.old && fake(o.old).label, fake(o.track).label])).toEqual([
      ['replace', aId, bId, camera?.label, 'screen'],
      ['add', aId, bId, undefined, 'screen-audio'],
    ]);

    // The browser's own "Stop sharing" ends the track.
    screen.end();
    expect(devices?.sharing.value).toBe(false);
    expect(stream?.getVideoTracks()).toEqual([camera]);
    expect(screenAudio.readyState).toBe('ended');
    expect(hub.trackOps.slice(2).map((o) => [o.op, fake(o.track).label])).toEqual([
      ['replace', camera?.label],
      ['remove', 'screen-audio'],
    ]);

    // Again, stopped by the button this time; a camera switch meanwhile is what comes back.
    const second = new FakeTrack('video', 'screen');
    a.media.state.display = () => ({ video: second as unknown as MediaStreamTrack, audio: null });
    await devices?.startSharing();
    await devices?.switchCamera('cam-2');
    expect(stream?.getVideoTracks()).toEqual([second]);
    devices?.stopSharing();
    expect(fake(stream?.getVideoTracks()[0]).label).toBe('cam-2');
    expect(second.readyState).toBe('ended');
    expect(fake(camera).readyState).toBe('ended');
    await a.call.dispose();
  });

  it('someone who connects mid-share gets the screen and its sound', async () => {
    const { hub, code, a, b, aId } = await connectedPair();
    const screen = new FakeTrack('video', 'screen');
    const screenAudio = new FakeTrack('audio', 'screen-audio');
    a.media.state.display = () => ({
      video: screen as unknown as MediaStreamTrack,
      audio: screenAudio as unknown as MediaStreamTrack,
    });
    await a.call.devices?.startSharing();
    await b.call.dispose();
    await until(a.call, 'waiting');
    const c = makeCall(hub, code);
    await Promise.all([until(a.call, 'connected'), until(c.call, 'connected')]);
    const cId = c.call.selfId.value;
    // The stream it is given carries the screen in place of the camera; the sound goes with it.
    expect(a.call.localStream.value?.getVideoTracks()).toEqual([screen]);
    expect(hub.trackOps.filter((o) => o.to === cId).map((o) => [o.op, o.from, fake(o.track).label])).toEqual([
      ['add', aId, 'screen-audio'],
    ]);
    await Promise.all([a.call.dispose(), c.call.dispose()]);
  });

  it('in an audio-only call the screen is added as an extra track (no camera to stand in for), and removed after', async () => {
    const { hub, a, bId } = await connectedPair(withTracks('audio'));
    const stream = a.call.localStream.value;
    await a.call.devices?.startSharing();
    const screen = stream?.getVideoTracks()[0];
    expect(hub.trackOps.map((o) => [o.op, o.to, fake(o.track).label])).toEqual([['add', bId, 'screen']]);
    a.call.devices?.stopSharing();
    expect(stream?.getVideoTracks()).toEqual([]);
    expect(hub.trackOps.map((o) => o.op)).toEqual(['add', 'remove']);
    expect(fake(screen).readyState).toBe('ended');
    // No camera to switch in an audio-only call: asking does nothing (adding one would renegotiate).
    await a.call.devices?.switchCamera('cam-2');
    expect(stream?.getVideoTracks()).toEqual([]);
    await a.call.dispose();
  });

  it('a cancelled screen picker changes nothing; hanging up while sharing stops the screen and the camera kept aside', async () => {
    const { hub, a } = await connectedPair();
    a.media.state.display = () => null;
    await a.call.devices?.startSharing();
    expect(a.call.devices?.sharing.value).toBe(false);
    expect(hub.trackOps).toEqual([]);
    const camera = a.call.localStream.value?.getVideoTracks()[0];
    const screen = new FakeTrack('video', 'screen');
    a.media.state.display = () => ({ video: screen as unknown as MediaStreamTrack, audio: null });
    await a.call.devices?.startSharing();
    await a.call.hangUp();
    expect(screen.readyState).toBe('ended');
    expect(fake(camera).readyState).toBe('ended');
  });

  it("starts with the lobby's media and on/off choices, without asking the devices again", async () => {
    const hub = createFakeSignalingHub();
    const stream = fakeStreamOf([new FakeTrack('audio'), new FakeTrack('video')]);
    const { call, media } = makeCall(hub, newCode(), withTracks('audio', 'video'), {
      local: createLocalMedia({ acquire: Promise.resolve({ stream, problem: null }), micOn: false, cameraOn: false }),
    });
    await until(call, 'waiting');
    expect(call.localStream.value).toBe(stream);
    expect(call.micOn.value).toBe(false);
    expect(call.cameraOn.value).toBe(false);
    expect(stream.getTracks().map((t) => t.enabled)).toEqual([false, false]);
    expect(media.calls()).toBe(0);
    await call.dispose();
  });
});
