import { count, eq } from 'drizzle-orm';
import { Router } from 'express';
import type { ReportSummary } from '../../shared/report-summary.js';
import type { AuthService } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { reports } from '../db/tables.js';
import { asyncHandler, requireCapability, requireUser } from '../http/middleware.js';

/**
 * The number of open reports, for the lobby's staff landing. A count over the status index
 * rather than the queue (routes.ts), which joins every report to its message and three people.
 * Reports go with their message (ON DELETE CASCADE), so the count matches the queue's length.
 */
export function reportSummaryRoute(auth: AuthService, db: Db): Router {
  const router = Router();
  router.get(
    '/api/moderation/reports/summary',
    requireUser(auth),
    requireCapability('moderation:review'),
    asyncHandler(async (_req, res) => {
      const [row] = await db.select({ open: count() }).from(reports).where(eq(reports.status, 'open'));
      const summary: ReportSummary = { open: row?.open ?? 0 };
      res.json(summary);
    }),
  );
  return router;
}
