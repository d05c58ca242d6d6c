import type { StateCreator } from 'zustand';
import type { Language } from '../../../shared/limits.js';
import type { StoreState } from '../app/store.js';
import { writeSetting } from '../lib/device-storage.js';
import { initialLanguage, LOCALE_STORAGE_KEY } from './index.js';

export interface LocaleSlice {
  locale: Language;
  setLocale: (locale: Language) => void;
}

export const createLocaleSlice: StateCreator<StoreState, [], [], LocaleSlice> = (set) => ({
  locale: initialLanguage(),
  setLocale(locale) {
    writeSetting(LOCALE_STORAGE_KEY, locale);
    document.documentElement.lang = locale;
    set({ locale });
  },
});
