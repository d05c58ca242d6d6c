import { useMemo } from 'react';
import type { Language } from '../../../shared/limits.js';
import { partTranslator, type Params, type Translator } from './index.js';
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
