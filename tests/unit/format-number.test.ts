import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src/ui/i18n/languages';
import { formatNumber, PLAIN_SMALL_NUMBERS } from '../../src/ui/i18n/message';

// formatNumber skips Intl for small whole numbers in some languages (a page's first Intl.NumberFormat
// costs 50–200 ms in Chromium): what it prints must be exactly what Intl prints.
describe('formatNumber', () => {
  const every = Array.from({ length: 1000 }, (_, n) => n);

  it.each([...PLAIN_SMALL_NUMBERS])('%s: 0–999 read exactly as Intl.NumberFormat writes them', (lang) => {
    const intl = new Intl.NumberFormat(lang);
    expect(every.filter((n) => formatNumber(lang, n) !== intl.format(n))).toEqual([]);
  });

  it('only languages Parley speaks take the shortcut', () => {
    for (const lang of PLAIN_SMALL_NUMBERS) expect(LANGUAGES).toContain(lang);
  });

  it.each(LANGUAGES)('%s: grouping, fractions and negatives still come from Intl', (lang) => {
    const intl = new Intl.NumberFormat(lang);
    for (const n of [1000, 12_345, 1_000_000, 2.5, -3, 999.5]) expect(formatNumber(lang, n)).toBe(intl.format(n));
  });
});
