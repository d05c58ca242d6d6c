import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Language } from '../../shared/limits.js';
import type { Db } from '../db/open.js';
import { writeDurably } from '../db/storage-errors.js';
import { passwordResets, users } from '../db/tables.js';
import { fail, ok, type Failure, type Result } from '../http/errors.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mailer.js';
import { passwordResetEmail } from '../mail/templates.js';
import { hashedKey, memoryLimiters, tryConsume, type LimiterFactory } from '../rate-limit/limiters.js';
import { hashPassword } from './passwords.js';
import type { AuthService, AuthUser, Clock } from './service.js';
import { hashSecret, newSecret } from './tokens.js';

/** How long an emailed reset link works. */
export const PASSWORD_RESET_TTL_MS = 60 * 60_000;

/**
 * Requests from one address: past `addressMax` in the window, RATE_LIMITED (it says nothing
 * about any account). Emails to one account: past `accountMax` in the window, further requests
 * are answered as usual but send nothing, so nobody can flood a member's inbox, and the answer
 * does not tell whether the account exists.
 */
export interface PasswordResetPolicy {
  addressMax: number;
  addressWindowMs: number;
  accountMax: number;
  accountWindowMs: number;
}

export const PASSWORD_RESET_POLICY: PasswordResetPolicy = {
  addressMax: 10,
  addressWindowMs: 15 * 60_000,
  accountMax: 3,
  accountWindowMs: 60 * 60_000,
};

export interface PasswordResetDeps {
  db: Db;
  clock: Clock;
  auth: Pick<AuthService, 'endSessionsOf' | 'loadUser'>;
  mailer: Mailer;
  /** Read per link: tests learn their port only once the server listens. */
  publicUrl: () => string;
  logger: Logger;
  /** Where the counts live (Redis with several nodes). */
  limiters?: LimiterFactory;
  policy?: Partial<PasswordResetPolicy>;
  /**
   * The password sign-in rule (passkeys.passwordSignIn): whom a password does not sign in (staff
   * with a passkey, under PASSKEYS_REQUIRED_FOR_STAFF) get no reset link either.
   */
  passwordSignIn?: (user: AuthUser) => Promise<Failure | { addPasskey: boolean }>;
}

export type PasswordResetService = ReturnType<typeof createPasswordResetService>;

const resetInvalid = () => fail('RESET_INVALID', 'This password-reset link has expired or has already been used. Ask for a new one.');

/** "Forgot your password?": an emailed single-use link, then a new password that ends every session. */
export function createPasswordResetService({ db, clock, auth, mailer, publicUrl, logger, limiters = memoryLimiters, policy: overrides, passwordSignIn }: PasswordResetDeps) {
  const policy = { ...PASSWORD_RESET_POLICY, ...overrides };
  const perAddress = limiters({ keyPrefix: 'reset:address', points: policy.addressMax, durationMs: policy.addressWindowMs });
  const perAccount = limiters({ keyPrefix: 'reset:account', points: policy.accountMax, durationMs: policy.accountWindowMs });

  /** Off the request path: whether the account exists changes nothing the requester can see or time. */
  async function sendLink(email: string, language: Language): Promise<void> {
    if (await tryConsume(perAccount, hashedKey(email))) {
      logger.info('password reset: this account had enough links for now; none sent');
      return;
    }
    const [row] = await db.select({ id: users.id, locale: users.locale }).from(users).where(and(eq(users.email, email), isNull(users.deletedAt))).limit(1);
    const user = row ? await auth.loadUser(row.id) : null;
    if (!user) return;
    const refused = await passwordSignIn?.(user);
    if (refused && 'ok' in refused) {
      logger.info({ code: refused.error.code }, 'password reset: a password does not sign this account in; no link sent');
      return;
    }
    const token = newSecret();
    const now = clock.now();
    // One live link per account: asking again replaces the earlier one.
    await writeDurably(db, async () => {
      await db.delete(passwordResets).where(eq(passwordResets.userId, user.id));
      await db.insert(passwordResets).values({ tokenHash: hashSecret(token), userId: user.id, expiresAt: new Date(now + PASSWORD_RESET_TTL_MS), createdAt: new Date(now) });
    });
    // The account's own language (from its invitation) when it has one, else the page's.
    await mailer.send(passwordResetEmail({ to: email, userId: user.id, language: row?.locale ?? language, link: `${publicUrl()}/reset-password/${token}`, ttlMs: PASSWORD_RESET_TTL_MS }));
  }

  return {
    policy,

    /**
     * Asks for a reset link. The answer is the same whether the account exists or not; only
     * an address over its limit hears RATE_LIMITED. The email goes out in the background.
     */
    async request(email: string, address: string, language: Language): Promise<Result<void>> {
      const refused = await tryConsume(perAddress, hashedKey('', address));
      if (refused) {
        const retryAfterSeconds = Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
        return fail('RATE_LIMITED', `Too many requests. Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
      }
      sendLink(email, language).catch((err: unknown) => logger.error({ err }, 'password reset: link not sent'));
      return ok(undefined);
    },

    /**
     * Sets a new password with the token from the link. The token is used up, every session of
     * the account ends (its sockets close), and the person signs in again with the new password.
     */
    async confirm(token: string, password: string): Promise<Result<void>> {
      const tokenHash = hashSecret(token);
      const live = and(eq(passwordResets.tokenHash, tokenHash), gt(passwordResets.expiresAt, new Date(clock.now())));
      const [found] = await db.select({ userId: passwordResets.userId }).from(passwordResets).where(live).limit(1);
      if (!found) return resetInvalid();
      // Hashed before the write: scrypt's 100 ms must not hold the write lock.
      const passwordHash = await hashPassword(password);
      const userId = await writeDurably(db, async () => {
        // Claimed once: of two confirmations with the same link, only one finds the row to delete.
        const [claimed] = await db.delete(passwordResets).where(live).returning({ userId: passwordResets.userId });
        if (!claimed) return null;
        await db.update(users).set({ passwordHash }).where(eq(users.id, claimed.userId));
        await db.delete(passwordResets).where(eq(passwordResets.userId, claimed.userId));
        return claimed.userId;
      });
      if (userId === null) return resetInvalid();
      await auth.endSessionsOf(userId);
      return ok(undefined);
    },
  };
}
