import { describe, expect, it } from 'vitest';
import { FakeTrack, fakeStreamOf } from '../../src/adapters/media/fake';
import { createLocalMedia } from '../../src/models/local-media';

const track = (t: FakeTrack) => t as unknown as MediaStreamTrack;
/** A device that answers when the test says so. */
const deferred = () => {
  let answer: (t: MediaStreamTrack) => void = () => undefined;
  const promise = new Promise<MediaStreamTrack>((r) => (answer = r));
  return { get: () => promise, answer };
};

const started = async (micOn = true, cameraOn = true) => {
  const stream = fakeStreamOf([new FakeTrack('audio', 'mic-1'), new FakeTrack('video', 'cam-1')]);
  const local = createLocalMedia({ acquire: Promise.resolve({ stream, problem: null }), micOn, cameraOn });
  await local.acquired;
  return { local, stream };
};

describe('local media', () => {
  it('the latest switch wins: a slower earlier answer is stopped, never shown', async () => {
    const { local, stream } = await started();
    const [slow, fast] = [deferred(), deferred()];
    const first = local.open('video', slow.get);
    const second = local.open('video', fast.get);
    const [cam2, cam3] = [new FakeTrack('video', 'cam-2'), new FakeTrack('video', 'cam-3')];
    fast.answer(track(cam3));
    const won = await second;
    slow.answer(track(cam2));
    expect(await first).toBeNull();
    expect(cam2.readyState).toBe('ended');
    expect(won).toBe(track(cam3));
    local.use('video', track(cam3));
    expect(stream.getVideoTracks().map((t) => t.label)).toEqual(['cam-3']);
  });

  it('a dropped kind (going audio-only) discards the camera still being opened; stop() discards everything', async () => {
    const { local } = await started();
    const cam = deferred();
    const opening = local.open('video', cam.get);
    local.drop('video');
    const cam2 = new FakeTrack('video', 'cam-2');
    cam.answer(track(cam2));
    expect(await opening).toBeNull();
    expect(cam2.readyState).toBe('ended');

    const mic = deferred();
    const late = local.open('audio', mic.get);
    local.stop();
    const mic2 = new FakeTrack('audio', 'mic-2');
    mic.answer(track(mic2));
    expect(await late).toBeNull();
    expect(mic2.readyState).toBe('ended');
  });

  it('a new track follows the toggles, and toggles set every track of the kind in the stream', async () => {
    const { local, stream } = await started(false, true);
    expect(stream.getAudioTracks().map((t) => t.enabled)).toEqual([false]);
    const mic2 = new FakeTrack('audio', 'mic-2');
    const opened = await local.open('audio', async () => track(mic2));
    expect(opened).toBe(track(mic2));
    expect(mic2.enabled).toBe(false);
    local.toggleCamera();
    expect(stream.getVideoTracks().map((t) => t.enabled)).toEqual([false]);
  });
});
