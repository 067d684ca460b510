// Why remembering, renaming or forgetting someone did not happen, in the person's words (loaded with the
// contact list or the call, not with Home). What the browser's storage said is data, after the sentence.
import type { NicknameProblem } from '../core/nickname';
import type { ContactProblem } from '../models/contacts';
import { t } from './i18n/i18n';

export const nicknameProblemText = (p: NicknameProblem): string => {
  switch (p.kind) {
    case 'empty':
      return t('nickname.empty');
    case 'too-long':
      return t('nickname.tooLong', { count: p.max });
    case 'invisible':
      return t('nickname.invisible');
  }
};

/** Why remembering, renaming or forgetting someone did not happen. */
export const contactProblemText = (p: ContactProblem): string => {
  switch (p.kind) {
    case 'nickname':
      return nicknameProblemText(p.problem);
    case 'full':
      return t('remember.full', { count: p.max });
    case 'gone':
      return t('contacts.gone');
    case 'nothing-to-remember':
      return t('remember.nothing');
    case 'unavailable':
      return t('contacts.unavailable', { detail: p.detail });
    case 'remember-failed':
      return t('remember.failed', { detail: p.detail });
    case 'rename-failed':
      return t('contacts.renameFailed', { detail: p.detail });
    case 'forget-failed':
      return t('contacts.forgetFailed', { detail: p.detail });
  }
};
