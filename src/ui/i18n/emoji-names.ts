import { t, type MessageKey } from './i18n';

/**
 * A verification emoji's name in the current language. The names (keys `emoji.<English name>`) are
 * Matrix's translations of its SAS emoji (data-definitions/sas-emoji.json in matrix-org/matrix-spec,
 * Apache-2.0), so people who verified in Element hear the same words; tests/unit/i18n-catalogs.test.ts
 * checks every one of core's 64 names has its key.
 */
export const emojiName = (english: string): string => t(`emoji.${english}` as MessageKey);
