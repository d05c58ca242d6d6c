import type { StateCreator } from 'zustand';
import type { Language } from '../../../shared/limits.js';
import type { StoreState } from '../app/store.js';
import { initialLanguage, LOCALE_STORAGE_KEY } from './index.js';

export interface LocaleSlice {
  locale: Language;
  setLocale: (locale: Language) => void;
}

export const createLocaleSlice: StateCreator<StoreState, [], [], LocaleSlice> = (set) => ({
  locale: initialLanguage(),
  setLocale(locale) {
    try {
      localStorage.setItem(LOCALE_STORAGE_KEY, locale);
    } catch {
      // Not remembered when storage is blocked; the choice still applies to this visit.
    }
    document.documentElement.lang = locale;
    set({ locale });
  },
});
