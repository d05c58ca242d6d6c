import { Router } from 'express';
import { deleteAccountBodySchema } from '../../shared/privacy.js';
import { mayActOn } from '../../shared/roles.js';
import { clearSessionCookie } from '../auth/cookies.js';
import type { AuthService, Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { sendError, type Result } from '../http/errors.js';
import { asyncHandler, currentUser, parseBody, requireCapability, requireUser } from '../http/middleware.js';
import type { AccountEraser } from './account-erasure.js';
import { exportAccount } from './account-export.js';

/** A member's own data (export, deletion) and an organiser's erasure on request. */
export function privacyRoutes(auth: AuthService, deps: { db: Db; clock: Clock; eraser: AccountEraser; confirmIdentity: (userId: string, password: string) => Promise<Result<void>> }): Router {
  const router = Router();

  router.get(
    '/api/me/export',
    requireUser(auth),
    asyncHandler(async (_req, res) => {
      const data = await exportAccount(deps.db, currentUser(res).id, new Date(deps.clock.now()));
      if (!data) return sendError(res, { code: 'NOT_FOUND', message: 'There is no such account.' });
      res.setHeader('Cache-Control', 'no-store');
      res.attachment('digital-fair-my-data.json');
      res.json(data);
    }),
  );

  router.delete(
    '/api/me',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const body = parseBody(deleteAccountBodySchema, req, res);
      if (!body) return;
      const me = currentUser(res);
      const confirmed = await deps.confirmIdentity(me.id, body.password);
      if (!confirmed.ok) return sendError(res, confirmed.error);
      const erased = await deps.eraser.erase(me.id, { kind: 'self' });
      if (!erased.ok) return sendError(res, erased.error);
      clearSessionCookie(req, res);
      res.status(204).end();
    }),
  );

  // Organisers see both names: the verified one (from the roster) and the one used at the fair.
  // Everyone else only ever sees the fair name. The organisers' console (people list) builds on this.
  router.delete(
    '/api/admin/users/:id',
    requireUser(auth),
    requireCapability('people:erase'),
    asyncHandler(async (req, res) => {
      const actor = currentUser(res);
      const targetId = String(req.params.id);
      if (targetId === actor.id) {
        return sendError(res, { code: 'FORBIDDEN', message: 'Delete your own account from your account page.' });
      }
      const target = await auth.loadUser(targetId);
      if (!target) return sendError(res, { code: 'NOT_FOUND', message: 'There is no such account.' });
      if (!mayActOn(actor, target)) return sendError(res, { code: 'FORBIDDEN', message: 'You do not have permission to do that.' });
      const erased = await deps.eraser.erase(targetId, { kind: 'admin', actorId: actor.id });
      if (!erased.ok) return sendError(res, erased.error);
      res.status(204).end();
    }),
  );

  return router;
}
