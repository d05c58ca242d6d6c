import { and, asc, desc, eq, ne } from 'drizzle-orm';
import { Router } from 'express';
import { LANGUAGES, type Language } from '../../shared/limits.js';
import type { Role } from '../../shared/roles.js';
import {
  checkSurveyDefinition,
  hasNpsShape,
  npsOf,
  npsTemplateQuestions,
  SURVEY_MIN_GROUP,
  surveyAnswerSchema,
  surveyCreateSchema,
  surveyLanguage,
  surveyQuestionsSchema,
  surveyStatusSchema,
  type Breakdown,
  type ChoiceGroup,
  type CurrentSurvey,
  type NpsQuestion,
  type PerLanguageText,
  type RatingGroup,
  type SurveyAnswers,
  type SurveyDefinition,
  type SurveyDefinitionInput,
  type SurveyGroup,
  type SurveyKind,
  type SurveyQuestion,
  type SurveyQuestionResult,
  type SurveyResults,
  type SurveyStatus,
  type SurveySummary,
  type SurveyTemplate,
} from '../../shared/survey.js';
import type { AuthService, Clock } from '../auth/service.js';
import { readerLanguage } from '../conduct/service.js';
import type { Db } from '../db/open.js';
import { writeDurably } from '../db/storage-errors.js';
import { boothVisits, surveyResponses, surveys } from '../db/tables.js';
import { sendCsv, toCsv } from '../http/csv.js';
import { fail, ok, sendError, sendResult, type Result } from '../http/errors.js';
import { asyncHandler, currentUser, parseBody, requireCapability, requireUser } from '../http/middleware.js';
import type { Inbox } from '../inbox/service.js';
import type { AuditLog } from '../moderation/audit.js';

export type SurveyService = ReturnType<typeof createSurveyService>;

type SurveyRow = typeof surveys.$inferSelect;
type AnswerRow = { answers: Record<string, unknown>; locale: Language; role: Role };

const notFound = () => fail('NOT_FOUND', 'There is no such survey.');

/**
 * A survey's questions as stored: `{ title, questions: [...] }`; surveys made before organisers
 * could write their own hold the NPS template's text by key (`{ recommend: { en, es, fr }, … }`).
 */
export function surveyDefinitionOf(stored: unknown): SurveyDefinition {
  if (typeof stored === 'object' && stored !== null && Array.isArray((stored as { questions?: unknown }).questions)) {
    const held = stored as { title?: PerLanguageText | null; questions: SurveyQuestion[] };
    return { title: held.title ?? null, questions: held.questions };
  }
  const legacy = (stored ?? {}) as Partial<Record<NpsQuestion, PerLanguageText>>;
  return { title: null, questions: npsTemplateQuestions().map((q) => ({ ...q, text: legacy[q.key as NpsQuestion] ?? q.text })) };
}

function summary(row: SurveyRow): SurveySummary {
  const { title, questions } = surveyDefinitionOf(row.questions);
  return {
    id: row.id,
    template: row.template as SurveyKind,
    status: row.status as SurveyStatus,
    openedAt: row.openedAt?.toISOString() ?? null,
    closedAt: row.closedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    title,
    questions,
  };
}

/** A group's figures, or none at all when so few answered that they could point at someone. */
function group(scores: number[]): SurveyGroup {
  if (scores.length < SURVEY_MIN_GROUP) return { tooFew: true };
  const { promoters, passives, detractors, nps } = npsOf(scores);
  return { tooFew: false, responses: scores.length, promoters, passives, detractors, nps: nps! };
}

const averageOf = (values: number[]) => (values.length === 0 ? null : Math.round((values.reduce((sum, v) => sum + v, 0) / values.length) * 100) / 100);
const ratingDistribution = (values: number[]) => [1, 2, 3, 4, 5].map((score) => values.filter((v) => v === score).length);

function ratingGroup(values: number[]): RatingGroup {
  if (values.length < SURVEY_MIN_GROUP) return { tooFew: true };
  return { tooFew: false, responses: values.length, average: averageOf(values)!, distribution: ratingDistribution(values) };
}

function choiceGroup(question: SurveyQuestion, values: string[]): ChoiceGroup {
  if (values.length < SURVEY_MIN_GROUP) return { tooFew: true };
  return { tooFew: false, responses: values.length, counts: Object.fromEntries((question.options ?? []).map((o) => [o.key, values.filter((v) => v === o.key).length])) };
}

