import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { Router } from 'express';
import { passkeyAssertionBodySchema, passkeyRegistrationBodySchema } from '../../shared/account.js';
import { setSessionCookie } from '../auth/cookies.js';
import { requireRecentAuth } from '../auth/recent-auth.js';
import type { AuthService } from '../auth/service.js';
import { sendError } from '../http/errors.js';
import { asyncHandler, currentUser, parseBody, requireUser, sessionToken } from '../http/middleware.js';
import type { SignInNotices } from '../auth/sign-in-notice.js';
import type { SessionsService } from '../sessions/service.js';
import type { PasskeyService } from './service.js';

export interface PasskeyRouteDeps {
  auth: AuthService;
  passkeys: PasskeyService;
  sessions: SessionsService;
  sessionTtlMs: number;
  /** Told of each passkey sign-in (a notice email for a browser the account has not used before). */
  notices?: Pick<SignInNotices, 'signedIn'>;
}

/**
 * Passkeys (WebAuthn): a signed-in member adds, lists and removes them; anyone signs in with
 * one; a signed-in member re-authenticates with one. Bodies are checked for shape here and
 * verified by @simplewebauthn/server in the service.
 */
export function passkeyRoutes({ auth, passkeys, sessions, sessionTtlMs, notices }: PasskeyRouteDeps): Router {
  const router = Router();
  const signedIn = requireUser(auth);
  const recentlyAuthenticated = requireRecentAuth(auth);
  const address = (req: { ip?: string | undefined }) => req.ip ?? 'unknown';

  router.get(
    '/api/passkeys',
    signedIn,
    asyncHandler(async (_req, res) => {
      const user = currentUser(res);
      res.json({ passkeys: await passkeys.list(user.id), requiredForStaff: passkeys.requiredFor(user) });
    }),
  );

  router.post(
    '/api/passkeys/registration/options',
    signedIn,
    recentlyAuthenticated,
    asyncHandler(async (_req, res) => {
      res.json(await passkeys.registrationOptions(currentUser(res)));
    }),
  );

  router.post(
    '/api/passkeys/registration',
    signedIn,
    recentlyAuthenticated,
    asyncHandler(async (req, res) => {
      const body = parseBody(passkeyRegistrationBodySchema, req, res);
      if (!body) return;
      const user = currentUser(res);
      const response = body.response as unknown as RegistrationResponseJSON;
      const result = await passkeys.register(user, { ...body, response }, req.get('user-agent'));
      if (!result.ok) return sendError(res, result.error);
      // A new way in: whoever else holds a session of this account is signed out.
      const endedSessions = await sessions.endOtherSessions(user.id, sessionToken(req)!);
      res.status(201).json({ passkey: result.data, endedSessions });
    }),
  );

  router.delete(
    '/api/passkeys/:id',
    signedIn,
    recentlyAuthenticated,
    asyncHandler(async (req, res) => {
      const result = await passkeys.remove(currentUser(res).id, String(req.params.id));
      if (!result.ok) return sendError(res, result.error);
      res.status(204).end();
    }),
  );

  router.post(
    '/api/auth/passkey/options',
    asyncHandler(async (req, res) => {
      const result = await passkeys.authenticationOptions('login', null, address(req));
      if (!result.ok) return sendError(res, result.error);
      res.json(result.data);
    }),
  );

  router.post(
    '/api/auth/passkey',
    asyncHandler(async (req, res) => {
      const body = parseBody(passkeyAssertionBodySchema, req, res);
      if (!body) return;
      const result = await passkeys.signIn(body.challengeId, body.response as unknown as AuthenticationResponseJSON, address(req));
      if (!result.ok) return sendError(res, result.error);
      const user = await auth.loadUser(result.data.userId);
      if (!user) return sendError(res, { code: 'INVALID_CREDENTIALS', message: 'That passkey is not registered for an account here.' });
      const token = await auth.createSession(user.id, { userAgent: req.get('user-agent'), method: 'passkey' });
      setSessionCookie(req, res, token, sessionTtlMs);
      notices?.signedIn(user.id, address(req), req.get('user-agent'));
      res.json({ user });
    }),
  );

  router.post(
    '/api/auth/reauth/passkey/options',
    signedIn,
    asyncHandler(async (req, res) => {
      const result = await passkeys.authenticationOptions('reauth', currentUser(res).id, address(req));
      if (!result.ok) return sendError(res, result.error);
      res.json(result.data);
    }),
  );

  router.post(
    '/api/auth/reauth/passkey',
    signedIn,
    asyncHandler(async (req, res) => {
      const body = parseBody(passkeyAssertionBodySchema, req, res);
      if (!body) return;
      const result = await passkeys.reauthenticate(currentUser(res).id, body.challengeId, body.response as unknown as AuthenticationResponseJSON);
      if (!result.ok) return sendError(res, result.error);
      await auth.markAuthenticated(sessionToken(req)!);
      res.status(204).end();
    }),
  );

  return router;
}
