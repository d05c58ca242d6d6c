import { and, eq, getTableColumns, gt, inArray, isNull, lte, min, ne, sql } from 'drizzle-orm';
import type { SignInMethod } from '../../shared/account.js';
import type { Me } from '../../shared/auth.js';
import { timeParam, type Db } from '../db/open.js';
import { writeDurably } from '../db/storage-errors.js';
import { boothHosts, sessions, users } from '../db/tables.js';
import { conductPending, currentConductVersion } from '../conduct/version.js';
import { banInForce } from '../moderation/restrictions.js';
import { fail, ok, type Failure, type Result } from '../http/errors.js';
import { createLoginThrottle, type LoginThrottlePolicy } from './login-throttle.js';
import type { LimiterFactory } from '../rate-limit/limiters.js';
import { decoyPasswordHash, verifyPassword } from './passwords.js';
import { hashSecret, newSecret } from './tokens.js';

/** The signed-in user as every feature sees it. */
export type AuthUser = Me;

/** What a new session records about how it began. */
export interface SessionDetails {
  /** The browser's User-Agent header (truncated to SESSION_USER_AGENT_MAX_CHARS). */
  userAgent?: string | undefined;
  method: SignInMethod;
}

export const SESSION_USER_AGENT_MAX_CHARS = 200;
/** A session's last-seen time is written at most this often (one write per session, not per request). */
export const SESSION_LAST_SEEN_RESOLUTION_MS = 5 * 60_000;
/** "Last seen" writes wait this long and go to the database together. */
const SESSION_LAST_SEEN_BATCH_MS = 1_000;

export interface Clock {
  now(): number;
}

/** A live session: its id is the stored hash of the cookie, never the cookie itself. */
export interface Session {
  id: string;
  user: AuthUser;
  expiresAt: number;
  /** A ban is in force for the user (read with the session; a ban also ends every session). */
  banned: boolean;
}

/** Sessions that just ended: these ones, or every session of one user. */
export type EndedSessions = { sessionIds: string[] } | { userId: string };

export interface AuthServiceDeps {
  db: Db;
  clock: Clock;
  sessionTtlMs: number;
  /** Sign-in throttle settings (tests shorten them); see login-throttle.ts for the rule. */
  loginThrottle?: Partial<LoginThrottlePolicy>;
  /** Where the throttle keeps its counters; in memory unless a shared store is given. */
  loginLimiters?: LimiterFactory;
  /** A ban in force for this user, if any (moderation owns bans; auth only asks). */
  banOf?: (userId: string) => Ban | null | Promise<Ban | null>;
  /** Told whenever sessions end, so their live sockets can be closed. */
  onSessionsEnded?: (ended: EndedSessions) => void;
  /**
   * Asked after a correct password: a failure refuses the password sign-in (staff who must use
   * their passkey); `addPasskey` asks the client to urge the person to add one.
   */
  passwordSignIn?: (user: AuthUser) => PasswordSignInPolicy | Promise<PasswordSignInPolicy>;
}

/** A ban in force, as moderation reports it. */
type Ban = { until: string | null };
/** A refusal, or whether to urge the person to add a passkey. */
type PasswordSignInPolicy = Failure | { addPasskey: boolean };

export type AuthService = ReturnType<typeof createAuthService>;

/** The answer to a sign-in (password or passkey) into an account organisers have deactivated. */
export const accountDeactivated = () => fail('FORBIDDEN', 'This account has been deactivated. Ask the organisers to reactivate it.');

