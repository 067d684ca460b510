// Why config.json could not be used, in the person's words (part of the first load: Home says it). The
// sentence comes from the catalog; what the server said (a status, the validator's account) and the path are
// data, shown as they came.
import type { ConfigProblem } from '../core/app-config';
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
