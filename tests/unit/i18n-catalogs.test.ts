import { describe, expect, it } from 'vitest';
import { SAS_EMOJI } from '../../src/core/verify-emoji';
import en from '../../src/ui/i18n/en';
import enRoom from '../../src/ui/i18n/en-room';
import { catalogProblems, english } from '../../src/ui/i18n/catalog-check';
import { LANGUAGES, chooseLanguage, directionOf } from '../../src/ui/i18n/languages';
import { formatMessage, type Message } from '../../src/ui/i18n/message';
import ar from '../../src/ui/i18n/locales/ar';
import de from '../../src/ui/i18n/locales/de';
import es from '../../src/ui/i18n/locales/es';
import fr from '../../src/ui/i18n/locales/fr';
import ptBR from '../../src/ui/i18n/locales/pt-BR';

const CATALOGS: Record<string, Record<string, Message>> = { de, es, fr, 'pt-BR': ptBR, ar };

describe('catalogs', () => {
  it('every language the picker offers has a catalog', () => {
    expect(Object.keys(CATALOGS).sort()).toEqual(LANGUAGES.filter((l) => l !== 'en').sort());
  });

  it.each(Object.entries(CATALOGS))('%s has exactly English’s keys, with the same placeholders', (lang, catalog) => {
    expect(catalogProblems(lang, catalog)).toEqual([]);
  });

  it('the check itself finds a missing key, an extra key and a placeholder mismatch', () => {
    const broken: Record<string, Message> = { ...de, 'share.roomCode': 'x', 'nonsense.key': 'y' };
    delete broken['home.start'];
    broken['contacts.call'] = 'Anrufen {nme}';
    expect(catalogProblems('de', broken)).toEqual([
      'de: missing "home.start"',
      'de: extra "nonsense.key"',
      'de: "contacts.call" has {nme}, English has {name}',
    ]);
  });

  it.each(Object.entries(CATALOGS))('%s gives every plural message the forms its language needs', (lang, catalog) => {
    const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const [key, value] of Object.entries(catalog)) {
      if (typeof value === 'string') continue;
      for (const c of needed) expect(value[c], `${lang} ${key} lacks "${c}"`).toBeTypeOf('string');
    }
  });

  it('every translation is non-empty', () => {
    for (const [lang, catalog] of Object.entries({ en: english, ...CATALOGS }))
      for (const [key, value] of Object.entries(catalog))
        for (const text of typeof value === 'string' ? [value] : Object.values(value))
          expect(text?.trim(), `${lang} ${key}`).not.toBe('');
  });

  it("names all 64 verification emoji, with Matrix's English names as in core", () => {
    expect(SAS_EMOJI).toHaveLength(64);
    for (const e of SAS_EMOJI) expect(english[`emoji.${e.name}`]).toBe(e.name);
    expect(Object.keys(english).filter((k) => k.startsWith('emoji.'))).toHaveLength(64);
  });

  it("uses Matrix's translations of the emoji names", () => {
    // Spot checks against data-definitions/sas-emoji.json (Matrix spec): the whole table was copied from it.
    expect([
      de['emoji.Mushroom'],
      fr['emoji.Unicorn'],
      es['emoji.Aeroplane'],
      ptBR['emoji.Dog'],
      ar['emoji.Dog'],
    ]).toEqual(['Pilz', 'Licorne', 'Avión', 'Cachorro', 'كلب']);
  });
});

describe('formatMessage', () => {
  it('picks the plural form through Intl.PluralRules and localises numbers', () => {
    const m = en['code.length'];
    expect(formatMessage('en', enRoom['chat.tooLong'], { max: 2000 })).toContain('2,000');
    expect(formatMessage('en', m, { count: 34, got: 4 })).toMatch(
      /^A room code has 34 letters and digits; this one has 4\./,
    );
    expect(formatMessage('en', m, { count: 1, got: 4 })).toMatch(/^A room code has 1 letter or digit;/);
    // Arabic: 34 is "many", 3 is "few"; digits as Intl writes them for Arabic.
    const n = (x: number) => new Intl.NumberFormat('ar').format(x);
    expect(formatMessage('ar', ar['code.length'], { count: 34, got: 4 })).toContain(`${n(34)} حرفًا ورقمًا`);
    expect(formatMessage('ar', ar['code.length'], { count: 3, got: 4 })).toContain(`${n(3)} أحرف وأرقام`);
    expect(formatMessage('de', de['chat.tooLong'], { max: 2000 })).toContain('2.000');
  });

  it('leaves a placeholder with no value visible rather than inventing one', () => {
    expect(formatMessage('en', 'Call {name}')).toBe('Call {name}');
  });
});

describe('chooseLanguage', () => {
  it('prefers the remembered choice, then the browser’s languages by tag or base, then English', () => {
    expect(chooseLanguage('ar', ['de-DE'])).toBe('ar');
    expect(chooseLanguage(null, ['de-DE', 'en'])).toBe('de');
    expect(chooseLanguage('xx', ['pt-PT'])).toBe('pt-BR');
    expect(chooseLanguage(undefined, ['ja', 'fr-CA'])).toBe('fr');
    expect(chooseLanguage({ lang: 'de' }, ['ja'])).toBe('en');
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('de')).toBe('ltr');
  });
});