const numberOf = (answers: Record<string, unknown>, key: string): number | null => (typeof answers[key] === 'number' ? answers[key] : null);
const textOf = (answers: Record<string, unknown>, key: string): string | null => (typeof answers[key] === 'string' && answers[key] ? answers[key] : null);

/** The same figures for everyone, each language, hosts and members (moderators and organisers count only in the totals). */
function breakdown<G>(rows: AnswerRow[], figures: (rows: AnswerRow[]) => G): Breakdown<G> {
  return {
    byLanguage: Object.fromEntries(LANGUAGES.map((language) => [language, figures(rows.filter((r) => r.locale === language))])) as Record<Language, G>,
    byRole: { hosts: figures(rows.filter((r) => r.role === 'host')), members: figures(rows.filter((r) => r.role === 'member')) },
  };
}

function questionResult(question: SurveyQuestion, rows: AnswerRow[]): SurveyQuestionResult {
  const { key, text } = question;
  const numbers = (some: AnswerRow[]) => some.flatMap((r) => (numberOf(r.answers, key) === null ? [] : [numberOf(r.answers, key)!]));
  const texts = (some: AnswerRow[]) => some.flatMap((r) => (textOf(r.answers, key) === null ? [] : [textOf(r.answers, key)!]));
  switch (question.kind) {
    case 'nps': {
      const scores = numbers(rows);
      return {
        key,
        kind: 'nps',
        text,
        responses: scores.length,
        ...npsOf(scores),
        distribution: Array.from({ length: 11 }, (_, score) => scores.filter((s) => s === score).length),
        ...breakdown(rows, (some) => group(numbers(some))),
      };
    }
    case 'rating': {
      const values = numbers(rows);
      return { key, kind: 'rating', text, responses: values.length, average: averageOf(values), distribution: ratingDistribution(values), ...breakdown(rows, (some) => ratingGroup(numbers(some))) };
    }
    case 'choice': {
      const values = texts(rows);
      const options = (question.options ?? []).map((o) => ({ key: o.key, text: o.text, count: values.filter((v) => v === o.key).length }));
      return { key, kind: 'choice', text, responses: values.length, options, ...breakdown(rows, (some) => choiceGroup(question, texts(some))) };
    }
    case 'text':
      return { key, kind: 'text', text, comments: texts(rows) };
  }
}

/**
 * An answer checked against the survey's own questions: each value of its question's kind
 * (0–10, 1–5, one of the options, text), the required ones present, no other keys; empty
 * texts are dropped. The clean answer in question order, or the field at fault.
 */
function checkAnswers(questions: readonly SurveyQuestion[], answers: SurveyAnswers): Result<SurveyAnswers> {
  const wrong = (key: string, message: string) => fail('INVALID_PAYLOAD', `answers.${key}: ${message}`, { field: `answers.${key}` });
  for (const key of Object.keys(answers)) if (!questions.some((q) => q.key === key)) return wrong(key, 'this survey has no such question');
  const clean: SurveyAnswers = {};
  for (const question of questions) {
    const value = answers[question.key];
    const missing = value === undefined || value === '';
    if (missing) {
      if (question.kind !== 'text' && question.required !== false) return wrong(question.key, 'this question needs an answer');
      continue;
    }
    switch (question.kind) {
      case 'nps':
      case 'rating': {
        const [low, high] = question.kind === 'nps' ? [0, 10] : [1, 5];
        if (typeof value !== 'number' || !Number.isInteger(value) || value < low || value > high) return wrong(question.key, `a whole number from ${low} to ${high}`);
        break;
      }
      case 'choice':
        if (typeof value !== 'string' || !(question.options ?? []).some((o) => o.key === value)) return wrong(question.key, 'one of the question’s options');
        break;
      case 'text':
        if (typeof value !== 'string') return wrong(question.key, 'text');
        break;
    }
    clean[question.key] = value;
  }
  return ok(clean);
}

/**
 * The fair survey (issue 15): organisers make one from the NPS template (its wording may be
 * changed) or write their own questions, per language; change them while it is a draft; open
 * it (one at a time; everyone gets a `survey_open` notice the first time) and close it. Each
 * person answers once and may change the answer while it is open. Results never break down a
 * group of fewer than `SURVEY_MIN_GROUP` answers.
 */
