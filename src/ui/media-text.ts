import type { MediaProblem } from '../models/ports';
import { t, type MessageKey } from './i18n/i18n';

const KEY: Record<MediaProblem, MessageKey> = {
  denied: 'media.denied',
  'not-found': 'media.notFound',
  'in-use': 'media.inUse',
  unsupported: 'media.unsupported',
};

/** Why we send no camera or microphone, in words; the call goes on receive-only. */
export const mediaText = (problem: MediaProblem): string => t(KEY[problem]);
