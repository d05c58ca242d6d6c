import express, { Router, type RequestHandler } from 'express';
import { inviteBodySchema } from '../../shared/invites.js';
import { ROSTER_MAX_BYTES } from '../../shared/limits.js';
import type { AuthService } from '../auth/service.js';
import { sendError, sendResult } from '../http/errors.js';
import { asyncHandler, currentUser, parseBody, requireCapability, requireUser } from '../http/middleware.js';
import type { InviteService } from './service.js';

export function inviteRoutes(auth: AuthService, invites: InviteService): Router {
  const router = Router();
  const adminOnly = [requireUser(auth), requireCapability('invites:create')];

  router.post(
    '/api/admin/invites',
    ...adminOnly,
    asyncHandler(async (req, res) => {
      const body = parseBody(inviteBodySchema, req, res);
      if (!body) return;
      const result = await invites.create(currentUser(res).id, body);
      sendResult(res, result.ok ? { ok: true, data: { invite: result.data } } : result, 201);
    }),
  );

  router.post(
    '/api/admin/invites/import',
    ...adminOnly,
    express.text({ type: ['text/csv', 'text/plain'], limit: ROSTER_MAX_BYTES }),
    asyncHandler(async (req, res) => {
      if (typeof req.body !== 'string') {
        return sendError(res, { code: 'INVALID_PAYLOAD', message: 'send the roster as text/csv' });
      }
      // ?dryRun=1: the preview, every row with what would happen or what is wrong; nothing is written.
      if (req.query.dryRun === '1' || req.query.dryRun === 'true') {
        return sendResult(res, await invites.previewRoster(req.body));
      }
      const result = await invites.importRoster(currentUser(res).id, req.body);
      sendResult(res, result.ok ? { ok: true, data: { invites: result.data } } : result, 201);
    }),
  );

  // A new link for a pending invitation, emailed again; the old link stops working.
  router.post(
    '/api/admin/invites/:id/resend',
    ...adminOnly,
    inviteIdParam,
    asyncHandler(async (req, res) => {
      const result = await invites.resend(currentUser(res).id, Number(req.params.id));
      sendResult(res, result.ok ? { ok: true, data: { invite: result.data } } : result);
    }),
  );

  // Revokes a pending invitation: its link is refused from now on.
  router.delete(
    '/api/admin/invites/:id',
    ...adminOnly,
    inviteIdParam,
    asyncHandler(async (req, res) => {
      const result = await invites.revoke(currentUser(res).id, Number(req.params.id));
      if (!result.ok) return sendError(res, result.error);
      res.status(204).end();
    }),
  );

  return router;
}

/** After the role check: `:id` must be an invitation id (a whole number). */
const inviteIdParam: RequestHandler = (req, res, next) => {
  if (/^[1-9]\d{0,8}$/.test(String(req.params.id))) return next();
  sendError(res, { code: 'INVALID_PAYLOAD', message: 'id: an invitation id (a whole number)', details: { field: 'id' } });
};