export function createSurveyService(db: Db, clock: Clock, audit: AuditLog, inbox: Inbox) {
  async function byId(id: number): Promise<SurveyRow | undefined> {
    const [row] = await db.select().from(surveys).where(eq(surveys.id, id)).limit(1);
    return row;
  }

  async function answersOf(surveyId: number): Promise<AnswerRow[]> {
    return db
      .select({ answers: surveyResponses.answers, locale: surveyResponses.locale, role: surveyResponses.role })
      .from(surveyResponses)
      .where(eq(surveyResponses.surveyId, surveyId))
      .orderBy(asc(surveyResponses.updatedAt), asc(surveyResponses.createdAt));
  }

  /** Questions checked as a whole; with `template: 'nps'` they must keep the template's keys and kinds. */
  function definitionFrom(input: SurveyDefinitionInput, template?: SurveyTemplate): Result<{ template: SurveyKind; definition: SurveyDefinition }> {
    const checked = checkSurveyDefinition(input);
    if (!checked.ok) return fail('INVALID_PAYLOAD', checked.message, { field: checked.field });
    const npsShaped = hasNpsShape(checked.definition.questions);
    if (template === 'nps' && !npsShaped)
      return fail('INVALID_PAYLOAD', 'The NPS template’s questions are recommend (nps), reason (text) and change (text): only their wording can change. Leave out `template` to write your own questions.', { field: 'questions' });
    return ok({ template: template ?? 'custom', definition: checked.definition });
  }

  return {
    async list(): Promise<SurveySummary[]> {
      return (await db.select().from(surveys).orderBy(desc(surveys.id))).map(summary);
    },

    /**
     * A draft survey: the NPS template as it is (`{ template: 'nps' }`), the template with its
     * wording changed (`questions` too), or the organiser's own questions. A survey with
     * questions written or changed by the organiser is audited (`survey:create`).
     */
    async create(actorId: string, input: { template?: SurveyTemplate; title?: PerLanguageText; questions?: SurveyDefinitionInput['questions'] }): Promise<Result<SurveySummary>> {
      if (!input.questions) {
        if (!input.template) return fail('INVALID_PAYLOAD', 'Give `template: "nps"` for the built-in survey, or `questions` for your own.', { field: 'questions' });
        if (input.title) return fail('INVALID_PAYLOAD', 'A title comes with questions: send the template’s questions too.', { field: 'title' });
        const definition: SurveyDefinition = { title: null, questions: npsTemplateQuestions() };
        const [row] = await writeDurably(db, () => db.insert(surveys).values({ template: input.template!, questions: definition, createdBy: actorId }).returning());
        return ok(summary(row!));
      }
      const checked = definitionFrom({ title: input.title, questions: input.questions }, input.template);
      if (!checked.ok) return checked;
      const row = await audit.together(
        async () => (await db.insert(surveys).values({ template: checked.data.template, questions: checked.data.definition, createdBy: actorId }).returning())[0]!,
        (made) => ({ actorId, action: 'survey:create', details: { surveyId: made.id, template: made.template, questions: checked.data.definition.questions.length } }),
      );
      return ok(summary(row));
    },

    /** New questions (and title) for a draft; refused once it has been opened. Audited (`survey:questions`). */
    async setQuestions(actorId: string, id: number, input: SurveyDefinitionInput): Promise<Result<SurveySummary>> {
      const outcome = await audit.together(
        async (): Promise<Result<SurveyRow>> => {
          const row = await byId(id);
          if (!row) return notFound();
          if (row.status !== 'draft' || row.openedAt !== null)
            return fail('CONFLICT', 'This survey has been opened: its questions can no longer change (answers are already tied to them). Make a new survey instead.', { status: row.status });
          // The template stays the template while only its wording changes; other questions make it the organiser's own.
          const checked = definitionFrom(input, undefined);
          if (!checked.ok) return checked;
          const template = row.template === 'nps' && hasNpsShape(checked.data.definition.questions) ? 'nps' : 'custom';
          const [updated] = await db.update(surveys).set({ template, questions: checked.data.definition }).where(eq(surveys.id, id)).returning();
          return ok(updated!);
        },
        (done) => (done.ok ? { actorId, action: 'survey:questions', details: { surveyId: id, template: done.data.template, questions: surveyDefinitionOf(done.data.questions).questions.length } } : null),
      );
      return outcome.ok ? ok(summary(outcome.data)) : outcome;
    },

    /** Opens or closes a survey; opening while another is open is a conflict. Audited; the first opening tells everyone. */
    async setStatus(actorId: string, id: number, status: 'open' | 'closed'): Promise<Result<SurveySummary>> {
      const now = new Date(clock.now());
      const outcome = await audit.together(
        async () => {
          const row = await byId(id);
          if (!row) return { error: notFound() };
          if (row.status === status || (status === 'closed' && row.status === 'draft')) return { row, changed: false, firstOpening: false };
          if (status === 'open') {
            const [other] = await db.select({ id: surveys.id }).from(surveys).where(and(eq(surveys.status, 'open'), ne(surveys.id, id))).limit(1);
            if (other) return { error: fail('CONFLICT', 'Another survey is open: close it first.') };
          }
          const change = status === 'open' ? { status, openedAt: row.openedAt ?? now, closedAt: null } : { status, closedAt: now };
          const [updated] = await db.update(surveys).set(change).where(eq(surveys.id, id)).returning();
          return { row: updated!, changed: true, firstOpening: status === 'open' && row.openedAt === null };
        },
        (done) => ('row' in done && done.changed ? { actorId, action: status === 'open' ? 'survey:open' : 'survey:close', details: { surveyId: id, template: done.row.template } } : null),
      );
      if ('error' in outcome) return outcome.error!;
      if (outcome.firstOpening) await inbox.deliver(null, 'survey_open', { surveyId: id });
      return ok(summary(outcome.row));
    },

    /** The open survey in the reader's language (or the first it has), and this person's answer to it. */
    async current(userId: string, language: Language): Promise<CurrentSurvey> {
      const [row] = await db.select().from(surveys).where(eq(surveys.status, 'open')).orderBy(desc(surveys.id)).limit(1);
      if (!row) return { survey: null, answer: null };
      const { title, questions } = surveyDefinitionOf(row.questions);
      const shown = surveyLanguage(questions, language);
      const items = questions.map((q) => ({
        key: q.key,
        kind: q.kind,
        text: q.text[shown] ?? '',
        required: q.kind !== 'text' && q.required !== false,
        ...(q.options ? { options: q.options.map((o) => ({ key: o.key, text: o.text[shown] ?? '' })) } : {}),
      }));
      const [mine] = await db
        .select({ answers: surveyResponses.answers })
        .from(surveyResponses)
        .where(and(eq(surveyResponses.surveyId, row.id), eq(surveyResponses.userId, userId)))
        .limit(1);
      return {
        survey: {
          id: row.id,
          template: row.template as SurveyKind,
          language: shown,
          title: title?.[shown] ?? null,
          questions: Object.fromEntries(items.map((q) => [q.key, q.text])),
          items,
        },
        answer: (mine?.answers as SurveyAnswers | undefined) ?? null,
      };
    },

    /** Answers, or changes the answer, while the survey is open; checked against its own questions. */
    async answer(user: { id: string; role: Role }, id: number, answers: SurveyAnswers, locale: Language): Promise<Result<{ answer: SurveyAnswers }>> {
      return writeDurably(db, async () => {
        const row = await byId(id);
        if (!row) return notFound();
        if (row.status !== 'open') return fail('CONFLICT', 'This survey is closed: answers can no longer change.');
        const checked = checkAnswers(surveyDefinitionOf(row.questions).questions, answers);
        if (!checked.ok) return checked;
        const clean = checked.data;
        const now = new Date(clock.now());
        await db
          .insert(surveyResponses)
          .values({ surveyId: id, userId: user.id, answers: clean, locale, role: user.role, createdAt: now, updatedAt: now })
          .onConflictDoUpdate({ target: [surveyResponses.surveyId, surveyResponses.userId], set: { answers: clean, locale, role: user.role, updatedAt: now } });
        return ok({ answer: clean });
      });
    },

    async results(id: number): Promise<Result<SurveyResults>> {
      const row = await byId(id);
      if (!row) return notFound();
      const rows = await answersOf(id);
      const { questions } = surveyDefinitionOf(row.questions);
      const perQuestion = questions.map((question) => questionResult(question, rows));
      // Who came: visited a booth, or answered (someone who answers the fair's survey was at the fair).
      const came = (
        await db
          .select({ userId: boothVisits.userId })
          .from(boothVisits)
          .union(db.select({ userId: surveyResponses.userId }).from(surveyResponses).where(eq(surveyResponses.surveyId, id)))
      ).length;
      // The headline NPS is the first NPS question's (the template's `recommend`).
      const headline = perQuestion.find((q) => q.kind === 'nps');
      const none = questionResult({ key: '_', kind: 'nps', text: {} }, []);
      const nps = headline?.kind === 'nps' ? headline : none.kind === 'nps' ? none : null;
      const comments = Object.fromEntries(perQuestion.flatMap((q) => (q.kind === 'text' ? [[q.key, q.comments]] : [])));
      return ok({
        survey: summary(row),
        responses: headline ? nps!.responses : rows.length,
        promoters: nps!.promoters,
        passives: nps!.passives,
        detractors: nps!.detractors,
        nps: nps!.nps,
        distribution: nps!.distribution,
        answered: rows.length,
        came,
        byLanguage: nps!.byLanguage,
        byRole: nps!.byRole,
        comments,
        questions: perQuestion,
      });
    },

    /**
     * The answers as CSV, anonymised: a column per question (its key; a choice shows the
     * option's text in the survey's first language) and the interface language, in the order
     * they were last changed; no ids, names, roles or times.
     */
    async csv(id: number): Promise<Result<string>> {
      const row = await byId(id);
      if (!row) return notFound();
      const rows = await answersOf(id);
      const { questions } = surveyDefinitionOf(row.questions);
      const first = surveyLanguage(questions, 'en');
      const cell = (question: SurveyQuestion, answers: Record<string, unknown>) => {
        if (question.kind === 'nps' || question.kind === 'rating') return numberOf(answers, question.key);
        const value = textOf(answers, question.key);
        if (question.kind === 'choice' && value !== null) return question.options?.find((o) => o.key === value)?.text[first] ?? value;
        return value;
      };
      return ok(
        toCsv(
          [...questions.map((q) => q.key), 'language'],
          rows.map((r) => [...questions.map((q) => cell(q, r.answers)), r.locale]),
        ),
      );
    },
  };
}

