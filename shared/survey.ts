import { z } from 'zod';
import { LANGUAGES, SURVEY_ANSWER_MAX_CHARS, type Language } from './limits.js';

/** A breakdown group (a language, hosts or members) with fewer answers than this shows no figures. */
export const SURVEY_MIN_GROUP = 5;

/** The survey templates the server knows: the built-in NPS one (organisers may also write their own). */
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

/** The kinds of question an organiser's own survey may ask. */
export const SURVEY_QUESTION_KINDS = ['nps', 'rating', 'choice', 'text'] as const;
export type SurveyQuestionKind = (typeof SURVEY_QUESTION_KINDS)[number];

/** Bounds of an organiser's survey. */
export const SURVEY_MAX_QUESTIONS = 10;
export const SURVEY_MIN_OPTIONS = 2;
export const SURVEY_MAX_OPTIONS = 8;
export const SURVEY_QUESTION_MAX_CHARS = 300;
export const SURVEY_OPTION_MAX_CHARS = 120;
export const SURVEY_TITLE_MAX_CHARS = 120;
/** A question's key: its CSV column and its place in the answer (`recommend`, `q2`, `venue_rating`). */
export const SURVEY_KEY_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/** A text in some of the fair's languages (an absent or empty language: none in it). */
export type PerLanguageText = Partial<Record<Language, string>>;

/** One question as stored and as organisers write it; `required` applies to nps/rating/choice (free text is always optional). */
export interface SurveyQuestion {
  key: string;
  kind: SurveyQuestionKind;
  text: PerLanguageText;
  required?: boolean;
  /** For `choice` only: 2–8 options; the answer is the option's key. */
  options?: { key: string; text: PerLanguageText }[];
}

/** A survey's own words: an optional title, and its questions in the order they are asked. */
export interface SurveyDefinition {
  title: PerLanguageText | null;
  questions: SurveyQuestion[];
}

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
export type SurveyDefinitionInput = z.infer<typeof surveyDefinitionSchema>;

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

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', es: 'Spanish', fr: 'French' };

const filledLanguages = (text: PerLanguageText | undefined): Language[] => LANGUAGES.filter((l) => Boolean(text?.[l]?.trim()));

/**
 * The checks on a whole survey: 1–10 questions, unique keys, every question (option, title)
 * with text in at least one language and in the same languages as the others; options only
 * for `choice` (2–8, distinct keys). Returns the clean definition (empty languages dropped,
 * option keys filled in: `1`, `2`, …), or the first problem: the field's path and a sentence
 * that says what is missing where.
 */
export function checkSurveyDefinition(input: SurveyDefinitionInput): { ok: true; definition: SurveyDefinition } | { ok: false; field: string; message: string } {
  const problem = (field: string, message: string) => ({ ok: false as const, field, message });
  if (input.questions.length === 0) return problem('questions', 'A survey needs at least one question.');
  const clean = (text: PerLanguageText | undefined): PerLanguageText => Object.fromEntries(filledLanguages(text).map((l) => [l, text![l]!.trim()]));
  const seen = new Set<string>();
  let languages: Language[] | null = null;
  let reference = '';
  const sameLanguages = (field: string, what: string, text: PerLanguageText | undefined) => {
    const has = filledLanguages(text);
    if (has.length === 0) return problem(`${field}.text`, `${what} has no text in any language.`);
    if (languages === null) {
      languages = has;
      reference = what.toLowerCase();
      return null;
    }
    const missing = languages.find((l) => !has.includes(l));
    if (missing) return problem(`${field}.text.${missing}`, `${what} has no ${LANGUAGE_NAMES[missing]} text, but ${reference} has: write it in ${LANGUAGE_NAMES[missing]} too, or remove the ${LANGUAGE_NAMES[missing]} text everywhere.`);
    const extra = has.find((l) => !languages!.includes(l));
    if (extra) return problem(`${field}.text.${extra}`, `${what} has ${LANGUAGE_NAMES[extra]} text, but ${reference} has none: write ${reference} in ${LANGUAGE_NAMES[extra]} too, or remove this ${LANGUAGE_NAMES[extra]} text.`);
    return null;
  };
  const questions: SurveyQuestion[] = [];
  for (const [i, q] of input.questions.entries()) {
    const field = `questions.${i}`;
    const what = `Question ${i + 1} (${q.key})`;
    if (q.key === 'language') return problem(`${field}.key`, `${what}: "language" is the CSV's column for the answer's language; choose another key.`);
    if (seen.has(q.key)) return problem(`${field}.key`, `${what}: another question already has the key "${q.key}"; keys must be unique.`);
    seen.add(q.key);
    const wrong = sameLanguages(field, what, q.text);
    if (wrong) return wrong;
    const question: SurveyQuestion = { key: q.key, kind: q.kind, text: clean(q.text) };
    if (q.kind !== 'text') question.required = q.required ?? true;
    if (q.kind === 'choice') {
      const options = q.options ?? [];
      if (options.length < SURVEY_MIN_OPTIONS || options.length > SURVEY_MAX_OPTIONS)
        return problem(`${field}.options`, `${what} is a choice: give it ${SURVEY_MIN_OPTIONS} to ${SURVEY_MAX_OPTIONS} options.`);
      const keys = new Set<string>();
      question.options = [];
      for (const [j, option] of options.entries()) {
        const key = option.key ?? String(j + 1);
        if (keys.has(key)) return problem(`${field}.options.${j}.key`, `${what}: two options have the key "${key}".`);
        keys.add(key);
        const optionWrong = sameLanguages(`${field}.options.${j}`, `Option ${j + 1} of question ${i + 1}`, option.text);
        if (optionWrong) return optionWrong;
        question.options.push({ key, text: clean(option.text) });
      }
    } else if (q.options !== undefined) return problem(`${field}.options`, `${what}: only a choice question has options.`);
    questions.push(question);
  }
  let title: PerLanguageText | null = null;
  if (input.title && filledLanguages(input.title).length > 0) {
    const wrong = sameLanguages('title', 'The title', input.title);
    if (wrong) return { ...wrong, field: wrong.field.replace('title.text', 'title') };
    title = clean(input.title);
  }
  return { ok: true, definition: { title, questions } };
}

/** The built-in NPS survey's questions (the template's wording; organisers may change it before opening). */
export function npsTemplateQuestions(): SurveyQuestion[] {
  return [
    { key: 'recommend', kind: 'nps', text: { ...NPS_TEMPLATE_TEXT.recommend }, required: true },
    { key: 'reason', kind: 'text', text: { ...NPS_TEMPLATE_TEXT.reason } },
    { key: 'change', kind: 'text', text: { ...NPS_TEMPLATE_TEXT.change } },
  ];
}

/** Whether questions keep the NPS template's shape (its keys and kinds, in order): only its wording may differ. */
export function hasNpsShape(questions: readonly SurveyQuestion[]): boolean {
  const template = npsTemplateQuestions();
  return questions.length === template.length && questions.every((q, i) => q.key === template[i]!.key && q.kind === template[i]!.kind && (q.kind !== 'nps' || q.required !== false));
}

/** The language a survey is shown in: the reader's if it has it, else the first it has (as the NPS one always did). */
export function surveyLanguage(questions: readonly SurveyQuestion[], wanted: Language): Language {
  const first = questions[0]?.text ?? {};
  return first[wanted] ? wanted : (LANGUAGES.find((other) => first[other]) ?? 'en');
}

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
