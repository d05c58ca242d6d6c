import { LANGUAGES, type Language } from './limits.js';

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

/** What organisers send: a title and questions, before `checkSurveyDefinition` cleans them. */
export interface SurveyDefinitionInput {
  title?: PerLanguageText;
  questions: { key: string; kind: SurveyQuestionKind; text: PerLanguageText; required?: boolean; options?: { key?: string; text: PerLanguageText }[] }[];
}

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

