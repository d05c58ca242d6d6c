import type { Language } from '../../../shared/limits.js';
import { useStore } from '../app/store.js';
import { createTranslator, type Translator } from './index.js';

const translators = new Map<Language, Translator>();

export function translatorFor(locale: Language): Translator {
  let t = translators.get(locale);
  if (!t) {
    t = createTranslator(locale);
    translators.set(locale, t);
  }
  return t;
}

/** The translator for the member's chosen language; re-renders when it changes. */
export function useT(): Translator {
  return translatorFor(useStore((state) => state.locale));
}
