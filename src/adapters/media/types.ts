/** Why we have no camera or microphone; each maps to a message and the call goes on receive-only. */
export type MediaProblem = 'denied' | 'not-found' | 'in-use' | 'unsupported';

/** What we could capture: a stream (possibly audio- or video-only), or none and why. */
export type LocalMedia = { stream: MediaStream; problem: MediaProblem | null } | { stream: null; problem: MediaProblem };

/** Camera and microphone access; the real one wraps getUserMedia. */
export interface MediaDevicesPort {
  getLocalMedia(): Promise<LocalMedia>;
}
