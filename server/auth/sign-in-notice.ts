import { eq } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { users } from '../db/tables.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mailer.js';
import { signInNoticeEmail } from '../mail/templates.js';
import { hashedKey, memoryLimiters, type LimiterFactory } from '../rate-limit/limiters.js';
import { browserParts } from '../sessions/user-agent.js';
import type { Clock } from './service.js';

/**
 * How long a browser and network stay known for an account after a sign-in from them. Below
 * Node's 24.8-day timer limit, which the memory store's expiry timers must respect.
 */
export const SIGN_IN_KNOWN_MS = 20 * 24 * 60 * 60_000;

export interface SignInNoticeDeps {
  db: Db;
  clock: Clock;
  mailer: Mailer;
  publicUrl: () => string;
  logger: Logger;
  /** Where known browsers are remembered (Redis with several nodes). */
  limiters?: LimiterFactory;
}

export type SignInNotices = ReturnType<typeof createSignInNotices>;

/**
 * "New sign-in to your account" emails: sent when an account signs in from a browser and
 * network (address) it has not signed in from within SIGN_IN_KNOWN_MS, in the account's
 * language. Only when email really goes out (SMTP_URL): a notice written to the log warns nobody.
 */
export function createSignInNotices({ db, clock, mailer, publicUrl, logger, limiters = memoryLimiters }: SignInNoticeDeps) {
  const known = limiters({ keyPrefix: 'signin:known', points: 1, durationMs: SIGN_IN_KNOWN_MS });
  const keyOf = (userId: string, address: string, userAgent: string | undefined) => {
    const { browser = '', system = '' } = browserParts(userAgent);
    return hashedKey(userId, address, browser, system);
  };
  const remember = (key: string) => known.set(key, 1, SIGN_IN_KNOWN_MS / 1000);

  async function notify(userId: string, address: string, userAgent: string | undefined): Promise<void> {
    const key = keyOf(userId, address, userAgent);
    const seen = await known.get(key);
    await remember(key);
    if (seen && seen.msBeforeNext > 0) return;
    const [user] = await db.select({ email: users.email, locale: users.locale }).from(users).where(eq(users.id, userId)).limit(1);
    if (!user) return;
    await mailer.send(
      signInNoticeEmail({ to: user.email, userId, language: user.locale ?? 'en', browser: browserParts(userAgent), at: new Date(clock.now()), publicUrl: publicUrl() }),
    );
  }

  return {
    /** A sign-in happened (password or passkey): notify in the background if the browser is new. Never throws. */
    signedIn(userId: string, address: string, userAgent: string | undefined): void {
      if (!mailer.delivers) return;
      notify(userId, address, userAgent).catch((err: unknown) => logger.error({ err }, 'sign-in notice not sent'));
    },

    /** The browser that accepted an invitation is the account's own: no notice when it signs in later. */
    accountCreated(userId: string, address: string, userAgent: string | undefined): void {
      if (!mailer.delivers) return;
      remember(keyOf(userId, address, userAgent)).catch((err: unknown) => logger.error({ err }, 'sign-in notice: browser not remembered'));
    },
  };
}
