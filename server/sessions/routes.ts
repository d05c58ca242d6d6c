import { Router } from 'express';
import { changePasswordBodySchema, reauthBodySchema } from '../../shared/account.js';
import { clearSessionCookie } from '../auth/cookies.js';
import type { AuthService } from '../auth/service.js';
import { sendError } from '../http/errors.js';
import { asyncHandler, currentUser, parseBody, requireUser, sessionToken } from '../http/middleware.js';
import type { SessionsService } from './service.js';

/** The token of a request that passed `requireUser` (so it is present). */
function tokenOf(req: Parameters<typeof sessionToken>[0]): string {
  const token = sessionToken(req);
  if (!token) throw new Error('session route used without requireUser');
  return token;
}

/**
 * A member's own sessions, password change and re-authentication:
 * GET /api/sessions, DELETE /api/sessions/:id, POST /api/sessions/revoke-all,
 * POST /api/me/password, POST /api/auth/reauth.
 */
export function sessionRoutes(auth: AuthService, sessions: SessionsService): Router {
  const router = Router();
  const signedIn = requireUser(auth);

  router.get(
    '/api/sessions',
    signedIn,
    asyncHandler(async (req, res) => {
      res.json({ sessions: await sessions.list(currentUser(res).id, tokenOf(req)) });
    }),
  );

  router.delete(
    '/api/sessions/:id',
    signedIn,
    asyncHandler(async (req, res) => {
      const result = await sessions.endOne(currentUser(res).id, tokenOf(req), String(req.params.id));
      if (!result.ok) return sendError(res, result.error);
      if (result.data.current) clearSessionCookie(req, res);
      res.json({ ended: 1, current: result.data.current });
    }),
  );

  // "Sign out everywhere else": the session making the request stays signed in.
  router.post(
    '/api/sessions/revoke-all',
    signedIn,
    asyncHandler(async (req, res) => {
      const ended = await sessions.endOtherSessions(currentUser(res).id, tokenOf(req));
      res.json({ ended, keptCurrent: true });
    }),
  );

  // The current password is the proof of identity here, so no recent sign-in is needed.
  router.post(
    '/api/me/password',
    signedIn,
    asyncHandler(async (req, res) => {
      const body = parseBody(changePasswordBodySchema, req, res);
      if (!body) return;
      const token = tokenOf(req);
      const result = await sessions.changePassword(currentUser(res).id, token, body.currentPassword, body.newPassword);
      if (!result.ok) return sendError(res, result.error);
      await auth.markAuthenticated(token);
      res.json({ endedSessions: result.data.endedSessions });
    }),
  );

  router.post(
    '/api/auth/reauth',
    signedIn,
    asyncHandler(async (req, res) => {
      const body = parseBody(reauthBodySchema, req, res);
      if (!body) return;
      const result = await sessions.checkPassword(currentUser(res).id, body.password);
      if (!result.ok) return sendError(res, result.error);
      await auth.markAuthenticated(tokenOf(req));
      res.status(204).end();
    }),
  );

  return router;
}
