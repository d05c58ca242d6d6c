import { Router } from 'express';
import { asc, desc, eq, isNotNull } from 'drizzle-orm';
import type { AccountabilityReport } from '../../shared/booth-feedback.js';
import { npsOf } from '../../shared/survey.js';
import type { AuthService, Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { complaints, complaintSteps, surveyResponses, surveys } from '../db/tables.js';
import { surveyDefinitionOf } from '../survey/service.js';
import { sendCsv, toCsv } from '../http/csv.js';
import { asyncHandler, requireCapability, requireUser } from '../http/middleware.js';
import type { BoothFeedbackStore } from '../feedback/service.js';

const CLOSED_STATUSES = ['resolved', 'declined'];

/** The middle value (the mean of the two middle ones for an even count), or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The figures of the annual accountability report, read straight from the tables: complaints
 * per category and how fast they were acknowledged and closed, the latest survey's NPS, and
 * every booth's ratings.
 */
export function createAccountabilityReport(db: Db, clock: Clock, feedback: BoothFeedbackStore) {
  async function complaintFigures(): Promise<AccountabilityReport['complaints']> {
    const filed = await db.select({ id: complaints.id, category: complaints.category, createdAt: complaints.createdAt, acknowledgedAt: complaints.acknowledgedAt, closedAt: complaints.closedAt }).from(complaints);
    const steps = await db.select({ complaintId: complaintSteps.complaintId, status: complaintSteps.status, createdAt: complaintSteps.createdAt }).from(complaintSteps).orderBy(asc(complaintSteps.id));
    // The first step past "received" acknowledges it (a complaint taken straight to "in progress" was seen too).
    const acknowledged = new Map<number, number>();
    const closed = new Map<number, number>();
    for (const step of steps) {
      const at = step.createdAt.getTime();
      if (step.status !== 'received' && !acknowledged.has(step.complaintId)) acknowledged.set(step.complaintId, at);
      if (CLOSED_STATUSES.includes(step.status) && !closed.has(step.complaintId)) closed.set(step.complaintId, at);
    }
    const byCategory: Record<string, number> = {};
    const toAcknowledge: number[] = [];
    const toResolve: number[] = [];
    for (const complaint of filed) {
      byCategory[complaint.category] = (byCategory[complaint.category] ?? 0) + 1;
      const filedAt = complaint.createdAt.getTime();
      const ackAt = acknowledged.get(complaint.id) ?? complaint.acknowledgedAt?.getTime();
      const closedAt = closed.get(complaint.id) ?? complaint.closedAt?.getTime();
      if (ackAt !== undefined) toAcknowledge.push(Math.max(0, ackAt - filedAt) / 1000);
      if (closedAt !== undefined) toResolve.push(Math.max(0, closedAt - filedAt) / 1000);
    }
    const seconds = (values: number[]) => {
      const middle = median(values);
      return middle === null ? null : Math.round(middle);
    };
    return { total: filed.length, byCategory, medianSecondsToAcknowledge: seconds(toAcknowledge), medianSecondsToResolve: seconds(toResolve) };
  }

  async function surveyFigures(): Promise<AccountabilityReport['survey']> {
    // The latest survey that was ever opened (a draft has no answers to count).
    const [latest] = await db.select({ id: surveys.id, questions: surveys.questions }).from(surveys).where(isNotNull(surveys.openedAt)).orderBy(desc(surveys.openedAt), desc(surveys.id)).limit(1);
    if (!latest) return null;
    // Its first NPS question (the template's `recommend`); an organiser's survey may have none.
    const key = surveyDefinitionOf(latest.questions).questions.find((q) => q.kind === 'nps')?.key;
    const answers = await db.select({ answers: surveyResponses.answers }).from(surveyResponses).where(eq(surveyResponses.surveyId, latest.id));
    const scores = answers.flatMap(({ answers }) => {
      const score = key === undefined ? undefined : answers[key];
      return typeof score === 'number' && Number.isInteger(score) && score >= 0 && score <= 10 ? [score] : [];
    });
    return { surveyId: latest.id, responses: scores.length, ...npsOf(scores) };
  }

  return {
    async build(): Promise<AccountabilityReport> {
      return {
        generatedAt: new Date(clock.now()).toISOString(),
        complaints: await complaintFigures(),
        survey: await surveyFigures(),
        boothRatings: (await feedback.overview()).booths,
      };
    },
  };
}

/** One table for a spreadsheet: a section, what is counted, how many, and the figure. */
export function reportCsv(report: AccountabilityReport): string {
  const { complaints: filed, survey } = report;
  const rows: (string | number | null)[][] = [
    ['complaints', 'total', filed.total, null],
    ...Object.entries(filed.byCategory).map(([category, n]) => ['complaints_by_category', category, n, null]),
    ['complaints', 'median_seconds_to_acknowledge', null, filed.medianSecondsToAcknowledge],
    ['complaints', 'median_seconds_to_resolve', null, filed.medianSecondsToResolve],
  ];
  if (survey) {
    rows.push(
      ['survey', 'responses', survey.responses, null],
      ['survey', 'promoters', survey.promoters, null],
      ['survey', 'passives', survey.passives, null],
      ['survey', 'detractors', survey.detractors, null],
      ['survey', 'nps', survey.responses, survey.nps],
    );
  }
  for (const booth of report.boothRatings) rows.push(['booth_rating', booth.slug, booth.count, booth.average]);
  return toCsv(['section', 'item', 'count', 'value'], rows);
}

/** `GET /api/accountability/report` (organisers): JSON, or `?format=csv`. */
export function accountabilityRoutes(auth: AuthService, report: ReturnType<typeof createAccountabilityReport>): Router {
  const router = Router();
  router.get(
    '/api/accountability/report',
    requireUser(auth),
    requireCapability('accountability:read'),
    asyncHandler(async (req, res) => {
      const built = await report.build();
      if (req.query.format === 'csv') return sendCsv(res, 'accountability-report.csv', reportCsv(built));
      res.setHeader('Cache-Control', 'no-store');
      res.json(built);
    }),
  );
  return router;
}
