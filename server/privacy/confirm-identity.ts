import { and, eq, isNull } from 'drizzle-orm';
import type { Clock } from '../auth/service.js';
import { decoyPasswordHash, verifyPassword } from '../auth/passwords.js';
import type { Db } from '../db/open.js';
import { users } from '../db/schema.js';
import { fail, ok, type Result } from '../http/errors.js';
import { createMemoryWindowCounter } from '../rate-limit/window-counter.js';

export const CONFIRM_WINDOW_MS = 15 * 60_000;
export const CONFIRM_MAX_FAILURES = 5;

export type ConfirmIdentity = (userId: string, password: string) => Promise<Result<void>>;

/**
 * Asks for the password again before a step that cannot be undone. A stand-in for the shared
 * re-authentication guard (`requireRecentAuth`, passkeys included): swap this one function
 * for it when that lands. Throttled per account, so a session left open on a shared computer
 * cannot be used to guess the password.
 */
export function createPasswordConfirmation(db: Db, clock: Clock): ConfirmIdentity {
  const failures = createMemoryWindowCounter(CONFIRM_WINDOW_MS);
  return async (userId, password) => {
    const now = clock.now();
    if (failures.count(userId, now) >= CONFIRM_MAX_FAILURES) {
      const retryAfterSeconds = Math.max(1, Math.ceil(failures.msUntilNextExpiry(userId, now) / 1000));
      return fail('RATE_LIMITED', `Too many wrong passwords. Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
    }
    const row = db
      .select({ passwordHash: users.passwordHash })
      .from(users)
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .get();
    // No such account: check against a decoy anyway, so the answer takes as long.
    if (await verifyPassword(password, row?.passwordHash ?? (await decoyPasswordHash()))) {
      failures.clear(userId);
      return ok(undefined);
    }
    failures.add(userId, now);
    return fail('INVALID_CREDENTIALS', 'That password is not right.');
  };
}
