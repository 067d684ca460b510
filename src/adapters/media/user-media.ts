import type { LocalMedia, MediaDevice, MediaPort, MediaProblem, MediaRequest } from './types';

const problemOf = (e: unknown): MediaProblem => {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'not-found';
  if (name === 'NotReadableError' || name === 'AbortError') return 'in-use';
  return 'unsupported';
};

const tryGet = async (constraints: MediaStreamConstraints): Promise<MediaStream | MediaProblem> => {
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (e) {
    return problemOf(e);
  }
};

/** Chromium ignores an `ideal` deviceId for microphones, so a remembered device is asked for exactly. */
const exactly = (wanted: boolean, deviceId: string | null | undefined): boolean | MediaTrackConstraints =>
  wanted && deviceId ? { deviceId: { exact: deviceId } } : wanted;

const DEFAULT_REQUEST: MediaRequest = { audio: true, video: true };

/** getUserMedia with graceful degradation: both, else whichever one device works, else none (receive-only). */
export const createUserMedia = (): MediaPort => ({
  async getLocalMedia(request = DEFAULT_REQUEST): Promise<LocalMedia> {
    if (!navigator.mediaDevices?.getUserMedia) return { stream: null, problem: 'unsupported' };
    const remembered = await tryGet({
      audio: exactly(request.audio, request.audioDevice),
      video: exactly(request.video, request.videoDevice),
    });
    if (typeof remembered !== 'string') return { stream: remembered, problem: null };
    // A remembered device is only a preference: if it is gone, the default one is better than nothing.
    const { audio, video } = request;
    const both =
      remembered === 'not-found' && (request.audioDevice || request.videoDevice)
        ? await tryGet({ audio, video })
        : remembered;
    if (typeof both !== 'string') return { stream: both, problem: null };
    // Denied is final (asking again would just nag); a missing or busy device may leave the other one usable.
    if (both === 'denied' || !request.audio || !request.video) return { stream: null, problem: both };
    for (const single of [{ audio }, { video }]) {
      const one = await tryGet(single);
      if (typeof one !== 'string') return { stream: one, problem: both };
    }
    return { stream: null, problem: both };
  },
  async listDevices(): Promise<MediaDevice[]> {
    if (!navigator.mediaDevices?.enumerateDevices) return [];
    const all = await navigator.mediaDevices.enumerateDevices().catch(() => []);
    // Before permission some browsers list one entry per kind with an empty id: nothing to choose from.
    return all.filter((d) => d.deviceId !== '').map((d) => ({ kind: d.kind, id: d.deviceId, label: d.label }));
  },
  onDevicesChange(listener) {
    const devices = navigator.mediaDevices;
    devices?.addEventListener('devicechange', listener);
    return () => devices?.removeEventListener('devicechange', listener);
  },
  async getTrack(kind, deviceId) {
    const constraints = deviceId === null ? true : { deviceId: { exact: deviceId } };
    const stream = await tryGet(kind === 'audio' ? { audio: constraints } : { video: constraints });
    if (typeof stream === 'string') return stream;
    return stream.getTracks()[0] ?? 'not-found';
  },
  async getDisplayMedia() {
    if (!navigator.mediaDevices?.getDisplayMedia) return null;
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: true });
      const video = stream.getVideoTracks()[0];
      if (!video) return null;
      return { video, audio: stream.getAudioTracks()[0] ?? null };
    } catch {
      // Cancelled in the picker, or refused: nothing to share, and nothing to tell either.
      return null;
    }
  },
  deviceIdOf: (track) => track.getSettings().deviceId ?? null,
  streamOf: (tracks) => new MediaStream(tracks),
  onEnded(track, listener) {
    track.addEventListener('ended', listener, { once: true });
    return () => track.removeEventListener('ended', listener);
  },
  canShareScreen: typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function',
  canChooseSpeaker: typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype,
  canPictureInPicture: typeof document !== 'undefined' && document.pictureInPictureEnabled === true,
});
