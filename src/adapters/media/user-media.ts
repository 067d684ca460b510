import type { LocalMedia, MediaDevicesPort, MediaProblem } from './types';

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

/** getUserMedia with graceful degradation: both, else whichever one device works, else none (receive-only). */
export const createUserMedia = (): MediaDevicesPort => ({
  async getLocalMedia(): Promise<LocalMedia> {
    if (!navigator.mediaDevices?.getUserMedia) return { stream: null, problem: 'unsupported' };
    const both = await tryGet({ audio: true, video: true });
    if (typeof both !== 'string') return { stream: both, problem: null };
    // Denied is final (asking again would just nag); a missing or busy device may leave the other one usable.
    if (both === 'denied') return { stream: null, problem: both };
    for (const single of [{ audio: true }, { video: true }] as const) {
      const one = await tryGet(single);
      if (typeof one !== 'string') return { stream: one, problem: both };
    }
    return { stream: null, problem: both };
  },
});
