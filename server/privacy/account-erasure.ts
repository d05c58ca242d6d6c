import { and, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { ACCOUNT_AUDIT_ACTIONS, DELETED_MEMBER_NAME } from '../../shared/deleted-account.js';
import type { Clock } from '../auth/service.js';
import type { BoothService } from '../booths/service.js';
import type { Db } from '../db/open.js';
import { auditLog, authChallenges, boothHosts, booths, boothVisits, invites, messages, passkeys, privateAliases, sessions, users } from '../db/schema.js';
import { fail, ok, type Result } from '../http/errors.js';
import type { Logger } from '../logger.js';
import type { AuditLog } from '../moderation/audit.js';
import type { Enforcer } from '../moderation/enforcement.js';
import { rooms, type FairServer } from '../realtime/types.js';

/** A password hash no password matches (verifyPassword only accepts the scrypt scheme). */
export const UNUSABLE_PASSWORD_HASH = '!account-deleted';
export const ACCOUNT_DELETED_REASON = 'account deleted';
/**
 * Live clients are told about this many of the account's latest messages (`chat:deleted`);
 * older ones are far above anyone's screen and arrive without a body on the next history load.
 */
export const ERASURE_BROADCAST_MAX_MESSAGES = 200;

export type AccountEraser = ReturnType<typeof createAccountEraser>;

export interface ErasureOutcome {
  /** Messages whose body was blanked. */
  messagesBlanked: number;
  /** Messages kept with their body (hidden from members) because an open report needs them. */
  messagesHeld: number;
}

/**
 * Ends an account for good, at the member's request (`self`) or an organiser's (`admin`).
 *
 * The user row stays as a scrubbed tombstone so that messages keep their places (sequence
 * numbers never get gaps) and moderation records keep their subject. Everything that only
 * served the person goes: sessions, passkeys, challenges, private pseudonyms, invites to their
 * address, visits, hosting. Every message of theirs is hidden from members and its body
 * blanked, except while an open report needs it (moderators still see what was reported; the
 * body goes with the message at retention). Audit entries about them keep action, time and
 * reason, and lose their details.
 */
export function createAccountEraser(deps: {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  io: FairServer;
  enforcer: Enforcer;
  booths: Pick<BoothService, 'byId' | 'forget'>;
  logger: Logger;
}) {
  const { db, clock, audit, io, enforcer } = deps;
  const logger = deps.logger.child({ feature: 'privacy' });

  return {
    erase(userId: string, by: { kind: 'self' } | { kind: 'admin'; actorId: string }): Result<ErasureOutcome> {
      const now = new Date(clock.now());
      const actorId = by.kind === 'self' ? userId : by.actorId;
      const openReport = sql`exists (select 1 from reports r where r.message_id = ${messages.id} and r.status = 'open')`;

      const result = db.transaction((tx): Result<{ counts: ErasureOutcome; shown: { id: number; boothId: number; seq: number }[]; unpinned: { id: number }[] }> => {
        const user = tx.select({ email: users.email, role: users.role, deletedAt: users.deletedAt }).from(users).where(eq(users.id, userId)).get();
        if (!user || user.deletedAt) return fail('NOT_FOUND', 'There is no such account.');
        if (user.role === 'admin') {
          const others = tx
            .select({ n: sql<number>`count(*)` })
            .from(users)
            .where(and(eq(users.role, 'admin'), isNull(users.deletedAt), ne(users.id, userId)))
            .get();
          // Nobody could invite, assign hosts or erase accounts any more.
          if (!others?.n) return fail('CONFLICT', 'This is the last organiser account: make someone else an admin first.');
        }
        const shown = tx
          .select({ id: messages.id, boothId: messages.boothId, seq: messages.seq })
          .from(messages)
          .where(and(eq(messages.userId, userId), isNull(messages.deletedAt)))
          .orderBy(desc(messages.id))
          .limit(ERASURE_BROADCAST_MAX_MESSAGES)
          .all();
        const held = tx.select({ n: sql<number>`count(*)` }).from(messages).where(and(eq(messages.userId, userId), openReport)).get()?.n ?? 0;
        // Moderation's own soft deletes keep who removed them and why; the rest are marked as the account's end.
        const hidden = tx
          .update(messages)
          .set({
            deletedAt: sql`coalesce(${messages.deletedAt}, ${now.getTime()})`,
            deletedBy: sql`case when ${messages.deletedAt} is null then ${actorId} else ${messages.deletedBy} end`,
            deleteReason: sql`case when ${messages.deletedAt} is null then ${ACCOUNT_DELETED_REASON} else ${messages.deleteReason} end`,
            body: sql`case when ${openReport} then ${messages.body} else '' end`,
          })
          .where(eq(messages.userId, userId))
          .run().changes;
        const unpinned = tx
          .update(booths)
          .set({ pinnedMessageId: null })
          .where(inArray(booths.pinnedMessageId, tx.select({ id: messages.id }).from(messages).where(eq(messages.userId, userId))))
          .returning({ id: booths.id })
          .all();

        tx.delete(sessions).where(eq(sessions.userId, userId)).run();
        tx.delete(passkeys).where(eq(passkeys.userId, userId)).run();
        tx.delete(authChallenges).where(eq(authChallenges.userId, userId)).run();
        tx.delete(privateAliases).where(eq(privateAliases.userId, userId)).run();
        tx.delete(boothVisits).where(eq(boothVisits.userId, userId)).run();
        tx.delete(boothHosts).where(eq(boothHosts.userId, userId)).run();
        tx.delete(invites).where(eq(invites.email, user.email)).run();
        tx.update(auditLog).set({ details: null }).where(eq(auditLog.targetUserId, userId)).run();
        tx.update(users)
          .set({
            email: `deleted-${userId}@invalid`,
            displayName: DELETED_MEMBER_NAME,
            verifiedName: null,
            passwordHash: UNUSABLE_PASSWORD_HASH,
            deletedAt: now,
          })
          .where(eq(users.id, userId))
          .run();
        const counts: ErasureOutcome = { messagesBlanked: hidden - held, messagesHeld: held };
        audit.record({
          actorId,
          action: by.kind === 'self' ? ACCOUNT_AUDIT_ACTIONS.deleted : ACCOUNT_AUDIT_ACTIONS.erased,
          targetUserId: userId,
          details: { ...counts },
        });
        return ok({ counts, shown, unpinned });
      });
      if (!result.ok) return result;
      const outcome = result.data;

      // Committed: now the live side. Every tab closes at once and the person leaves every booth.
      enforcer.removeFromFair(userId).catch((err: unknown) => logger.warn({ err }, 'could not remove an erased account from every video room'));
      for (const message of outcome.shown) io.to(rooms.booth(message.boothId)).emit('chat:deleted', { boothId: message.boothId, messageId: message.id, seq: message.seq });
      for (const { id } of outcome.unpinned) {
        deps.booths.forget(id);
        const booth = deps.booths.byId(id);
        if (booth) io.to(rooms.lobby).emit('booth:updated', booth);
      }
      logger.info({ action: by.kind === 'self' ? ACCOUNT_AUDIT_ACTIONS.deleted : ACCOUNT_AUDIT_ACTIONS.erased, ...outcome.counts }, 'account erased');
      return ok(outcome.counts);
    },
  };
}
