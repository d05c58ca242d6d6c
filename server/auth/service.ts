import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { SignInMethod } from '../../shared/account.js';
import type { Me } from '../../shared/auth.js';
import type { Db } from '../db/open.js';
import { boothHosts, sessions, users } from '../db/schema.js';
import { fail, ok, type Failure, type Result } from '../http/errors.js';
import { createMemoryWindowCounter, type WindowCounter } from '../rate-limit/window-counter.js';
import { decoyPasswordHash, verifyPassword } from './passwords.js';
import { hashSecret, newSecret } from './tokens.js';

/** The signed-in user as every feature sees it. */
export type AuthUser = Me;

export const LOGIN_WINDOW_MS = 15 * 60_000;
export const LOGIN_MAX_FAILURES_PER_ACCOUNT = 5;
export const LOGIN_MAX_FAILURES_PER_ADDRESS = 30;

/** What a new session records about how it began. */
export interface SessionDetails {
  /** The browser's User-Agent header (truncated to SESSION_USER_AGENT_MAX_CHARS). */
  userAgent?: string | undefined;
  method: SignInMethod;
}

export const SESSION_USER_AGENT_MAX_CHARS = 200;
/** A session's last-seen time is written at most this often (one write per session, not per request). */
export const SESSION_LAST_SEEN_RESOLUTION_MS = 5 * 60_000;

export interface Clock {
  now(): number;
}

