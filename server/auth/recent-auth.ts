import type { RequestHandler } from 'express';
import { sendError } from '../http/errors.js';
import { sessionToken } from '../http/middleware.js';
import type { AuthService } from './service.js';

/**
 * How long a proof of identity (sign-in, or `POST /api/auth/reauth`) counts for sensitive
 * changes: password, passkeys, email, account deletion.
 */
export const REAUTH_WINDOW_MS = 10 * 60_000;

/**
 * Route guard for sensitive changes; put it after `requireUser(auth)`. A session whose last
 * proof of identity is older than REAUTH_WINDOW_MS is answered 403 REAUTH_REQUIRED: the client
 * asks for the password or a passkey (`POST /api/auth/reauth`, `/api/auth/reauth/passkey`) and
 * retries.
 */
export function requireRecentAuth(auth: Pick<AuthService, 'recentlyAuthenticated'>): RequestHandler {
  return (req, res, next) => {
    auth
      .recentlyAuthenticated(sessionToken(req), REAUTH_WINDOW_MS)
      .then((recent) => {
        if (!recent) {
          return sendError(res, { code: 'REAUTH_REQUIRED', message: 'Please confirm it is you: enter your password or use your passkey.' });
        }
        next();
      })
      .catch(next);
  };
}
