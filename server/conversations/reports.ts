import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { CONVERSATION_REPORT_CONTEXT, type ConversationReport } from '../../shared/conversations.js';
import type { ReportReason, ReportStatus } from '../../shared/moderation.js';
import type { Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { writeDurably } from '../db/storage-errors.js';
import { booths, conversationMessages, conversationReports, conversations, users } from '../db/tables.js';
import { fail, ok, type Result } from '../http/errors.js';
import { authorOf } from './service.js';

export type ConversationReportStore = ReturnType<typeof createConversationReportStore>;

/**
 * Reports of messages in 1:1 conversations, and how moderators closed them. Moderators see the
 * reported message as written (also after they removed it) and the few messages before it:
 * a report is the only way anyone but the two people reads a conversation.
 */
export function createConversationReportStore(db: Db, clock: Clock) {
  // Aliases are made with the store, after the dialect is chosen (tables.ts).
  const reporter = alias(users, 'reporter');
  const author = alias(users, 'author');
  const resolver = alias(users, 'resolver');

  async function contextOf(conversationId: number, seq: number): Promise<ConversationReport['context']> {
    const rows = await db
      .select({ seq: conversationMessages.seq, body: conversationMessages.body, deletedAt: conversationMessages.deletedAt, authorId: users.id, authorName: users.displayName, authorRole: users.role, authorDeletedAt: users.deletedAt })
      .from(conversationMessages)
      .innerJoin(users, eq(users.id, conversationMessages.userId))
      .where(and(eq(conversationMessages.conversationId, conversationId), lt(conversationMessages.seq, seq)))
      .orderBy(desc(conversationMessages.seq))
      .limit(CONVERSATION_REPORT_CONTEXT);
    // As written: an erased account's words are blank here too (erasure keeps only those under an open report).
    return rows.reverse().map((row) => ({ seq: row.seq, author: authorOf(row), body: row.body, deleted: row.deletedAt !== null || row.authorDeletedAt !== null }));
  }

  async function select(where: SQL | undefined): Promise<ConversationReport[]> {
    const rows = await db
      .select({
        row: conversationReports,
        conversationId: conversationMessages.conversationId,
        seq: conversationMessages.seq,
        body: conversationMessages.body,
        deletedAt: conversationMessages.deletedAt,
        boothId: conversations.boothId,
        boothName: booths.name,
        reporterName: reporter.displayName,
        reporterRole: reporter.role,
        reporterDeletedAt: reporter.deletedAt,
        authorId: author.id,
        authorName: author.displayName,
        authorRole: author.role,
        authorDeletedAt: author.deletedAt,
        resolverName: resolver.displayName,
      })
      .from(conversationReports)
      .innerJoin(conversationMessages, eq(conversationMessages.id, conversationReports.messageId))
      .innerJoin(conversations, eq(conversations.id, conversationMessages.conversationId))
      .innerJoin(booths, eq(booths.id, conversations.boothId))
      .innerJoin(reporter, eq(reporter.id, conversationReports.reporterId))
      .innerJoin(author, eq(author.id, conversationMessages.userId))
      .leftJoin(resolver, eq(resolver.id, conversationReports.resolvedBy))
      .where(where)
      .orderBy(desc(conversationReports.id));
    return Promise.all(
      rows.map(async (r) => ({
        id: r.row.id,
        messageId: r.row.messageId,
        conversationId: r.conversationId,
        boothId: r.boothId,
        boothName: r.boothName,
        reason: r.row.reason,
        note: r.row.note,
        status: r.row.status,
        reporter: authorOf({ authorId: r.row.reporterId, authorName: r.reporterName, authorRole: r.reporterRole, authorDeletedAt: r.reporterDeletedAt }),
        message: {
          seq: r.seq,
          body: r.body,
          author: authorOf({ authorId: r.authorId, authorName: r.authorName, authorRole: r.authorRole, authorDeletedAt: r.authorDeletedAt }),
          deleted: r.deletedAt !== null || r.authorDeletedAt !== null,
        },
        context: await contextOf(r.conversationId, r.seq),
        resolution:
          r.row.resolvedAt && r.row.resolutionNote !== null
            ? { note: r.row.resolutionNote, by: { id: r.row.resolvedBy ?? '', displayName: r.resolverName ?? '' }, at: r.row.resolvedAt.toISOString() }
            : null,
        createdAt: r.row.createdAt.toISOString(),
      })),
    );
  }

  const byId = async (id: number): Promise<ConversationReport | undefined> => (await select(eq(conversationReports.id, id)))[0];

  return {
    byId,

    /** True once one of the conversation's people has reported a message in it. */
    async anyIn(conversationId: number): Promise<boolean> {
      const [row] = await db
        .select({ id: conversationReports.id })
        .from(conversationReports)
        .innerJoin(conversationMessages, eq(conversationMessages.id, conversationReports.messageId))
        .where(eq(conversationMessages.conversationId, conversationId))
        .limit(1);
      return row !== undefined;
    },

    /** Files a report; a second report of the same message by the same person is a CONFLICT. */
    async create(reporterId: string, messageId: number, reason: ReportReason, note: string | undefined): Promise<Result<ConversationReport>> {
      const [inserted] = await writeDurably(db, () =>
        db
          .insert(conversationReports)
          .values({ reporterId, messageId, reason, note: note ?? null, createdAt: new Date(clock.now()) })
          .onConflictDoNothing()
          .returning({ id: conversationReports.id }),
      );
      if (!inserted) return fail('CONFLICT', 'You have already reported this message.');
      return ok((await byId(inserted.id))!);
    },

    list(status?: ReportStatus): Promise<ConversationReport[]> {
      return select(status ? eq(conversationReports.status, status) : undefined);
    },

    /** Closes an open report; closing one twice is a CONFLICT. */
    async resolve(reportId: number, resolvedBy: string, outcome: 'resolved' | 'dismissed', note: string): Promise<Result<ConversationReport>> {
      const [updated] = await writeDurably(db, () =>
        db
          .update(conversationReports)
          .set({ status: outcome, resolvedBy, resolutionNote: note, resolvedAt: new Date(clock.now()) })
          .where(and(eq(conversationReports.id, reportId), eq(conversationReports.status, 'open')))
          .returning({ id: conversationReports.id }),
      );
      if (updated) return ok((await byId(reportId))!);
      return (await byId(reportId)) ? fail('CONFLICT', 'This report has already been closed.') : fail('NOT_FOUND', 'There is no such report.');
    },
  };
}
