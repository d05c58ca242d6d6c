import { Router } from 'express';
import type { AuthService } from '../auth/service.js';
import { asyncHandler, currentUser, requireCapability, requireUser } from '../http/middleware.js';
import { reportStatusOf } from '../moderation/routes.js';
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
      const status = reportStatusOf(req, res);
      if (!status) return;
      res.setHeader('Cache-Control', 'no-store');
      res.json({ reports: await deps.conversationReports.list(status) });
    }),
  );

  return router;
}
