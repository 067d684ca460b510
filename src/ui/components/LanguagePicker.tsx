import { LANGUAGES, LANGUAGE_NAMES, type Language } from '../i18n/languages';
import { language, setLanguage, t } from '../i18n/i18n';

/** The language picker on Home: each language in its own name; the choice is remembered on this device. */
export const LanguagePicker = () => (
  <div class="language">
    <label for="language">{t('home.language')}</label>
    <select id="language" value={language.value} onChange={(e) => void setLanguage(e.currentTarget.value as Language)}>
      {LANGUAGES.map((l) => (
        <option key={l} value={l} lang={l}>
          {LANGUAGE_NAMES[l]}
        </option>
      ))}
    </select>
  </div>
);
