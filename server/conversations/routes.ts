import { Router } from 'express';
import { REPORT_STATUSES, type ReportStatus } from '../../shared/moderation.js';
import type { AuthService } from '../auth/service.js';
import { sendError } from '../http/errors.js';
import { asyncHandler, currentUser, requireCapability, requireUser } from '../http/middleware.js';
import type { ConversationReportStore } from './reports.js';
import type { ConversationService } from './service.js';

/** The "Conversations" list, and the moderators' queue of reported conversation messages. */
export function conversationRoutes(auth: AuthService, deps: { conversations: ConversationService; conversationReports: ConversationReportStore }): Router {
  const router = Router();

  router.get(
    '/api/conversations',
    requireUser(auth),
    asyncHandler(async (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json({ conversations: await deps.conversations.list(currentUser(res).id) });
    }),
  );

  router.get(
    '/api/moderation/conversation-reports',
    requireUser(auth),
    requireCapability('moderation:review'),
    asyncHandler(async (req, res) => {
      const status = typeof req.query.status === 'string' ? req.query.status : 'open';
      if (!(REPORT_STATUSES as readonly string[]).includes(status)) {
        return sendError(res, { code: 'INVALID_PAYLOAD', message: 'status: must be open, resolved or dismissed', details: { field: 'status' } });
      }
      res.setHeader('Cache-Control', 'no-store');
      res.json({ reports: await deps.conversationReports.list(status as ReportStatus) });
    }),
  );

  return router;
}
