import { LANGUAGES, type Language } from '../../../shared/limits.js';
import type { ApiError } from '../../../shared/errors.js';
import { readSetting } from '../lib/device-storage.js';
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
  const stored = readSetting(LOCALE_STORAGE_KEY);
  if (isLanguage(stored)) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.slice(0, 2).toLowerCase();
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/** Fills `{name}` placeholders; numbers are formatted for the language. */
export function interpolate(template: string, params: Params | undefined, locale: Language): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : value;
  });
}

/**
 * A translator for the strings of one lazily loaded feature (a `defineMessages` part kept out
 * of CATALOGS), so they ship in that feature's chunk instead of the text-mode entry.
 */
export function partTranslator<K extends string>(part: Record<Language, Record<K, string>>, locale: Language): (key: K, params?: Params) => string {
  return (key, params) => interpolate(part[locale][key] || part.en[key], params, locale);
}

/** A date and time in the viewer's language and time zone (e.g. "Mon 14:05"). */
export function formatInstant(iso: string, locale: Language): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/**
 * The catalogue key naming the field at fault ("links.0.url" → "field.url"): the last named
 * part of the path. Null for fields nobody types (ids, codes) and for no field.
 */
export function fieldKey(path: string | undefined): MessageKey | null {
  const name = path?.split('.').filter((part) => !/^\d+$/.test(part)).pop();
  const key = `field.${name}`;
  return name && Object.hasOwn(CATALOGS.en, key) ? (key as MessageKey) : null;
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
    // A restriction with an end time, or a locked booth, has its own sentence where one exists.
    const until = error.details?.until;
    if (typeof until === 'string' && Object.hasOwn(catalog, `${key}.until`)) {
      return t(`${key}.until` as MessageKey, { until: formatInstant(until, locale) });
    }
    if (error.details?.locked && Object.hasOwn(catalog, `${key}.locked`)) return t(`${key}.locked` as MessageKey);
    if (error.code === 'INVALID_PAYLOAD') {
      // Name the field in the reader's words, never the server's path or its English message.
      const field = fieldKey(error.details?.field);
      return field ? t(key, { detail: t(field) }) : t('error.INVALID_PAYLOAD.unnamed');
    }
    return t(key, { seconds: error.details?.retryAfterSeconds ?? 60 });
  };
  return t;
}