export interface AuthServiceDeps {
  db: Db;
  clock: Clock;
  sessionTtlMs: number;
  /** Failed logins per account and per address; in memory unless a shared store is given. */
  loginFailures?: WindowCounter;
  /** A ban in force for this user, if any (moderation owns bans; auth only asks). */
  banOf?: (userId: string) => { until: string | null } | null;
  /**
   * Asked after a correct password: a failure refuses the password sign-in (staff who must use
   * their passkey); `addPasskey` asks the client to urge the person to add one.
   */
  passwordSignIn?: (user: AuthUser) => Failure | { addPasskey: boolean };
}

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService({ db, clock, sessionTtlMs, loginFailures, banOf, passwordSignIn }: AuthServiceDeps) {
  const failures = loginFailures ?? createMemoryWindowCounter(LOGIN_WINDOW_MS);
  /** Attempts still being checked, per throttle key: parallel guesses count before they fail. */
  const inFlight = new Map<string, number>();
  const attempts = (key: string, now: number) => failures.count(key, now) + (inFlight.get(key) ?? 0);
  const track = (keys: string[], delta: number) => {
    for (const key of keys) {
      const n = (inFlight.get(key) ?? 0) + delta;
      if (n > 0) inFlight.set(key, n);
      else inFlight.delete(key);
    }
  };

  // Prepared once: every socket handshake and every signed-in request runs these.
  const userById = db.select().from(users).where(eq(users.id, sql.placeholder('userId'))).prepare();
  const hostedBy = db.select({ boothId: boothHosts.boothId }).from(boothHosts).where(eq(boothHosts.userId, sql.placeholder('userId'))).prepare();
  const liveSession = db
    .select({ userId: sessions.userId, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), gt(sessions.expiresAt, sql.placeholder('now'))))
    .prepare();

  function loadUser(userId: string): AuthUser | null {
    const row = userById.get({ userId });
    if (!row) return null;
    const hosted = hostedBy.all({ userId });
    return {
      id: row.id,
      email: row.email,
      displayName: row.displayName,
      role: row.role,
      hostedBoothIds: hosted.map((h) => h.boothId),
    };
  }

  function createSession(userId: string, details: SessionDetails = { method: 'password' }): string {
    const token = newSecret();
    const now = new Date(clock.now());
    db.insert(sessions)
      .values({
        tokenHash: hashSecret(token),
        userId,
        expiresAt: new Date(now.getTime() + sessionTtlMs),
        createdAt: now,
        userAgent: details.userAgent?.slice(0, SESSION_USER_AGENT_MAX_CHARS) ?? null,
        lastSeenAt: now,
        authenticatedAt: now,
        method: details.method,
      })
      .run();
    return token;
  }

  function throttled(keys: { account: string; address: string }, now: number): Result<never> | null {
    const accountKey = `account:${keys.account}`;
    const addressKey = `address:${keys.address}`;
    const overAccount = attempts(accountKey, now) >= LOGIN_MAX_FAILURES_PER_ACCOUNT;
    const overAddress = attempts(addressKey, now) >= LOGIN_MAX_FAILURES_PER_ADDRESS;
    if (!overAccount && !overAddress) return null;
    const waitMs = Math.max(
      overAccount ? failures.msUntilNextExpiry(accountKey, now) : 0,
      overAddress ? failures.msUntilNextExpiry(addressKey, now) : 0,
    );
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    return fail('RATE_LIMITED', `Too many failed sign-in attempts. Try again in ${retryAfterSeconds} seconds.`, {
      retryAfterSeconds,
    });
  }

  return {
    loadUser,
    createSession,

    /**
     * Checks a password, throttled per account and per address. Unknown accounts cost the same
     * time and give the same answer as a wrong password.
     */
    async login(
      email: string,
      password: string,
      address: string,
      userAgent?: string,
    ): Promise<Result<{ user: AuthUser; token: string; addPasskey: boolean }>> {
      const now = clock.now();
      const keys = { account: email, address };
      const refused = throttled(keys, now);
      if (refused) return refused;
      const row = db.select({ id: users.id, passwordHash: users.passwordHash }).from(users).where(eq(users.email, email)).get();
      const tracked = [`account:${keys.account}`, `address:${keys.address}`];
      track(tracked, 1);
      let valid: boolean;
      try {
        valid = await verifyPassword(password, row?.passwordHash ?? (await decoyPasswordHash()));
      } finally {
        track(tracked, -1);
      }
      if (!row || !valid) {
        failures.add(`account:${keys.account}`, now);
        failures.add(`address:${keys.address}`, now);
        return fail('INVALID_CREDENTIALS', 'That email and password do not match an account.');
      }
      failures.clear(`account:${keys.account}`);
      // Only someone who knows the password learns about the ban, so it reveals no account.
      const ban = banOf?.(row.id);
      if (ban) return fail('BANNED', 'Your access to the fair is suspended.', ban);
      const user = loadUser(row.id);
      if (!user) return fail('INVALID_CREDENTIALS', 'That email and password do not match an account.');
      const policy = passwordSignIn?.(user) ?? { addPasskey: false };
      if ('ok' in policy) return policy;
      return ok({ user, token: createSession(user.id, { userAgent, method: 'password' }), addPasskey: policy.addPasskey });
    },

    /** The user behind a session cookie value, or null when it is unknown or expired. */
    userForSession(token: string | undefined): AuthUser | null {
      if (!token) return null;
      // A placeholder in a where clause binds the raw value: expiresAt is stored as epoch ms.
      const tokenHash = hashSecret(token);
      const now = clock.now();
      const session = liveSession.get({ tokenHash, now });
      if (!session) return null;
      if (!session.lastSeenAt || now - session.lastSeenAt.getTime() >= SESSION_LAST_SEEN_RESOLUTION_MS) {
        try {
          db.update(sessions).set({ lastSeenAt: new Date(now) }).where(eq(sessions.tokenHash, tokenHash)).run();
        } catch {
          // "Last seen" is only shown to the member: a busy database must not refuse the request.
        }
      }
      return loadUser(session.userId);
    },

    /** Whether this session's holder proved who they are within the last `windowMs`. */
    recentlyAuthenticated(token: string | undefined, windowMs: number): boolean {
      if (!token) return false;
      const row = db.select({ at: sessions.authenticatedAt }).from(sessions).where(eq(sessions.tokenHash, hashSecret(token))).get();
      return row?.at != null && clock.now() - row.at.getTime() < windowMs;
    },

    /** Records a fresh proof of identity (password or passkey) for this session. */
    markAuthenticated(token: string): void {
      db.update(sessions).set({ authenticatedAt: new Date(clock.now()) }).where(eq(sessions.tokenHash, hashSecret(token))).run();
    },

    logout(token: string): void {
      db.delete(sessions).where(eq(sessions.tokenHash, hashSecret(token))).run();
    },

    /** Ends every session of a user (used by bans). */
    endAllSessions(userId: string): void {
      db.delete(sessions).where(eq(sessions.userId, userId)).run();
    },

    purgeExpiredSessions(): void {
      db.delete(sessions).where(lte(sessions.expiresAt, new Date(clock.now()))).run();
    },
  };
}
