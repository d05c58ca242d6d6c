import { Router, type Request, type Response } from 'express';
import { auditQuerySchema, REPORT_STATUSES, type ReportStatus } from '../../shared/moderation.js';
import type { AuthService } from '../auth/service.js';
import { sendCsv } from '../http/csv.js';
import { invalidPayload, sendError } from '../http/errors.js';
import { asyncHandler, requireCapability, requireUser } from '../http/middleware.js';
import type { AuditLog } from './audit.js';
import type { ReportStore } from './reports.js';
import type { RestrictionStore } from './restrictions.js';

function queryOf(req: Request): Record<string, unknown> {
  return Object.fromEntries(Object.entries(req.query).filter(([, value]) => typeof value === 'string' && value !== ''));
}

/** A report queue's `?status=` (default open); undefined once a bad one was answered with INVALID_PAYLOAD. */
export function reportStatusOf(req: Request, res: Response): ReportStatus | undefined {
  const status = typeof req.query.status === 'string' ? req.query.status : 'open';
  if ((REPORT_STATUSES as readonly string[]).includes(status)) return status as ReportStatus;
  sendError(res, { code: 'INVALID_PAYLOAD', message: 'status: must be open, resolved or dismissed', details: { field: 'status' } });
  return undefined;
}

/** The moderator panel's reads: audit log (and CSV), active restrictions, the report queue. */
export function moderationRoutes(auth: AuthService, deps: { audit: AuditLog; restrictions: RestrictionStore; reports: ReportStore }): Router {
  const router = Router();

  router.get(
    '/api/moderation/audit',
    requireUser(auth),
    requireCapability('audit:read'),
    asyncHandler(async (req, res: Response) => {
      const parsed = auditQuerySchema.safeParse(queryOf(req));
      if (!parsed.success) return sendError(res, invalidPayload(parsed.error).error);
      if (parsed.data.format === 'csv') return sendCsv(res, 'audit-log.csv', await deps.audit.csv(parsed.data));
      const entries = await deps.audit.page(parsed.data);
      const limit = parsed.data.limit ?? 50;
      res.json({ entries, nextBeforeId: entries.length === limit ? entries.at(-1)!.id : null });
    }),
  );

  router.get(
    '/api/moderation/restrictions',
    requireUser(auth),
    requireCapability('moderation:review'),
    asyncHandler(async (_req, res) => {
      res.json({ restrictions: await deps.restrictions.listActive(['mute', 'kick', 'ban']) });
    }),
  );

  router.get(
    '/api/moderation/reports',
    requireUser(auth),
    requireCapability('moderation:review'),
    asyncHandler(async (req, res) => {
      const status = reportStatusOf(req, res);
      if (status) res.json({ reports: await deps.reports.list(status) });
    }),
  );

  return router;
}
