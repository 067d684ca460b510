// Typed problems from models, core and adapters, in the person's words: the sentence comes from the
// catalog; what a browser or a server said (an error's message, an HTTP status, a path) is data, shown
// after it as it came.
import type { ConfigProblem } from '../core/app-config';
import type { NicknameProblem } from '../core/nickname';
import type { ContactProblem } from '../models/contacts';
import { t } from './i18n/i18n';

/** Why config.json could not be used. */
export const configProblemText = (p: ConfigProblem): string => {
  switch (p.kind) {
    case 'network':
      return t('config.network', { path: p.path });
    case 'cancelled':
      return t('config.cancelled', { path: p.path });
    case 'status':
      // A status code is a code, not a quantity: kept in ASCII digits in every language.
      return t('config.status', { path: p.path, status: String(p.status) });
    case 'not-json':
      return t('config.notJson', { path: p.path });
    case 'invalid':
      return t('config.invalid', { path: p.path, detail: p.detail });
  }
};

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
