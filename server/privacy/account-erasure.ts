import { anotherActiveAdmin } from '../people/service.js';
import { and, count, desc, eq, exists, inArray, isNull, not, sql } from 'drizzle-orm';
import { ACCOUNT_AUDIT_ACTIONS, DELETED_MEMBER_NAME } from '../../shared/deleted-account.js';
import type { Clock } from '../auth/service.js';
import type { BoothService } from '../booths/service.js';
import type { Db } from '../db/open.js';
import { writeDurably } from '../db/storage-errors.js';
import { auditLog, authChallenges, boothFeedback, boothHosts, boothQuestions, booths, boothVisits, capabilityGrants, complaints, contactRequests, conversationMessages, conversationReports, inboxNotices, inboxReads, invites, messages, passkeys, passwordResets, privateAliases, questionVotes, reports, sessions, surveyResponses, users } from '../db/tables.js';
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
    async erase(userId: string, by: { kind: 'self' } | { kind: 'admin'; actorId: string }): Promise<Result<ErasureOutcome>> {
      const now = new Date(clock.now());
      const actorId = by.kind === 'self' ? userId : by.actorId;
      const openReport = exists(
        db
          .select({ one: sql`1` })
          .from(reports)
          .where(and(eq(reports.messageId, messages.id), eq(reports.status, 'open'))),
      );

      const result = await writeDurably(db, async (): Promise<Result<{ counts: ErasureOutcome; shown: { id: number; boothId: number; seq: number }[]; unpinned: { id: number }[] }>> => {
        const [user] = await db.select({ email: users.email, role: users.role, deletedAt: users.deletedAt }).from(users).where(eq(users.id, userId)).limit(1);
        if (!user || user.deletedAt) return fail('NOT_FOUND', 'There is no such account.');
        // Nobody could invite, assign hosts or erase accounts any more.
        if (user.role === 'admin' && !(await anotherActiveAdmin(db, userId))) {
          return fail('CONFLICT', 'This is the last organiser account: make someone else an admin first.');
        }
        const shown = await db
          .select({ id: messages.id, boothId: messages.boothId, seq: messages.seq })
          .from(messages)
          .where(and(eq(messages.userId, userId), isNull(messages.deletedAt)))
          .orderBy(desc(messages.id))
          .limit(ERASURE_BROADCAST_MAX_MESSAGES);
        const [held] = await db
          .select({ n: count() })
          .from(messages)
          .where(and(eq(messages.userId, userId), openReport));
        // Moderation's own soft deletes keep who removed them and why; the rest are marked as the account's end.
        await db
          .update(messages)
          .set({ deletedAt: now, deletedBy: actorId, deleteReason: ACCOUNT_DELETED_REASON })
          .where(and(eq(messages.userId, userId), isNull(messages.deletedAt)));
        const blanked = await db
          .update(messages)
          .set({ body: '' })
          .where(and(eq(messages.userId, userId), not(openReport)))
          .returning({ id: messages.id });
        // Their words in 1:1 conversations go too, except under an open report (as for chat).
        // The places stay: the other person sees "deleted member" without the text.
        const openConversationReport = exists(
          db
            .select({ one: sql`1` })
            .from(conversationReports)
            .where(and(eq(conversationReports.messageId, conversationMessages.id), eq(conversationReports.status, 'open'))),
        );
        await db
          .update(conversationMessages)
          .set({ body: '' })
          .where(and(eq(conversationMessages.userId, userId), not(openConversationReport)));
        const unpinned = await db
          .update(booths)
          .set({ pinnedMessageId: null })
          .where(inArray(booths.pinnedMessageId, db.select({ id: messages.id }).from(messages).where(eq(messages.userId, userId))))
          .returning({ id: booths.id });

        await db.delete(sessions).where(eq(sessions.userId, userId));
        await db.delete(passkeys).where(eq(passkeys.userId, userId));
        await db.delete(authChallenges).where(eq(authChallenges.userId, userId));
        await db.delete(passwordResets).where(eq(passwordResets.userId, userId));
        await db.delete(privateAliases).where(eq(privateAliases.userId, userId));
        await db.delete(boothVisits).where(eq(boothVisits.userId, userId));
        await db.delete(surveyResponses).where(eq(surveyResponses.userId, userId));
        // A rating stays linked to its giver (once per person): it goes with them.
        await db.delete(boothFeedback).where(eq(boothFeedback.userId, userId));
        await db.delete(boothHosts).where(eq(boothHosts.userId, userId));
        await db.delete(invites).where(eq(invites.email, user.email));
        // Their notices and what they read (the account's row stays, so nothing cascades).
        await db.delete(inboxReads).where(eq(inboxReads.userId, userId));
        await db.delete(inboxNotices).where(eq(inboxNotices.userId, userId));
        // Complaints filed under their name are their words: erased with them (steps go too). A
        // complaint about them stays for the organisers' record, no longer naming them.
        await db.delete(complaints).where(eq(complaints.filerId, userId));
        await db.update(complaints).set({ aboutUserId: null }).where(eq(complaints.aboutUserId, userId));
        await db.delete(capabilityGrants).where(eq(capabilityGrants.userId, userId));
        // Their contact requests (message and what they agreed to share) go with them: no booth keeps or exports them.
        await db.delete(contactRequests).where(eq(contactRequests.memberId, userId));
        // Their questions to booths are their words: taken down and blanked. Their votes go, and
        // the questions they voted on are counted again (votes = its rows in question_votes).
        await db
          .update(boothQuestions)
          .set({ deletedAt: now, deletedBy: actorId })
          .where(and(eq(boothQuestions.userId, userId), isNull(boothQuestions.deletedAt)));
        await db.update(boothQuestions).set({ body: '' }).where(eq(boothQuestions.userId, userId));
        const votedOn = await db.delete(questionVotes).where(eq(questionVotes.userId, userId)).returning({ questionId: questionVotes.questionId });
        for (const { questionId } of votedOn) {
          await db
            .update(boothQuestions)
            .set({ votes: sql`(select count(*) from ${questionVotes} where ${questionVotes.questionId} = ${questionId})` })
            .where(eq(boothQuestions.id, questionId));
        }
        await db.update(auditLog).set({ details: null }).where(eq(auditLog.targetUserId, userId));
        await db
          .update(users)
          .set({
            email: `deleted-${userId}@invalid`,
            displayName: DELETED_MEMBER_NAME,
            verifiedName: null,
            organisation: null,
            locale: null,
            passwordHash: UNUSABLE_PASSWORD_HASH,
            deletedAt: now,
          })
          .where(eq(users.id, userId));
        const counts: ErasureOutcome = { messagesBlanked: blanked.length, messagesHeld: held?.n ?? 0 };
        await audit.record({
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
        const booth = await deps.booths.byId(id);
        if (booth) io.to(rooms.lobby).emit('booth:updated', booth);
      }
      logger.info({ action: by.kind === 'self' ? ACCOUNT_AUDIT_ACTIONS.deleted : ACCOUNT_AUDIT_ACTIONS.erased, ...outcome.counts }, 'account erased');
      return ok(outcome.counts);
    },
  };
}
