import { and, asc, desc, eq, ne } from 'drizzle-orm';
import { Router } from 'express';
import { LANGUAGES, type Language } from '../../shared/limits.js';
import type { Role } from '../../shared/roles.js';
import {
  NPS_QUESTIONS,
  NPS_TEMPLATE_TEXT,
  npsOf,
  SURVEY_MIN_GROUP,
  surveyAnswerSchema,
  surveyCreateSchema,
  surveyStatusSchema,
  type CurrentSurvey,
  type NpsQuestion,
  type SurveyAnswers,
  type SurveyGroup,
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
type Questions = Record<NpsQuestion, Partial<Record<Language, string>>>;

const notFound = () => fail('NOT_FOUND', 'There is no such survey.');

function summary(row: SurveyRow): SurveySummary {
  return {
    id: row.id,
    template: row.template as SurveyTemplate,
    status: row.status as SurveyStatus,
    openedAt: row.openedAt?.toISOString() ?? null,
    closedAt: row.closedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A group's figures, or none at all when so few answered that they could point at someone. */
function group(scores: number[]): SurveyGroup {
  if (scores.length < SURVEY_MIN_GROUP) return { tooFew: true };
  const { promoters, passives, detractors, nps } = npsOf(scores);
  return { tooFew: false, responses: scores.length, promoters, passives, detractors, nps: nps! };
}

const scoreOf = (answers: Record<string, unknown>) => Number(answers.recommend);
const textOf = (answers: Record<string, unknown>, key: NpsQuestion) => (typeof answers[key] === 'string' && answers[key] ? answers[key] : null);

/**
 * The fair survey (issue 15): organisers make one from the NPS template, open it (one at a
 * time; everyone gets a `survey_open` notice the first time) and close it. Each person answers
 * once and may change the answer while it is open. Results never break down a group of fewer
 * than `SURVEY_MIN_GROUP` answers.
 */
export function createSurveyService(db: Db, clock: Clock, audit: AuditLog, inbox: Inbox) {
  async function byId(id: number): Promise<SurveyRow | undefined> {
    const [row] = await db.select().from(surveys).where(eq(surveys.id, id)).limit(1);
    return row;
  }

  async function answersOf(surveyId: number) {
    return db
      .select({ answers: surveyResponses.answers, locale: surveyResponses.locale, role: surveyResponses.role })
      .from(surveyResponses)
      .where(eq(surveyResponses.surveyId, surveyId))
      .orderBy(asc(surveyResponses.updatedAt), asc(surveyResponses.createdAt));
  }

  return {
    async list(): Promise<SurveySummary[]> {
      return (await db.select().from(surveys).orderBy(desc(surveys.id))).map(summary);
    },

    async create(actorId: string, template: SurveyTemplate): Promise<SurveySummary> {
      const questions: Questions = NPS_TEMPLATE_TEXT;
      const [row] = await writeDurably(db, () => db.insert(surveys).values({ template, questions, createdBy: actorId }).returning());
      return summary(row!);
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

    /** The open survey in the reader's language, and this person's answer to it. */
    async current(userId: string, language: Language): Promise<CurrentSurvey> {
      const [row] = await db.select().from(surveys).where(eq(surveys.status, 'open')).orderBy(desc(surveys.id)).limit(1);
      if (!row) return { survey: null, answer: null };
      const stored = row.questions as Questions;
      const shown = stored.recommend[language] ? language : (LANGUAGES.find((other) => stored.recommend[other]) ?? 'en');
      const questions = Object.fromEntries(NPS_QUESTIONS.map((key) => [key, stored[key][shown] ?? ''])) as Record<NpsQuestion, string>;
      const [mine] = await db
        .select({ answers: surveyResponses.answers })
        .from(surveyResponses)
        .where(and(eq(surveyResponses.surveyId, row.id), eq(surveyResponses.userId, userId)))
        .limit(1);
      return { survey: { id: row.id, template: row.template as SurveyTemplate, language: shown, questions }, answer: (mine?.answers as SurveyAnswers | undefined) ?? null };
    },

    /** Answers, or changes the answer, while the survey is open. */
    async answer(user: { id: string; role: Role }, id: number, answers: SurveyAnswers, locale: Language): Promise<Result<{ answer: SurveyAnswers }>> {
      const clean: SurveyAnswers = { recommend: answers.recommend };
      if (answers.reason) clean.reason = answers.reason;
      if (answers.change) clean.change = answers.change;
      return writeDurably(db, async () => {
        const row = await byId(id);
        if (!row) return notFound();
        if (row.status !== 'open') return fail('CONFLICT', 'This survey is closed: answers can no longer change.');
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
      const scores = rows.map((r) => scoreOf(r.answers));
      const distribution = Array.from({ length: 11 }, (_, score) => scores.filter((s) => s === score).length);
      // Who came: visited a booth, or answered (someone who answers the fair's survey was at the fair).
      const came = (
        await db
          .select({ userId: boothVisits.userId })
          .from(boothVisits)
          .union(db.select({ userId: surveyResponses.userId }).from(surveyResponses).where(eq(surveyResponses.surveyId, id)))
      ).length;
      const scoresWhere = (keep: (r: (typeof rows)[number]) => boolean) => rows.filter(keep).map((r) => scoreOf(r.answers));
      const comments = { reason: [] as string[], change: [] as string[] };
      for (const r of rows) {
        const reason = textOf(r.answers, 'reason');
        const change = textOf(r.answers, 'change');
        if (reason) comments.reason.push(reason);
        if (change) comments.change.push(change);
      }
      return ok({
        survey: summary(row),
        responses: rows.length,
        ...npsOf(scores),
        distribution,
        answered: rows.length,
        came,
        byLanguage: Object.fromEntries(LANGUAGES.map((language) => [language, group(scoresWhere((r) => r.locale === language))])) as Record<Language, SurveyGroup>,
        byRole: { hosts: group(scoresWhere((r) => r.role === 'host')), members: group(scoresWhere((r) => r.role === 'member')) },
        comments,
      });
    },

    /**
     * The answers as CSV, anonymised: score, the two texts and the interface language, in the
     * order they were last changed; no ids, names, roles or times.
     */
    async csv(id: number): Promise<Result<string>> {
      const row = await byId(id);
      if (!row) return notFound();
      const rows = await answersOf(id);
      return ok(toCsv(['recommend', 'reason', 'change', 'language'], rows.map((r) => [scoreOf(r.answers), textOf(r.answers, 'reason'), textOf(r.answers, 'change'), r.locale])));
    },
  };
}

const surveyIdOf = (raw: unknown): number | null => {
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 && id < 2 ** 31 ? id : null;
};

/**
 * `GET`/`POST /api/surveys`, `PATCH /api/surveys/:id`, `GET /api/surveys/:id/results`
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
      res.status(201).json(await surveysService.create(currentUser(res).id, body.template));
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
