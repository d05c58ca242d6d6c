import { createHash } from 'node:crypto';
import { and, desc, eq, gt } from 'drizzle-orm';
import type { SessionSummary } from '../../shared/account.js';
import { createFailureThrottle } from '../auth/failure-throttle.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import type { AuthService, Clock } from '../auth/service.js';
import { hashSecret } from '../auth/tokens.js';
import type { Db } from '../db/open.js';
import type { LimiterFactory } from '../rate-limit/limiters.js';
import { writeDurably } from '../db/storage-errors.js';
import { sessions, users } from '../db/tables.js';
import { fail, ok, type Result } from '../http/errors.js';
import { describeBrowser } from './user-agent.js';

/** Wrong passwords given by a signed-in person (re-auth, password change) before a pause. */
export const PASSWORD_CHECK_MAX_FAILURES = 5;
export const PASSWORD_CHECK_WINDOW_MS = 15 * 60_000;

export interface SessionsServiceDeps {
  db: Db;
  clock: Clock;
  /** Auth ends sessions and closes their live sockets; this page only chooses which. */
  auth: Pick<AuthService, 'endSessions' | 'endSessionsOf'>;
  /** Where the wrong-password count is kept (Redis with several nodes). */
  limiters?: LimiterFactory;
}

export type SessionsService = ReturnType<typeof createSessionsService>;

/**
 * A session's public id: derived from its token hash, so it can be shown and sent back without
 * revealing the hash (which would let a database reader match cookies) or the token.
 */
export function publicSessionId(tokenHash: string): string {
  return createHash('sha256').update(`session:${tokenHash}`).digest('base64url').slice(0, 22);
}

/** A member's own sign-in sessions: list them, end one, end all others, change the password. */
export function createSessionsService({ db, clock, auth, limiters }: SessionsServiceDeps) {
  const passwordFailures = createFailureThrottle('password-check', PASSWORD_CHECK_MAX_FAILURES, PASSWORD_CHECK_WINDOW_MS, limiters);

  function liveSessionsOf(userId: string) {
    return db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, new Date(clock.now()))))
      .orderBy(desc(sessions.createdAt));
  }

  /** Ends these sessions; auth closes their sockets. */
  async function endSessions(tokenHashes: string[]): Promise<number> {
    await auth.endSessions(tokenHashes);
    return tokenHashes.length;
  }

  /** Ends every session of the user except the one holding `currentToken`. */
  function endOtherSessions(userId: string, currentToken: string): Promise<number> {
    return auth.endSessionsOf(userId, hashSecret(currentToken));
  }

  /** Checks the signed-in person's password, throttled per account. */
  async function checkPassword(userId: string, password: string): Promise<Result<{ passwordHash: string }>> {
    const key = `user:${userId}`;
    const refused = await passwordFailures.refusal(key);
    if (refused) return refused;
    const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
    if (!row || !(await verifyPassword(password, row.passwordHash))) {
      await passwordFailures.record(key);
      return fail('INVALID_CREDENTIALS', 'That password is not right.');
    }
    return ok({ passwordHash: row.passwordHash });
  }

  return {
    endSessions,
    endOtherSessions,
    checkPassword,

    async list(userId: string, currentToken: string): Promise<SessionSummary[]> {
      const currentHash = hashSecret(currentToken);
      return (await liveSessionsOf(userId)).map((row) => ({
        id: publicSessionId(row.tokenHash),
        browser: describeBrowser(row.userAgent),
        createdAt: row.createdAt.toISOString(),
        lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
        method: row.method ?? null,
        current: row.tokenHash === currentHash,
      }));
    },

    /** Ends one of the user's own sessions by its public id; NOT_FOUND for anyone else's. */
    async endOne(userId: string, currentToken: string, publicId: string): Promise<Result<{ current: boolean }>> {
      const match = (await liveSessionsOf(userId)).find((row) => publicSessionId(row.tokenHash) === publicId);
      if (!match) return fail('NOT_FOUND', 'No such session.');
      await endSessions([match.tokenHash]);
      return ok({ current: match.tokenHash === hashSecret(currentToken) });
    },

    /** Sets a new password after checking the current one; every other session of the user ends. */
    async changePassword(userId: string, currentToken: string, currentPassword: string, newPassword: string): Promise<Result<{ endedSessions: number }>> {
      const checked = await checkPassword(userId, currentPassword);
      if (!checked.ok) return checked;
      // Hashed before the write: scrypt's 100 ms must not hold the write lock.
      const passwordHash = await hashPassword(newPassword);
      await writeDurably(db, async () => {
        await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
      });
      return ok({ endedSessions: await endOtherSessions(userId, currentToken) });
    },
  };
}
