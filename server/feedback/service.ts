import { Router, type Response } from 'express';
import { and, asc, desc, eq } from 'drizzle-orm';
import { boothFeedbackInputSchema, type BoothFeedbackView, type BoothRatings, type FeedbackOverview } from '../../shared/booth-feedback.js';
import { can } from '../../shared/roles.js';
import type { AuthService, Clock } from '../auth/service.js';
import type { BoothService } from '../booths/service.js';
import type { Db } from '../db/open.js';
import { writeDurably } from '../db/storage-errors.js';
import { boothFeedback, booths, boothVisits } from '../db/tables.js';
import { fail, ok, sendError, sendResult, type Result } from '../http/errors.js';
import { asyncHandler, currentUser, parseBody, requireCapability, requireUser } from '../http/middleware.js';

export type BoothFeedbackStore = ReturnType<typeof createBoothFeedback>;

/** Count, mean (one decimal) and distribution of a list of 1–5 ratings. */
export function summariseRatings(ratings: readonly number[]): BoothRatings {
  const distribution: BoothRatings['distribution'] = [0, 0, 0, 0, 0];
  for (const rating of ratings) if (rating >= 1 && rating <= 5) distribution[rating - 1]! += 1;
  const count = distribution.reduce((sum, n) => sum + n, 0);
  const total = distribution.reduce((sum, n, i) => sum + n * (i + 1), 0);
  return { count, average: count === 0 ? null : Math.round((total / count) * 10) / 10, distribution };
}

/**
 * Members' ratings of booths. Asked once per booth and person, and only of someone the visit
 * records show was there; read by the booth's hosts and organisers without names.
 */
export function createBoothFeedback(db: Db, clock: Clock) {
  return {
    async give(boothId: number, userId: string, rating: number, comment: string | undefined): Promise<Result<{ rating: number }>> {
      return writeDurably(db, async () => {
        const [visited] = await db
          .select({ id: boothVisits.id })
          .from(boothVisits)
          .where(and(eq(boothVisits.boothId, boothId), eq(boothVisits.userId, userId)))
          .limit(1);
        if (!visited) return fail('FORBIDDEN', 'Only people who visited this booth can rate it.');
        const inserted = await db
          .insert(boothFeedback)
          .values({ boothId, userId, rating, comment: comment || null, createdAt: new Date(clock.now()) })
          .onConflictDoNothing()
          .returning({ id: boothFeedback.id });
        if (inserted.length === 0) return fail('CONFLICT', 'You have already rated this booth.');
        return ok({ rating });
      });
    },

    /** One booth's ratings and comments, newest first, with no names. */
    async view(boothId: number): Promise<BoothFeedbackView> {
      const rows = await db
        .select({ rating: boothFeedback.rating, comment: boothFeedback.comment, createdAt: boothFeedback.createdAt })
        .from(boothFeedback)
        .where(eq(boothFeedback.boothId, boothId))
        .orderBy(desc(boothFeedback.createdAt), desc(boothFeedback.id));
      const comments = rows.flatMap(({ rating, comment, createdAt }) => (comment ? [{ rating, comment, createdAt: createdAt.toISOString() }] : []));
      return { boothId, ...summariseRatings(rows.map((row) => row.rating)), comments };
    },

    /** Every booth's ratings side by side (booths nobody rated too), in the lobby's order. */
    async overview(): Promise<FeedbackOverview> {
      const boothRows = await db.select({ id: booths.id, slug: booths.slug, name: booths.name }).from(booths).orderBy(asc(booths.id));
      const ratings = await db.select({ boothId: boothFeedback.boothId, rating: boothFeedback.rating }).from(boothFeedback);
      const byBooth = new Map<number, number[]>();
      for (const { boothId, rating } of ratings) byBooth.set(boothId, [...(byBooth.get(boothId) ?? []), rating]);
      return { booths: boothRows.map(({ id, slug, name }) => ({ boothId: id, slug, name, ...summariseRatings(byBooth.get(id) ?? []) })) };
    },
  };
}

const noSuchBooth = (res: Response) => sendError(res, { code: 'NOT_FOUND', message: 'There is no such booth.' });

/**
 * `POST /api/booths/:slug/feedback` (a visitor, once), `GET /api/booths/:slug/feedback` (the
 * booth's hosts and organisers) and `GET /api/admin/feedback` (organisers: every booth).
 */
export function boothFeedbackRoutes(auth: AuthService, deps: { booths: BoothService; feedback: BoothFeedbackStore }): Router {
  const router = Router();
  router.post(
    '/api/booths/:slug/feedback',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const body = parseBody(boothFeedbackInputSchema, req, res);
      if (!body) return;
      const booth = await deps.booths.bySlug(String(req.params.slug));
      if (!booth) return noSuchBooth(res);
      sendResult(res, await deps.feedback.give(booth.id, currentUser(res).id, body.rating, body.comment), 201);
    }),
  );
  router.get(
    '/api/booths/:slug/feedback',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const booth = await deps.booths.bySlug(String(req.params.slug));
      if (!booth) return noSuchBooth(res);
      if (!can(currentUser(res), 'booth:feedback', { boothId: booth.id })) {
        return sendError(res, { code: 'FORBIDDEN', message: 'You do not have permission to do that.' });
      }
      res.setHeader('Cache-Control', 'no-store');
      res.json(await deps.feedback.view(booth.id));
    }),
  );
  router.get(
    '/api/admin/feedback',
    requireUser(auth),
    requireCapability('accountability:read'),
    asyncHandler(async (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json(await deps.feedback.overview());
    }),
  );
  return router;
}
