import { z } from 'zod';
import { LANGUAGES, SURVEY_ANSWER_MAX_CHARS, type Language } from './limits.js';

import {
  SURVEY_KEY_PATTERN,
  SURVEY_MAX_OPTIONS,
  SURVEY_MAX_QUESTIONS,
  SURVEY_OPTION_MAX_CHARS,
  SURVEY_QUESTION_KINDS,
  SURVEY_QUESTION_MAX_CHARS,
  SURVEY_TEMPLATES,
  SURVEY_TITLE_MAX_CHARS,
  type PerLanguageText,
  type SurveyQuestion,
  type SurveyQuestionKind,
  type SurveyTemplate,
} from './survey-questions.js';

/** The questions' types, bounds and checks (no zod: the console's chunk uses them too). */
export * from './survey-questions.js';

const perLanguageText = (max: number) =>
  z.strictObject({ en: z.string().trim().max(max).optional(), es: z.string().trim().max(max).optional(), fr: z.string().trim().max(max).optional() });

const questionSchema = z.strictObject({
  key: z.string().regex(SURVEY_KEY_PATTERN, 'a key is a lower-case letter, then up to 31 letters, digits or _'),
  kind: z.enum(SURVEY_QUESTION_KINDS),
  text: perLanguageText(SURVEY_QUESTION_MAX_CHARS),
  required: z.boolean().optional(),
  options: z
    .array(z.strictObject({ key: z.string().regex(SURVEY_KEY_PATTERN).optional(), text: perLanguageText(SURVEY_OPTION_MAX_CHARS) }))
    .max(SURVEY_MAX_OPTIONS)
    .optional(),
});

/** An organiser's questions (and title) before the checks that need all of them at once (`checkSurveyDefinition`). */
export const surveyDefinitionSchema = z.strictObject({
  title: perLanguageText(SURVEY_TITLE_MAX_CHARS).optional(),
  questions: z.array(questionSchema).max(SURVEY_MAX_QUESTIONS),
});

/**
 * `POST /api/surveys`: the built-in NPS survey (`{ template: 'nps' }`, optionally with its
 * wording changed: `questions` with the template's keys and kinds), or the organiser's own
 * (`{ title?, questions }`).
 */
export const surveyCreateSchema = z.strictObject({
  template: z.enum(SURVEY_TEMPLATES).optional(),
  title: surveyDefinitionSchema.shape.title,
  questions: surveyDefinitionSchema.shape.questions.optional(),
});

/** `PUT /api/surveys/:id/questions`: new questions (and title) for a survey not opened yet. */
export const surveyQuestionsSchema = surveyDefinitionSchema;

/** `PATCH /api/surveys/:id`: open it (only one survey is open at a time) or close it. */
export const surveyStatusSchema = z.strictObject({ status: z.enum(['open', 'closed']) });

const freeText = z.string().trim().max(SURVEY_ANSWER_MAX_CHARS);

/**
 * `PUT /api/surveys/:id/response`: `{ answers: { [question key]: value } }` (0–10 for nps,
 * 1–5 for rating, an option's key for choice, text for text), checked against the survey's own
 * questions; `language` is the interface language the member answered in. The NPS template's
 * answer is `{ recommend: 0–10, reason?, change? }`.
 */
export const surveyAnswerSchema = z.strictObject({
  answers: z.record(z.string().regex(SURVEY_KEY_PATTERN), z.union([z.number(), freeText])),
  language: z.enum(LANGUAGES).optional(),
});
/** An answer: a value per question key. */
export type SurveyAnswers = Record<string, number | string>;
/** The NPS template's answer. */
export interface NpsAnswers {
  recommend: number;
  reason?: string;
  change?: string;
}

export type SurveyStatus = 'draft' | 'open' | 'closed';

/** `nps`: the built-in template (its wording may be changed); `custom`: an organiser's own questions. */
export type SurveyKind = SurveyTemplate | 'custom';

/** A survey as organisers list it, with its questions in every language it has. */
export interface SurveySummary {
  id: number;
  template: SurveyKind;
  status: SurveyStatus;
  openedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  title: PerLanguageText | null;
  questions: SurveyQuestion[];
}

/** One question as a member sees it, in one language. */
export interface SurveyQuestionView {
  key: string;
  kind: SurveyQuestionKind;
  text: string;
  required: boolean;
  options?: { key: string; text: string }[];
}

/** `GET /api/surveys/current`: the open survey in the reader's language, and their own answer. */
export interface CurrentSurvey {
  survey: {
    id: number;
    template: SurveyKind;
    language: Language;
    title: string | null;
    /** Each question's text by key (the NPS template's: `recommend`, `reason`, `change`). */
    questions: Record<string, string>;
    /** The questions in order, with their kind and options. */
    items: SurveyQuestionView[];
  } | null;
  answer: SurveyAnswers | null;
}

/** One breakdown group: no figures at all when it holds fewer than `SURVEY_MIN_GROUP` answers. */
export type SurveyGroup =
  | { tooFew: true }
  | { tooFew: false; responses: number; promoters: number; passives: number; detractors: number; nps: number };
export type RatingGroup = { tooFew: true } | { tooFew: false; responses: number; average: number; distribution: number[] };
export type ChoiceGroup = { tooFew: true } | { tooFew: false; responses: number; counts: Record<string, number> };

/** The breakdowns of one question: by interface language, and hosts versus members. */
export interface Breakdown<G> {
  byLanguage: Record<Language, G>;
  byRole: { hosts: G; members: G };
}

/** One question's results (`text` is the question in every language it has). */
export type SurveyQuestionResult =
  | ({ key: string; kind: 'nps'; text: PerLanguageText; responses: number; promoters: number; passives: number; detractors: number; nps: number | null; distribution: number[] } & Breakdown<SurveyGroup>)
  | ({ key: string; kind: 'rating'; text: PerLanguageText; responses: number; average: number | null; distribution: number[] } & Breakdown<RatingGroup>)
  | ({ key: string; kind: 'choice'; text: PerLanguageText; responses: number; options: { key: string; text: PerLanguageText; count: number }[] } & Breakdown<ChoiceGroup>)
  | { key: string; kind: 'text'; text: PerLanguageText; comments: string[] };

/**
 * `GET /api/surveys/:id/results` (organisers). The top-level NPS figures are the survey's
 * first NPS question's (the template's `recommend`; none: zeros and a null NPS); `questions`
 * has every question's own results.
 */
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
  /** The free-text answers by question key (the template's: `reason`, `change`), oldest first, without names. */
  comments: Record<string, string[]>;
  questions: SurveyQuestionResult[];
}

/** NPS of a set of scores: % promoters (9–10) − % detractors (0–6), rounded; null for none. */
export function npsOf(scores: readonly number[]): { promoters: number; passives: number; detractors: number; nps: number | null } {
  const promoters = scores.filter((score) => score >= 9).length;
  const detractors = scores.filter((score) => score <= 6).length;
  const passives = scores.length - promoters - detractors;
  const nps = scores.length === 0 ? null : Math.round(((promoters - detractors) * 100) / scores.length);
  return { promoters, passives, detractors, nps };
}
