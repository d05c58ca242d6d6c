import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { can, type Capability } from '../../shared/roles.js';
import type { AuthService, AuthUser } from '../auth/service.js';
import { readSessionCookie } from '../auth/cookies.js';
import { invalidPayload, sendError } from './errors.js';

declare module 'express-serve-static-core' {
  interface Locals {
    user?: AuthUser;
  }
}

/** The user set by `requireUser`; only call it in handlers behind that middleware. */
export function currentUser(res: Response): AuthUser {
  const user = res.locals.user;
  if (!user) throw new Error('currentUser() used on a route without requireUser');
  return user;
}

export function sessionToken(req: Request): string | undefined {
  return readSessionCookie(req);
}

export function requireUser(auth: AuthService): RequestHandler {
  return (req, res, next) => {
    auth
      .userForSession(sessionToken(req))
      .then((user) => {
        if (!user) return sendError(res, { code: 'UNAUTHENTICATED', message: 'Please sign in.' });
        res.locals.user = user;
        next();
      })
      .catch(next);
  };
}

export function requireCapability(capability: Capability): RequestHandler {
  return (_req, res, next) => {
    if (!can(res.locals.user, capability)) {
      return sendError(res, { code: 'FORBIDDEN', message: 'You do not have permission to do that.' });
    }
    next();
  };
}

/** Parses `req.body` with a schema; a bad body answers 400 INVALID_PAYLOAD naming the field. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request, res: Response): z.infer<S> | undefined {
  const parsed = schema.safeParse(req.body);
  if (parsed.success) return parsed.data;
  sendError(res, invalidPayload(parsed.error).error);
  return undefined;
}

/**
 * True when a request comes from a page of our own origin, or from no page at all (no Origin
 * header: curl, tests, server-to-server). Shared by HTTP writes and the Socket.IO handshake.
 */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Refuses state-changing requests sent from another site's page. SameSite=Lax already keeps
 * the cookie off most of them; this closes the rest (and same-site subdomains).
 */
export function sameOriginWrites(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    if (!isSameOrigin(req.headers.origin, req.headers.host)) {
      return sendError(res, { code: 'FORBIDDEN', message: 'Cross-site requests are not allowed.' });
    }
    next();
  };
}

/** Express 5 forwards rejected promises; this keeps handler signatures short. */
export function asyncHandler(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    handler(req, res).catch(next);
  };
}
