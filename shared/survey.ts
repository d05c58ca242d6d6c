import { z } from 'zod';
import { LANGUAGES, SURVEY_ANSWER_MAX_CHARS, type Language } from './limits.js';

/** A breakdown group (a language, hosts or members) with fewer answers than this shows no figures. */
export const SURVEY_MIN_GROUP = 5;

/** The survey templates the server knows; only the built-in NPS one for now. */
export const SURVEY_TEMPLATES = ['nps'] as const;
export type SurveyTemplate = (typeof SURVEY_TEMPLATES)[number];

/** The NPS template's questions, in the order they are asked. */
export const NPS_QUESTIONS = ['recommend', 'reason', 'change'] as const;
export type NpsQuestion = (typeof NPS_QUESTIONS)[number];

/** The built-in NPS survey's wording, per language (stored with each survey made from it). */
export const NPS_TEMPLATE_TEXT: Record<NpsQuestion, Record<Language, string>> = {
  recommend: {
    en: 'How likely are you to recommend the Digital Fair to a colleague?',
    es: '¿Qué probabilidad hay de que recomiendes la Feria Digital a un colega?',
    fr: 'Quelle est la probabilité que vous recommandiez la Foire numérique à un ou une collègue ?',
  },
  reason: {
    en: 'What is the main reason for your score?',
    es: '¿Cuál es la razón principal de tu puntuación?',
    fr: 'Quelle est la raison principale de votre note ?',
  },
  change: {
    en: 'What one thing should we change?',
    es: '¿Qué cosa deberíamos cambiar?',
    fr: 'Quelle chose devrions-nous changer ?',
  },
};

/** `POST /api/surveys`: a survey made from a template (custom questions are not offered yet). */
export const surveyCreateSchema = z.strictObject({ template: z.enum(SURVEY_TEMPLATES) });

/** `PATCH /api/surveys/:id`: open it (only one survey is open at a time) or close it. */
export const surveyStatusSchema = z.strictObject({ status: z.enum(['open', 'closed']) });

const freeText = z.string().trim().max(SURVEY_ANSWER_MAX_CHARS);

/** `PUT /api/surveys/:id/response`: the NPS answer; `language` is the interface language the member answered in. */
export const surveyAnswerSchema = z.strictObject({
  answers: z.strictObject({
    recommend: z.number().int().min(0).max(10),
    reason: freeText.optional(),
    change: freeText.optional(),
  }),
  language: z.enum(LANGUAGES).optional(),
});
export type SurveyAnswers = z.infer<typeof surveyAnswerSchema>['answers'];

export type SurveyStatus = 'draft' | 'open' | 'closed';

/** A survey as organisers list it. */
export interface SurveySummary {
  id: number;
  template: SurveyTemplate;
  status: SurveyStatus;
  openedAt: string | null;
  closedAt: string | null;
  createdAt: string;
}

/** `GET /api/surveys/current`: the open survey in the reader's language, and their own answer. */
export interface CurrentSurvey {
  survey: { id: number; template: SurveyTemplate; language: Language; questions: Record<NpsQuestion, string> } | null;
  answer: SurveyAnswers | null;
}

/** One breakdown group: no figures at all when it holds fewer than `SURVEY_MIN_GROUP` answers. */
export type SurveyGroup =
  | { tooFew: true }
  | { tooFew: false; responses: number; promoters: number; passives: number; detractors: number; nps: number };

/** `GET /api/surveys/:id/results` (organisers). */
export interface SurveyResults {
  survey: SurveySummary;
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** % promoters (9–10) − % detractors (0–6), rounded; null with no answers. */
  nps: number | null;
  /** How many answered 0, 1, … 10. */
  distribution: number[];
  answered: number;
  /** People who came: visited at least one booth, or answered. */
  came: number;
  byLanguage: Record<Language, SurveyGroup>;
  /** Hosts and members (moderators' and organisers' answers count only in the totals). */
  byRole: { hosts: SurveyGroup; members: SurveyGroup };
  /** The free-text answers, oldest first, without names. */
  comments: { reason: string[]; change: string[] };
}

/** NPS of a set of scores: % promoters (9–10) − % detractors (0–6), rounded; null for none. */
export function npsOf(scores: readonly number[]): { promoters: number; passives: number; detractors: number; nps: number | null } {
  const promoters = scores.filter((score) => score >= 9).length;
  const detractors = scores.filter((score) => score <= 6).length;
  const passives = scores.length - promoters - detractors;
  const nps = scores.length === 0 ? null : Math.round(((promoters - detractors) * 100) / scores.length);
  return { promoters, passives, detractors, nps };
}