export function createAuthService({ db, clock, sessionTtlMs, loginThrottle, loginLimiters, banOf, onSessionsEnded, passwordSignIn }: AuthServiceDeps) {
  const throttle = createLoginThrottle(loginThrottle, loginLimiters);

  // Prepared once: every socket handshake and every signed-in request runs these.
  const userById = db
    .select({ ...getTableColumns(users), currentConduct: currentConductVersion() })
    .from(users)
    .where(eq(users.id, sql.placeholder('userId')))
    .prepare();
  const hostedBy = db.select({ boothId: boothHosts.boothId }).from(boothHosts).where(eq(boothHosts.userId, sql.placeholder('userId'))).prepare();
  // Every handshake and request runs this: the session and its user in one read.
  const liveSession = db
    .select({
      expiresAt: sessions.expiresAt,
      lastSeenAt: sessions.lastSeenAt,
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      verifiedName: users.verifiedName,
      role: users.role,
      conductVersion: users.conductVersion,
      currentConduct: currentConductVersion(),
      banned: banInForce(users.id, sql.placeholder('now')),
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    // A deactivated account's sessions are ended when it is deactivated; this keeps any that
    // raced the deactivation from opening anything.
    .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), gt(sessions.expiresAt, sql.placeholder('now')), isNull(users.deactivatedAt)))
    .prepare();
  const sessionById = db
    .select({ id: sessions.tokenHash })
    .from(sessions)
    .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), gt(sessions.expiresAt, sql.placeholder('now'))))
    .prepare();

  /** The user as authorisation sees them; only a host's booths are looked up (can() reads them for hosts only). */
  async function toAuthUser(
    row: Pick<typeof users.$inferSelect, 'id' | 'email' | 'displayName' | 'verifiedName' | 'role' | 'conductVersion'> & { currentConduct: number | null },
  ): Promise<AuthUser> {
    return {
      id: row.id,
      email: row.email,
      displayName: row.displayName,
      verifiedName: row.verifiedName,
      role: row.role,
      hostedBoothIds: row.role === 'host' ? (await hostedBy.execute({ userId: row.id })).map((h) => h.boothId) : [],
      conductPending: conductPending(row.currentConduct, row.conductVersion),
    };
  }

  async function loadUser(userId: string): Promise<AuthUser | null> {
    const [row] = await userById.execute({ userId });
    return row ? toAuthUser(row) : null;
  }

  async function createSession(userId: string, details: SessionDetails = { method: 'password' }): Promise<string> {
    const token = newSecret();
    const now = new Date(clock.now());
    await writeDurably(db, async () => {
      await db.insert(sessions).values({
        tokenHash: hashSecret(token),
        userId,
        expiresAt: new Date(now.getTime() + sessionTtlMs),
        createdAt: now,
        userAgent: details.userAgent?.slice(0, SESSION_USER_AGENT_MAX_CHARS) ?? null,
        lastSeenAt: now,
        authenticatedAt: now,
        method: details.method,
      });
    });
    return token;
  }

  /**
   * "Last seen" times waiting to be written. They are only shown to the member (at a
   * five-minute resolution), so they are written together, a second later, in one
   * transaction: when the fair opens, a thousand handshakes a second must not each wait for
   * a write of their own.
   */
  const lastSeen = new Map<string, number>();
  let lastSeenTimer: NodeJS.Timeout | undefined;
  const touchSession = db
    .update(sessions)
    .set({ lastSeenAt: sql`${sql.placeholder('at')}` })
    .where(eq(sessions.tokenHash, sql.placeholder('tokenHash')))
    .prepare();
  function noteLastSeen(tokenHash: string, at: number): void {
    lastSeen.set(tokenHash, at);
    lastSeenTimer ??= setTimeout(writeLastSeen, SESSION_LAST_SEEN_BATCH_MS).unref();
  }
  function writeLastSeen(): void {
    lastSeenTimer = undefined;
    const batch = [...lastSeen];
    lastSeen.clear();
    void writeDurably(db, async () => {
      for (const [tokenHash, at] of batch) await touchSession.execute({ tokenHash, at: timeParam(at) });
    }).catch(() => {
      // A busy or closed database must not refuse anyone: only "last seen" is late.
    });
  }

  async function sessionFor(token: string | undefined): Promise<Session | null> {
    if (!token) return null;
    const id = hashSecret(token);
    const now = clock.now();
    // A placeholder in a where clause binds the raw value, without the column's mapping.
    const [row] = await liveSession.execute({ tokenHash: id, now: timeParam(now) });
    if (row && (!row.lastSeenAt || now - row.lastSeenAt.getTime() >= SESSION_LAST_SEEN_RESOLUTION_MS)) noteLastSeen(id, now);
    return row ? { id, user: await toAuthUser(row), expiresAt: row.expiresAt.getTime(), banned: row.banned } : null;
  }

  /** How many times sessions were ended by this process: see sessionsEndedCount. */
  let endings = 0;
  /** After a delete of sessions: `count` of them ended. None ended (a sweep that found none due) moves nothing. */
  function ended(what: EndedSessions, count: number): void {
    if (count === 0) return;
    endings += 1;
    onSessionsEnded?.(what);
  }

  /**
   * Ends a user's sessions (all, or all but the one they are using) and closes their sockets.
   * Answers how many ended. The one place sessions of a user end, whoever asks.
   */
  async function endSessionsOf(userId: string, exceptSessionId?: string): Promise<number> {
    if (exceptSessionId === undefined) {
      const gone = await writeDurably(db, async () => db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.tokenHash }));
      ended({ userId }, gone.length);
      return gone.length;
    }
    const gone = await writeDurably(db, async () =>
      db
        .delete(sessions)
        .where(and(eq(sessions.userId, userId), ne(sessions.tokenHash, exceptSessionId)))
        .returning({ id: sessions.tokenHash }),
    );
    ended({ sessionIds: gone.map((row) => row.id) }, gone.length);
    return gone.length;
  }

  /** Ends these sessions (by id, the stored hash) and closes their sockets. */
  async function endSessions(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const gone = await writeDurably(db, async () => db.delete(sessions).where(inArray(sessions.tokenHash, sessionIds)).returning({ id: sessions.tokenHash }));
    ended({ sessionIds: gone.map((row) => row.id) }, gone.length);
  }

  return {
    loadUser,
    createSession,

    /**
     * Checks a password, throttled per account and address (see login-throttle.ts). Unknown
     * accounts cost the same time and give the same answers as a wrong password.
     */
    async login(
      email: string,
      password: string,
      address: string,
      userAgent?: string,
    ): Promise<Result<{ user: AuthUser; token: string; addPasskey: boolean }>> {
      const gate = await throttle.attempt(email, address);
      if (!gate.allowed) {
        const retryAfterSeconds = Math.max(1, Math.ceil(gate.retryAfterMs / 1000));
        return fail('RATE_LIMITED', `Too many failed sign-in attempts. Try again in ${retryAfterSeconds} seconds.`, {
          retryAfterSeconds,
        });
      }
      const [row] = await db
        .select({ id: users.id, passwordHash: users.passwordHash, deactivatedAt: users.deactivatedAt })
        .from(users)
        .where(eq(users.email, email))
        .limit(1);
      const valid = await verifyPassword(password, row?.passwordHash ?? (await decoyPasswordHash()));
      if (!row || !valid) return fail('INVALID_CREDENTIALS', 'That email and password do not match an account.');
      await gate.succeeded();
      // Like a ban, told only to someone who knows the password.
      if (row.deactivatedAt) return accountDeactivated();
      // Only someone who knows the password learns about the ban, so it reveals no account.
      const ban = await banOf?.(row.id);
      if (ban) return fail('BANNED', 'Your access to the fair is suspended.', ban);
      const user = await loadUser(row.id);
      if (!user) return fail('INVALID_CREDENTIALS', 'That email and password do not match an account.');
      const policy = (await passwordSignIn?.(user)) ?? { addPasskey: false };
      if ('ok' in policy) return policy;
      return ok({ user, token: await createSession(user.id, { userAgent, method: 'password' }), addPasskey: policy.addPasskey });
    },

    sessionFor,

    /** The user behind a session cookie value, or null when it is unknown or expired. */
    async userForSession(token: string | undefined): Promise<AuthUser | null> {
      return (await sessionFor(token))?.user ?? null;
    },

    /**
     * Sets the name this person uses at the fair, if `refused` (the name rule, asked inside the
     * write: NameClaims.refusedWithinWrite) lets it through.
     */
    async setDisplayName(userId: string, displayName: string, refused: () => Promise<Failure | null>): Promise<Result<AuthUser>> {
      const refusal = await writeDurably(db, async () => {
        const refusal = await refused();
        if (!refusal) await db.update(users).set({ displayName }).where(eq(users.id, userId));
        return refusal;
      });
      if (refusal) return refusal;
      const user = await loadUser(userId);
      return user ? ok(user) : fail('NOT_FOUND', 'There is no such account.');
    },

    /** Whether this session's holder proved who they are within the last `windowMs`. */
    async recentlyAuthenticated(token: string | undefined, windowMs: number): Promise<boolean> {
      if (!token) return false;
      const [row] = await db
        .select({ at: sessions.authenticatedAt })
        .from(sessions)
        .where(eq(sessions.tokenHash, hashSecret(token)))
        .limit(1);
      return row?.at != null && clock.now() - row.at.getTime() < windowMs;
    },

    /** Records a fresh proof of identity (password or passkey) for this session. */
    async markAuthenticated(token: string): Promise<void> {
      await writeDurably(db, async () => {
        await db
          .update(sessions)
          .set({ authenticatedAt: new Date(clock.now()) })
          .where(eq(sessions.tokenHash, hashSecret(token)));
      });
    },

    /**
     * Counts the times this process ended sessions. A socket's handshake notes it; the connection
     * reads its session again only if it moved in between (cheaper than a read per arrival).
     */
    sessionsEndedCount(): number {
      return endings;
    },

    /** Whether a session (by id) is still live: a socket checks this once it is connected. */
    async sessionIsLive(sessionId: string): Promise<boolean> {
      return (await sessionById.execute({ tokenHash: sessionId, now: timeParam(clock.now()) })).length > 0;
    },

    /** Ends the session behind this cookie value; its sockets are closed. */
    async logout(token: string): Promise<void> {
      const id = hashSecret(token);
      const gone = await writeDurably(db, async () => db.delete(sessions).where(eq(sessions.tokenHash, id)).returning({ id: sessions.tokenHash }));
      ended({ sessionIds: [id] }, gone.length);
    },

    /**
     * Ends every session of a user but `exceptSessionId` (a password change keeps the device
     * that made it) and closes their sockets. Deactivating an account ends them all.
     */
    endSessionsOf,
    endSessions,

    /** Ends every session of a user and closes their sockets (bans). */
    async endAllSessions(userId: string): Promise<void> {
      await endSessionsOf(userId);
    },

    /**
     * Deletes sessions whose time is up and closes their sockets. Returns when the next one
     * expires, so the sweep can wake up then.
     */
    async endExpiredSessions(): Promise<{ ended: number; nextExpiryAt: number | null }> {
      const now = new Date(clock.now());
      const gone = await writeDurably(db, async () => db.delete(sessions).where(lte(sessions.expiresAt, now)).returning({ id: sessions.tokenHash }));
      ended({ sessionIds: gone.map((row) => row.id) }, gone.length);
      const [next] = await db.select({ at: min(sessions.expiresAt) }).from(sessions);
      return { ended: gone.length, nextExpiryAt: next?.at ? next.at.getTime() : null };
    },
  };
}
