// Message formatting through Intl only: plural forms are chosen by Intl.PluralRules (a catalog lists the
// forms its language has, by CLDR category), numbers by Intl.NumberFormat. No plural rule is written by hand.

/** One message: plain text, or one text per CLDR plural category (chosen by the `count` parameter). */
export type Plural = { readonly other: string } & Partial<Readonly<Record<Intl.LDMLPluralRule, string>>>;
export type Message = string | Plural;
export type Params = Readonly<Record<string, string | number>>;

const plurals = new Map<string, Intl.PluralRules>();
const numbers = new Map<string, Intl.NumberFormat>();
// One formatter per language: building one costs milliseconds, and a clock ticks every render.
const cached = <F>(cache: Map<string, F>, lang: string, make: () => F): F => {
  let f = cache.get(lang);
  if (!f) cache.set(lang, (f = make()));
  return f;
};

/**
 * Languages that write a whole number from 0 to 999 as plain 0–9 digits, exactly as `String(n)` does
 * (tests/unit/format-number.test.ts checks each against Intl.NumberFormat). Arabic is not listed:
 * engines differ on its default digits.
 */
export const PLAIN_SMALL_NUMBERS: ReadonlySet<string> = new Set(['en', 'de', 'es', 'fr', 'pt-BR']);

/**
 * A number in `lang`'s digits and grouping ("1,000", "1.000", "١٬٠٠٠"). Small whole numbers in the
 * languages above skip Intl: a page's first Intl.NumberFormat loads ICU's number data, 50–200 ms of
 * main thread in Chromium here, and Home (whose lifetime choices are "10 min", "1 h") paid it in the
 * task that renders it, which Lighthouse counted as blocking time.
 */
export const formatNumber = (lang: string, n: number): string =>
  PLAIN_SMALL_NUMBERS.has(lang) && Number.isInteger(n) && n >= 0 && n < 1000
    ? String(n)
    : cached(numbers, lang, () => new Intl.NumberFormat(lang)).format(n);

/** The `{name}` placeholders a message uses, over all its plural forms (for the catalog tests). */
export const placeholders = (m: Message): Set<string> => {
  const texts = typeof m === 'string' ? [m] : Object.values(m);
  return new Set(texts.flatMap((s) => [...(s ?? '').matchAll(/\{(\w+)\}/g)].map((x) => x[1] as string)));
};

/** `m` in `lang` with its placeholders filled: numbers localised, plural form picked by `count`. */
export const formatMessage = (lang: string, m: Message, params: Params = {}): string => {
  let text: string;
  if (typeof m === 'string') text = m;
  else {
    const count = Number(params['count'] ?? 0);
    const category = cached(plurals, lang, () => new Intl.PluralRules(lang)).select(count);
    text = m[category] ?? m.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? formatNumber(lang, v) : v;
  });
};
