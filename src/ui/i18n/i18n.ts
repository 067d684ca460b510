import { computed, signal } from '@preact/signals';
import en from './en';
import type enRelay from './en-relay';
import type enRoom from './en-room';
import { LANGUAGES, chooseLanguage, directionOf, type Language } from './languages';
import { formatMessage, type Message, type Params } from './message';

export type MessageKey = keyof typeof en | keyof typeof enRoom | keyof typeof enRelay;
/** A translation: every key of the English catalog, no other (the type and tests/unit/i18n-catalogs.test.ts hold it). */
export type Catalog = { readonly [K in MessageKey]: Message };

/** Every catalog but English is its own chunk, fetched when chosen (and precached by the service worker). */
const LOADERS: Readonly<Record<Exclude<Language, 'en'>, () => Promise<{ default: Catalog }>>> = {
  de: () => import('./locales/de'),
  es: () => import('./locales/es'),
  fr: () => import('./locales/fr'),
  'pt-BR': () => import('./locales/pt-BR'),
  ar: () => import('./locales/ar'),
};

/** English as far as it has loaded: Home's part at first, the room's and the relays' parts once their screens load. */
let english: Partial<Catalog> = en;
const current = signal<{ lang: Language; catalog: Partial<Catalog> }>({ lang: 'en', catalog: english });

/**
 * Adds a part of English (called by the chunk that imports it: the room's screens, the relay words):
 * nothing of that part renders before its chunk, so no key is ever looked up before its English is here.
 */
export const addEnglish = (part: Partial<Catalog>): void => {
  english = { ...english, ...part };
  if (current.value.lang === 'en') current.value = { lang: 'en', catalog: english };
};
/** The language on screen (components reading it re-render when it changes). */
export const language = computed(() => current.value.lang);

/**
 * The text for `key` in the current language. Reading it subscribes the rendering component, so a
 * language change re-renders everything with the new words.
 */
export const t = (key: MessageKey, params?: Params): string => {
  const { lang, catalog } = current.value;
  // A key not loaded yet shows as itself: a bug to see, never a crash (the room's part comes with its screens).
  return formatMessage(lang, catalog[key] ?? english[key] ?? key, params);
};

/** Where the choice is remembered (localStorage through src/adapters/storage; memory in tests). */
export interface LanguageStore {
  load(): unknown;
  save(value: unknown): void;
}

let store: LanguageStore | null = null;
let requested: Language = 'en';

/** Shows `lang` once its catalog is here; a failed load (offline, not cached) keeps the current one. */
const show = async (lang: Language): Promise<void> => {
  requested = lang;
  const catalog = lang === 'en' ? english : (await LOADERS[lang]()).default;
  // A later choice made while this one loaded wins.
  if (requested === lang) current.value = { lang, catalog };
};

/** The picker's action: switch now and remember it on this device. */
export const setLanguage = (lang: Language): Promise<void> => {
  store?.save(lang);
  return show(lang).catch(() => undefined);
};

/**
 * Picks the language (remembered choice, else the browser's), starts loading its catalog, and keeps
 * `<html lang dir>` in step so screen readers pronounce it and the layout mirrors for Arabic. Resolves
 * once that language is on screen (or its catalog failed to load and English stays).
 */
export const initLanguage = (s: LanguageStore, preferred: readonly string[], root: HTMLElement): Promise<void> => {
  store = s;
  const lang = chooseLanguage(s.load(), preferred);
  const shown = show(lang).catch(() => undefined);
  language.subscribe((l) => {
    root.lang = l;
    root.dir = directionOf(l);
    // The manifest in the same language (built by scripts/locale-manifests.ts), for installing.
    root.ownerDocument
      .querySelector('link[rel="manifest"]')
      ?.setAttribute('href', l === 'en' ? 'manifest.webmanifest' : `manifest-${l}.webmanifest`);
  });
  return shown;
};

export { LANGUAGES, type Language };
