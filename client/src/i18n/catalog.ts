import type { Language } from '../../../shared/limits.js';
import { account } from './parts/account.js';
import { booth } from './parts/booth.js';
import { core } from './parts/core.js';
import { ease } from './parts/ease.js';
import { host } from './parts/host.js';
import { moderation } from './parts/moderation.js';
import { privacy } from './parts/privacy.js';
import { video } from './parts/video.js';

/** Every part of the catalogue; add a feature's strings here. */
const PARTS = [core, booth, ease, video, moderation, host, privacy, account] as const;

type Part = (typeof PARTS)[number];
type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;
export type MessageKey = keyof UnionToIntersection<Part['en']>;
export type Messages = Record<MessageKey, string>;

function merge(language: Language): Messages {
  return Object.assign({}, ...PARTS.map((part) => part[language])) as Messages;
}

export const CATALOGS: Record<Language, Messages> = { en: merge('en'), es: merge('es'), fr: merge('fr') };
