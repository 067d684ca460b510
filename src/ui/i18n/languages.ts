/** The languages Parley speaks, as BCP 47 tags; English is bundled, the rest load on demand. */
export const LANGUAGES = ['en', 'de', 'es', 'fr', 'pt-BR', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's own name for itself (the picker shows them untranslated, so anyone finds theirs). */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  en: 'English',
  de: 'Deutsch',
  es: 'Español',
  fr: 'Français',
  'pt-BR': 'Português (Brasil)',
  ar: 'العربية',
};

const RIGHT_TO_LEFT: ReadonlySet<Language> = new Set(['ar']);
export const directionOf = (lang: Language): 'ltr' | 'rtl' => (RIGHT_TO_LEFT.has(lang) ? 'rtl' : 'ltr');

const isLanguage = (v: unknown): v is Language => typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);

/**
 * The language to show: the one picked on Home if any, else the first of the browser's preferences we
 * speak (an exact tag, else by its base: "de-AT" → de, "pt-PT" → pt-BR, "ar-EG" → ar), else English.
 * `stored` is whatever localStorage held: anything but a known tag is ignored.
 */
export const chooseLanguage = (stored: unknown, preferred: readonly string[]): Language => {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const exact = LANGUAGES.find((l) => l.toLowerCase() === tag.toLowerCase());
    if (exact) return exact;
    const base = tag.split('-')[0]?.toLowerCase();
    const byBase = LANGUAGES.find((l) => l.split('-')[0]?.toLowerCase() === base);
    if (byBase) return byBase;
  }
  return 'en';
};
