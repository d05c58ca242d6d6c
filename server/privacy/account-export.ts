import { and, asc, eq, gte, isNull, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { InboxKind } from '../../shared/inbox.js';
import type { AccountExport } from '../../shared/privacy.js';
import type { Db } from '../db/open.js';
import { writeDurably } from '../db/storage-errors.js';
import { auditLog, boothFeedback, boothHosts, boothQuestions, booths, boothVisits, capabilityGrants, complaints, complaintSteps, contactRequests, conversationMessages, conversations, inboxNotices, inboxReads, invites, messages, passkeys, privateAliases, questionVotes, reports, restrictions, sessions, surveyResponses, users } from '../db/tables.js';

const iso = (at: Date) => at.toISOString();
const isoOrNull = (at: Date | null) => at?.toISOString() ?? null;

/**
 * Everything the fair holds about one member, read in one transaction so the parts agree (a
 * message sent meanwhile is in every part or in none). It writes nothing: it goes through
 * writeDurably because that is the one way to hold a transaction, and an export is rare and
 * short next to the writes it waits behind.
 * Left out on purpose: session token hashes and passkey public keys (secrets or useless to
 * a person), other members' messages (even the ones they reported), moderators' notes on
 * reports, and who on the staff acted on them: their role is shown, not their identity.
 * Null when there is no such account (or it was deleted).
 */
export function exportAccount(db: Db, userId: string, now: Date): Promise<AccountExport | null> {
  // Made per call, after the dialect is chosen (tables.ts).
  const actor = alias(users, 'actor');
  return writeDurably(db, async (): Promise<AccountExport | null> => {
    const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
    if (!user || user.deletedAt) return null;
    const hostedBooths = await db
      .select({ id: booths.id, slug: booths.slug, name: booths.name })
      .from(boothHosts)
      .innerJoin(booths, eq(booths.id, boothHosts.boothId))
      .where(eq(boothHosts.userId, userId))
      .orderBy(asc(booths.id));
    const sessionRows = await db
      .select({ createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt, browser: sessions.userAgent, method: sessions.method })
      .from(sessions)
      .where(eq(sessions.userId, userId))
      .orderBy(asc(sessions.createdAt));
    const passkeyRows = await db
      .select({ name: passkeys.name, createdAt: passkeys.createdAt, lastUsedAt: passkeys.lastUsedAt })
      .from(passkeys)
      .where(eq(passkeys.userId, userId))
      .orderBy(asc(passkeys.createdAt));
    const inviteRows = await db
      .select({ role: invites.role, boothId: invites.boothId, createdAt: invites.createdAt, expiresAt: invites.expiresAt, usedAt: invites.usedAt })
      .from(invites)
      .where(eq(invites.email, user.email))
      .orderBy(asc(invites.id));
    const messageRows = await db
      .select({
        boothId: messages.boothId,
        booth: booths.slug,
        seq: messages.seq,
        body: messages.body,
        createdAt: messages.createdAt,
        deletedAt: messages.deletedAt,
        private: messages.private,
      })
      .from(messages)
      .innerJoin(booths, eq(booths.id, messages.boothId))
      .where(eq(messages.userId, userId))
      .orderBy(asc(messages.id));
    const conversationRows = await db
      .select({
        conversationId: conversationMessages.conversationId,
        boothId: conversations.boothId,
        booth: booths.slug,
        seq: conversationMessages.seq,
        body: conversationMessages.body,
        createdAt: conversationMessages.createdAt,
        deletedAt: conversationMessages.deletedAt,
      })
      .from(conversationMessages)
      .innerJoin(conversations, eq(conversations.id, conversationMessages.conversationId))
      .innerJoin(booths, eq(booths.id, conversations.boothId))
      .where(eq(conversationMessages.userId, userId))
      .orderBy(asc(conversationMessages.id));
    const visitRows = await db
      .select({ boothId: boothVisits.boothId, booth: booths.slug, joinedAt: boothVisits.joinedAt, leftAt: boothVisits.leftAt, private: boothVisits.private })
      .from(boothVisits)
      .innerJoin(booths, eq(booths.id, boothVisits.boothId))
      .where(eq(boothVisits.userId, userId))
      .orderBy(asc(boothVisits.id));
    const feedbackRows = await db
      .select({ boothId: boothFeedback.boothId, booth: booths.slug, rating: boothFeedback.rating, comment: boothFeedback.comment, createdAt: boothFeedback.createdAt })
      .from(boothFeedback)
      .innerJoin(booths, eq(booths.id, boothFeedback.boothId))
      .where(eq(boothFeedback.userId, userId))
      .orderBy(asc(boothFeedback.id));
    const questionRows = await db
      .select({
        id: boothQuestions.id,
        boothId: boothQuestions.boothId,
        booth: booths.slug,
        body: boothQuestions.body,
        anonymous: boothQuestions.anonymous,
        votes: boothQuestions.votes,
        createdAt: boothQuestions.createdAt,
        answeredAt: boothQuestions.answeredAt,
        deletedAt: boothQuestions.deletedAt,
      })
      .from(boothQuestions)
      .innerJoin(booths, eq(booths.id, boothQuestions.boothId))
      .where(eq(boothQuestions.userId, userId))
      .orderBy(asc(boothQuestions.id));
    const voteRows = await db
      .select({ questionId: questionVotes.questionId, boothId: boothQuestions.boothId, booth: booths.slug, createdAt: questionVotes.createdAt })
      .from(questionVotes)
      .innerJoin(boothQuestions, eq(boothQuestions.id, questionVotes.questionId))
      .innerJoin(booths, eq(booths.id, boothQuestions.boothId))
      .where(eq(questionVotes.userId, userId))
      .orderBy(asc(questionVotes.questionId));
    const aliasRows = await db
      .select({ boothId: privateAliases.boothId, number: privateAliases.number })
      .from(privateAliases)
      .where(eq(privateAliases.userId, userId))
      .orderBy(asc(privateAliases.boothId));
    const reportRows = await db
      .select({
        messageId: reports.messageId,
        boothId: messages.boothId,
        reason: reports.reason,
        note: reports.note,
        status: reports.status,
        createdAt: reports.createdAt,
        resolvedAt: reports.resolvedAt,
      })
      .from(reports)
      .innerJoin(messages, eq(messages.id, reports.messageId))
      .where(eq(reports.reporterId, userId))
      .orderBy(asc(reports.id));
    const restrictionRows = await db
      .select({
        kind: restrictions.kind,
        boothId: restrictions.boothId,
        reason: restrictions.reason,
        createdAt: restrictions.createdAt,
        expiresAt: restrictions.expiresAt,
        liftedAt: restrictions.liftedAt,
      })
      .from(restrictions)
      .where(eq(restrictions.userId, userId))
      .orderBy(asc(restrictions.id));
    const actionRows = await db
      .select({
        action: auditLog.action,
        byRole: actor.role,
        boothId: auditLog.boothId,
        reason: auditLog.reason,
        expiresAt: auditLog.expiresAt,
        createdAt: auditLog.createdAt,
      })
      .from(auditLog)
      .leftJoin(actor, eq(actor.id, auditLog.actorId))
      .where(eq(auditLog.targetUserId, userId))
      .orderBy(asc(auditLog.id));
    const surveyRows = await db
      .select({ surveyId: surveyResponses.surveyId, answers: surveyResponses.answers, language: surveyResponses.locale, answeredAt: surveyResponses.createdAt, changedAt: surveyResponses.updatedAt })
      .from(surveyResponses)
      .where(eq(surveyResponses.userId, userId))
      .orderBy(asc(surveyResponses.surveyId));
    // What their inbox shows: their own notices, and those for everyone since their account was made.
    const inboxRows = await db
      .select({ kind: inboxNotices.kind, payload: inboxNotices.payload, userId: inboxNotices.userId, createdAt: inboxNotices.createdAt, readAt: inboxReads.readAt })
      .from(inboxNotices)
      .leftJoin(inboxReads, and(eq(inboxReads.noticeId, inboxNotices.id), eq(inboxReads.userId, userId)))
      .where(or(eq(inboxNotices.userId, userId), and(isNull(inboxNotices.userId), gte(inboxNotices.createdAt, user.createdAt))))
      .orderBy(asc(inboxNotices.id));
    const complaintRows = await db
      .select({ id: complaints.id, category: complaints.category, body: complaints.body, status: complaints.status, createdAt: complaints.createdAt })
      .from(complaints)
      .where(eq(complaints.filerId, userId))
      .orderBy(asc(complaints.id));
    const stepRows = await db
      .select({ complaintId: complaintSteps.complaintId, status: complaintSteps.status, reply: complaintSteps.reply, at: complaintSteps.createdAt })
      .from(complaintSteps)
      .innerJoin(complaints, eq(complaints.id, complaintSteps.complaintId))
      .where(eq(complaints.filerId, userId))
      .orderBy(asc(complaintSteps.id));
    // Who on the staff answered stays with the staff, as for reports: the answer and its note are theirs.
    const contactRows = await db
      .select({
        boothId: contactRequests.boothId,
        booth: booths.slug,
        message: contactRequests.message,
        share: contactRequests.share,
        status: contactRequests.status,
        note: contactRequests.note,
        createdAt: contactRequests.createdAt,
        answeredAt: contactRequests.answeredAt,
      })
      .from(contactRequests)
      .innerJoin(booths, eq(booths.id, contactRequests.boothId))
      .where(eq(contactRequests.memberId, userId))
      .orderBy(asc(contactRequests.id));
    const grantRows = await db
      .select({ capability: capabilityGrants.capability, createdAt: capabilityGrants.createdAt })
      .from(capabilityGrants)
      .where(eq(capabilityGrants.userId, userId));
    return {
      exportedAt: iso(now),
      account: {
        id: user.id,
        email: user.email,
        displayName: user.displayName,
        verifiedName: user.verifiedName,
        role: user.role,
        locale: user.locale,
        createdAt: iso(user.createdAt),
        conductVersionAccepted: user.conductVersion,
        conductAcceptedAt: isoOrNull(user.conductAcceptedAt),
        organisation: user.organisation,
      },
      hostedBooths,
      sessions: sessionRows.map((s) => ({ ...s, createdAt: iso(s.createdAt), lastSeenAt: isoOrNull(s.lastSeenAt), expiresAt: iso(s.expiresAt) })),
      passkeys: passkeyRows.map((p) => ({ name: p.name, createdAt: iso(p.createdAt), lastUsedAt: isoOrNull(p.lastUsedAt) })),
      invites: inviteRows.map((i) => ({ ...i, createdAt: iso(i.createdAt), expiresAt: iso(i.expiresAt), usedAt: isoOrNull(i.usedAt) })),
      // A message moderation removed is still theirs: the body is kept for the record, so it is in the export.
      messages: messageRows.map(({ deletedAt, ...m }) => ({ ...m, createdAt: iso(m.createdAt), deleted: deletedAt !== null })),
      conversationMessages: conversationRows.map(({ deletedAt, ...m }) => ({ ...m, createdAt: iso(m.createdAt), deleted: deletedAt !== null })),
      visits: visitRows.map((v) => ({ ...v, joinedAt: iso(v.joinedAt), leftAt: isoOrNull(v.leftAt) })),
      privateAliases: aliasRows,
      boothFeedback: feedbackRows.map((f) => ({ ...f, createdAt: iso(f.createdAt) })),
      questionsAsked: questionRows.map(({ deletedAt, ...q }) => ({ ...q, createdAt: iso(q.createdAt), answeredAt: isoOrNull(q.answeredAt), removed: deletedAt !== null })),
      questionVotes: voteRows.map((v) => ({ ...v, createdAt: iso(v.createdAt) })),
      reportsFiled: reportRows.map((r) => ({ ...r, createdAt: iso(r.createdAt), resolvedAt: isoOrNull(r.resolvedAt) })),
      restrictions: restrictionRows.map((r) => ({ ...r, createdAt: iso(r.createdAt), expiresAt: isoOrNull(r.expiresAt), liftedAt: isoOrNull(r.liftedAt) })),
      complaintsFiled: complaintRows.map((c) => ({
        ...c,
        createdAt: iso(c.createdAt),
        steps: stepRows.filter((step) => step.complaintId === c.id).map((step) => ({ status: step.status, reply: step.reply, at: iso(step.at) })),
      })),
      contactRequests: contactRows.map((c) => ({ ...c, createdAt: iso(c.createdAt), answeredAt: isoOrNull(c.answeredAt) })),
      grants: grantRows.map((g) => ({ capability: g.capability, createdAt: iso(g.createdAt) })),
      actionsOnMe: actionRows.map((a) => ({ ...a, expiresAt: isoOrNull(a.expiresAt), createdAt: iso(a.createdAt) })),
      surveyAnswers: surveyRows.map((a) => ({ ...a, answeredAt: iso(a.answeredAt), changedAt: iso(a.changedAt) })),
      inbox: inboxRows.map((n) => ({ kind: n.kind as InboxKind, payload: n.payload, forEveryone: n.userId === null, createdAt: iso(n.createdAt), readAt: isoOrNull(n.readAt) })),
    };
  });
}
