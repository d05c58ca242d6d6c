import { useMemo } from 'react';
import type { Language } from '../../../shared/limits.js';
import { partTranslator, type MessageKey, type Params, type Translator } from './index.js';
import { useT } from './use-t.js';

/**
 * The strings of a lazily loaded page (made with defineMessages but kept out of PARTS, so the
 * entry never downloads them). catalog.test.ts checks them as it checks the main catalogue.
 */
export type LazyPart<K extends string> = Record<Language, Record<K, string>>;

/** Translates a lazy part's keys; `app` is the main translator (shared words, API errors). */
export interface PartTranslator<K extends string> {
  (key: K, params?: Params): string;
  app: Translator;
  locale: Language;
}

/** A translator for one lazy part in the member's chosen language; re-renders when it changes. */
export function usePartT<K extends string>(part: LazyPart<K>): PartTranslator<K> {
  const app = useT();
  return useMemo(
    () => Object.assign(partTranslator(part, app.locale), { app, locale: app.locale }),
    [app, part],
  );
}

/** The main translator with a lazy part's keys added: for a page whose own strings live in its chunk. */
export type TranslatorWith<K extends string> = Translator & ((key: K, params?: Params) => string);

/**
 * Like useT, but also knows one lazy part's keys (they win): a lazily loaded page keeps calling
 * `t(key)` for its own strings and the entry's shared ones alike.
 */
export function useTWith<K extends string>(part: LazyPart<K>): TranslatorWith<K> {
  const app = useT();
  return useMemo(() => {
    const own = partTranslator(part, app.locale);
    const rules = new Intl.PluralRules(app.locale);
    const t = ((key: string, params?: Params) => (Object.hasOwn(part.en, key) ? own(key as K, params) : app(key as MessageKey, params))) as TranslatorWith<K>;
    t.locale = app.locale;
    t.plural = (key, count, params) => t(`${key}.${rules.select(count) === 'one' ? 'one' : 'other'}` as MessageKey, { count, ...params });
    t.error = (error) => app.error(error);
    return t;
  }, [app, part]);
}
