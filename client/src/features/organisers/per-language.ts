import { LANGUAGES, type Language } from '../../../../shared/limits.js';

/** A form's text in each of the fair's languages (empty: none in that language). */
export type PerLanguage = Record<Language, string>;

/** What is stored per language, as the form's fields: every language, empty where there is none. */
export const perLanguage = (held: Partial<Record<Language, string>> = {}): PerLanguage => ({ en: held.en ?? '', es: held.es ?? '', fr: held.fr ?? '' });

/** Only the languages with text, trimmed: an empty field means "none in this language". */
export const filled = (texts: PerLanguage): Partial<Record<Language, string>> =>
  Object.fromEntries(LANGUAGES.flatMap((l) => (texts[l].trim() ? [[l, texts[l].trim()]] : [])));
