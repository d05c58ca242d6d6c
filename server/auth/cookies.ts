import type { Request, Response } from 'express';
import type { Config } from '../config.js';

/** The session cookie's name outside production (http://localhost cannot always keep Secure cookies). */
export const SESSION_COOKIE = 'fair_session';
/**
 * In production: the `__Host-` prefix makes the browser refuse the cookie unless it is Secure,
 * Path=/ and has no Domain, so a sibling subdomain cannot plant or shadow it.
 */
export const SESSION_COOKIE_PRODUCTION = '__Host-fair_session';

/** The one place that decides the session cookie's name and whether it is always Secure. */
export function sessionCookieFor(env: Config['env']): { name: string; alwaysSecure: boolean } {
  return env === 'production' ? { name: SESSION_COOKIE_PRODUCTION, alwaysSecure: true } : { name: SESSION_COOKIE, alwaysSecure: false };
}

/** The cookie settings of the app serving this request (`createApplication` sets Express's `env` from config). */
function cookieOf(req: Request) {
  return sessionCookieFor(req.app.get('env') as Config['env']);
}

/** Reads one cookie from a raw Cookie header (HTTP requests and the Socket.IO handshake alike). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The session cookie's value on an HTTP request. */
export function readSessionCookie(req: Request): string | undefined {
  return readCookie(req.headers.cookie, cookieOf(req).name);
}

export function setSessionCookie(req: Request, res: Response, token: string, maxAgeMs: number): void {
  const { name, alwaysSecure } = cookieOf(req);
  res.cookie(name, token, { httpOnly: true, sameSite: 'lax', secure: alwaysSecure || req.secure, path: '/', maxAge: maxAgeMs });
}

export function clearSessionCookie(req: Request, res: Response): void {
  const { name, alwaysSecure } = cookieOf(req);
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: alwaysSecure || req.secure, path: '/' });
}
