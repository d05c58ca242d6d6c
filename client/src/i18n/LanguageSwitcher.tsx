import { LANGUAGES } from '../../../shared/limits.js';
import { useStore } from '../app/store.js';
import { CATALOGS, isLanguage } from './index.js';
import { useT } from './use-t.js';

/** Each language is named in itself, so a member who cannot read the current one still finds theirs. */
export function LanguageSwitcher() {
  const t = useT();
  const locale = useStore((state) => state.locale);
  const setLocale = useStore((state) => state.setLocale);
  return (
    <div className="language-switcher">
      <label htmlFor="language-switcher">{t('lang.label')}</label>
      <select id="language-switcher" value={locale} onChange={(event) => isLanguage(event.target.value) && setLocale(event.target.value)}>
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {CATALOGS[language][`language.${language}`]}
          </option>
        ))}
      </select>
    </div>
  );
}
