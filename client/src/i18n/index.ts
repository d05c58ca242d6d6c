import { LANGUAGES, type Language } from '../../../shared/limits.js';
import type { ApiError } from '../../../shared/errors.js';
import { CATALOGS, type MessageKey } from './catalog.js';

export type { MessageKey };
export { CATALOGS };
export const LOCALE_STORAGE_KEY = 'fair.locale';

export type Params = Record<string, string | number>;

/** A translator bound to one language. */
export interface Translator {
  locale: Language;
  (key: MessageKey, params?: Params): string;
  /** Picks `key.one` / `key.other` with the language's plural rules. */
  plural(key: string, count: number, params?: Params): string;
  /** A friendly sentence for an API error. */
  error(error: Pick<ApiError, 'code' | 'message' | 'details'>): string;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The stored choice, else the browser's first supported language, else English. */
export function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(LOCALE_STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // Storage can be blocked; fall through to the browser's languages.
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.slice(0, 2).toLowerCase();
    if (isLanguage(base)) return base;
  }
  return 'en';
}

function interpolate(template: string, params: Params | undefined, locale: Language): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : value;
  });
}

export function createTranslator(locale: Language): Translator {
  const catalog = CATALOGS[locale];
  const pluralRules = new Intl.PluralRules(locale);
  const t = ((key: MessageKey, params?: Params) => interpolate(catalog[key] ?? CATALOGS.en[key] ?? key, params, locale)) as Translator;
  t.locale = locale;
  t.plural = (key, count, params) => {
    const form = pluralRules.select(count) === 'one' ? 'one' : 'other';
    return t(`${key}.${form}` as MessageKey, { count, ...params });
  };
  t.error = (error) => {
    const key = `error.${error.code}` as MessageKey;
    if (!Object.hasOwn(catalog, key)) return t('error.INTERNAL');
    return t(key, {
      seconds: error.details?.retryAfterSeconds ?? 60,
      detail: error.details?.field ?? error.message,
    });
  };
  return t;
}
