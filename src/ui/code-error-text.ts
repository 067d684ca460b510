import type { RoomCodeError } from '../core/room-code';
import type { CodeProblem } from '../models/app';
import { formatTime as clockTime } from './format';
import { t } from './i18n/i18n';
import { configProblemText } from './problem-text';

/** The sentence for a refused code. `formatTime` renders an instant (the clock in the chosen language). */
export const roomCodeErrorText = (e: RoomCodeError, formatTime: (ms: number) => string = clockTime): string => {
  switch (e.kind) {
    case 'empty':
      return t('code.empty');
    case 'length':
      return t('code.length', { count: e.expected, got: e.got });
    case 'character':
      return t('code.character', { char: e.char, position: e.position });
    case 'checksum':
      return t('code.checksum');
    case 'version':
      return t('code.version', { version: e.version });
    case 'expired':
      return t('code.expired', { time: formatTime(e.expiredAt) });
  }
};

/** Why Home refused a code, a link or a join, in words. */
export const codeErrorText = (p: CodeProblem, formatTime: (ms: number) => string = clockTime): string => {
  switch (p.kind) {
    case 'code':
      // A link that is no code at all says so first; an expired one is a valid code that ran out.
      return p.fromLink && p.error.kind !== 'expired'
        ? `${t('code.invalidLink')} ${roomCodeErrorText(p.error, formatTime)}`
        : roomCodeErrorText(p.error, formatTime);
    case 'config':
      return configProblemText(p.problem);
    case 'too-many':
      return t('code.tooManyAttempts', { time: formatTime(p.retryAt) });
    case 'call-load-failed':
      return t('code.callLoadFailed');
  }
};
