import type { MediaProblem } from '../models/ports';

/** Why we send no camera or microphone, in words; the call goes on receive-only. */
export const mediaText: Record<MediaProblem, string> = {
  denied:
    'Camera and microphone access was denied. You can still see and hear the other person; allow access in the browser settings to be seen.',
  'not-found': 'No camera or microphone was found. You can still see and hear the other person.',
  'in-use': 'Your camera or microphone is in use by another app. You can still see and hear the other person.',
  unsupported: 'This browser cannot capture camera or microphone here. You can still see and hear the other person.',
};