const surveyIdOf = (raw: unknown): number | null => {
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 && id < 2 ** 31 ? id : null;
};

/**
 * `GET`/`POST /api/surveys`, `PATCH /api/surveys/:id`, `PUT /api/surveys/:id/questions`, `GET /api/surveys/:id/results`
 * (`?format=csv`) for organisers; `GET /api/surveys/current` and `PUT /api/surveys/:id/response`
 * for everyone signed in.
 */
export function surveyRoutes(auth: AuthService, surveysService: SurveyService): Router {
  const router = Router();
  const organisers = [requireUser(auth), requireCapability('fair:settings')];
  router.get(
    '/api/surveys',
    ...organisers,
    asyncHandler(async (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json({ surveys: await surveysService.list() });
    }),
  );
  router.post(
    '/api/surveys',
    ...organisers,
    asyncHandler(async (req, res) => {
      const body = parseBody(surveyCreateSchema, req, res);
      if (!body) return;
      sendResult(res, await surveysService.create(currentUser(res).id, body), 201);
    }),
  );
  router.put(
    '/api/surveys/:id/questions',
    ...organisers,
    asyncHandler(async (req, res) => {
      const id = surveyIdOf(req.params.id);
      if (id === null) return sendError(res, notFound().error);
      const body = parseBody(surveyQuestionsSchema, req, res);
      if (!body) return;
      sendResult(res, await surveysService.setQuestions(currentUser(res).id, id, body));
    }),
  );
  router.get(
    '/api/surveys/current',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json(await surveysService.current(currentUser(res).id, readerLanguage(req)));
    }),
  );
  router.patch(
    '/api/surveys/:id',
    ...organisers,
    asyncHandler(async (req, res) => {
      const id = surveyIdOf(req.params.id);
      if (id === null) return sendError(res, notFound().error);
      const body = parseBody(surveyStatusSchema, req, res);
      if (!body) return;
      sendResult(res, await surveysService.setStatus(currentUser(res).id, id, body.status));
    }),
  );
  router.put(
    '/api/surveys/:id/response',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const id = surveyIdOf(req.params.id);
      if (id === null) return sendError(res, notFound().error);
      const body = parseBody(surveyAnswerSchema, req, res);
      if (!body) return;
      const user = currentUser(res);
      sendResult(res, await surveysService.answer(user, id, body.answers, body.language ?? readerLanguage(req)));
    }),
  );
  router.get(
    '/api/surveys/:id/results',
    ...organisers,
    asyncHandler(async (req, res) => {
      const id = surveyIdOf(req.params.id);
      if (id === null) return sendError(res, notFound().error);
      res.setHeader('Cache-Control', 'no-store');
      if (req.query.format === 'csv') {
        const csv = await surveysService.csv(id);
        if (!csv.ok) return sendError(res, csv.error);
        return sendCsv(res, `survey-${id}.csv`, csv.data);
      }
      sendResult(res, await surveysService.results(id));
    }),
  );
  return router;
}
