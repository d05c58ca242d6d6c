import { Router } from 'express';
import { acceptInviteBodySchema, loginBodySchema, passwordResetBodySchema, passwordResetConfirmBodySchema, updateMeBodySchema } from '../../shared/auth.js';
import { sendError, sendResult } from '../http/errors.js';
import { asyncHandler, currentUser, parseBody, requireUser, sessionToken } from '../http/middleware.js';
import type { InviteService } from '../invites/service.js';
import type { NameClaims } from './name-claims.js';
import { clearSessionCookie, setSessionCookie } from './cookies.js';
import type { PasswordResetService } from './password-reset.js';
import type { SignInNotices } from './sign-in-notice.js';
import type { AuthService } from './service.js';

export function authRoutes(
  auth: AuthService,
  invites: InviteService,
  names: NameClaims,
  resets: PasswordResetService,
  notices: SignInNotices,
  sessionTtlMs: number,
): Router {
  const router = Router();

  router.post(
    '/api/auth/login',
    asyncHandler(async (req, res) => {
      const body = parseBody(loginBodySchema, req, res);
      if (!body) return;
      const result = await auth.login(body.email, body.password, req.ip ?? 'unknown', req.get('user-agent'));
      if (!result.ok) return sendError(res, result.error);
      setSessionCookie(req, res, result.data.token, sessionTtlMs);
      notices.signedIn(result.data.user.id, req.ip ?? 'unknown', req.get('user-agent'));
      // addPasskey: staff whom the organisers want on passkeys, who have none yet.
      res.json(result.data.addPasskey ? { user: result.data.user, addPasskey: true } : { user: result.data.user });
    }),
  );

  router.post(
    '/api/auth/logout',
    asyncHandler(async (req, res) => {
      const token = sessionToken(req);
      if (token) await auth.logout(token);
      clearSessionCookie(req, res);
      res.status(204).end();
    }),
  );

  router.get('/api/me', requireUser(auth), (_req, res) => {
    res.json({ user: currentUser(res) });
  });

  // A member's name at the fair may differ from the verified one; the same rule as at sign-up
  // keeps it from passing for staff.
  router.patch(
    '/api/me',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const body = parseBody(updateMeBodySchema, req, res);
      if (!body) return;
      const me = currentUser(res);
      const result = await auth.setDisplayName(me.id, body.displayName, () => names.refusedWithinWrite(body.displayName, me.role));
      if (!result.ok) return sendError(res, result.error);
      res.json({ user: result.data });
    }),
  );

  router.post(
    '/api/auth/accept-invite',
    asyncHandler(async (req, res) => {
      const body = parseBody(acceptInviteBodySchema, req, res);
      if (!body) return;
      const result = await invites.accept(body);
      if (!result.ok) return sendError(res, result.error);
      const token = await auth.createSession(result.data.id, { userAgent: req.get('user-agent'), method: 'password' });
      setSessionCookie(req, res, token, sessionTtlMs);
      notices.accountCreated(result.data.id, req.ip ?? 'unknown', req.get('user-agent'));
      sendResult(res, { ok: true, data: { user: result.data } }, 201);
    }),
  );

  // The same 202 whether the account exists or not; the email, if any, goes out afterwards.
  router.post(
    '/api/auth/password-reset',
    asyncHandler(async (req, res) => {
      const body = parseBody(passwordResetBodySchema, req, res);
      if (!body) return;
      const result = await resets.request(body.email, req.ip ?? 'unknown', body.locale ?? 'en');
      if (!result.ok) return sendError(res, result.error);
      res.status(202).json({ accepted: true });
    }),
  );

  // Every session of the account ends, this browser's too: the person signs in with the new password.
  router.post(
    '/api/auth/password-reset/confirm',
    asyncHandler(async (req, res) => {
      const body = parseBody(passwordResetConfirmBodySchema, req, res);
      if (!body) return;
      const result = await resets.confirm(body.token, body.password);
      if (!result.ok) return sendError(res, result.error);
      clearSessionCookie(req, res);
      res.status(204).end();
    }),
  );

  router.get(
    '/api/invites/:code',
    asyncHandler(async (req, res) => {
      sendResult(res, await invites.preview(String(req.params.code)));
    }),
  );

  return router;
}
