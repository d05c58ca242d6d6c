import { and, desc, eq, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Report, ReportReason, ReportStatus } from '../../shared/moderation.js';
import type { Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { writeDurably } from '../db/storage-errors.js';
import { messages, reports, users } from '../db/tables.js';
import { fail, ok, type Result } from '../http/errors.js';

export type ReportStore = ReturnType<typeof createReportStore>;


/** Members' reports of messages, and how moderators closed them. */
export function createReportStore(db: Db, clock: Clock) {
  // Aliases are made with the service, after the dialect is chosen (tables.ts).
  const reporter = alias(users, 'reporter');
  const author = alias(users, 'author');
  const resolver = alias(users, 'resolver');

  async function select(where: SQL | undefined): Promise<Report[]> {
    const rows = await db
      .select({
        row: reports,
        boothId: messages.boothId,
        body: messages.body,
        deletedAt: messages.deletedAt,
        reporterName: reporter.displayName,
        reporterRole: reporter.role,
        authorId: author.id,
        authorName: author.displayName,
        authorRole: author.role,
        resolverName: resolver.displayName,
      })
      .from(reports)
      .innerJoin(messages, eq(messages.id, reports.messageId))
      .innerJoin(reporter, eq(reporter.id, reports.reporterId))
      .innerJoin(author, eq(author.id, messages.userId))
      .leftJoin(resolver, eq(resolver.id, reports.resolvedBy))
      .where(where)
      .orderBy(desc(reports.id));
    return rows.map(({ row, boothId, body, deletedAt, reporterName, reporterRole, authorId, authorName, authorRole, resolverName }) => ({
      id: row.id,
      messageId: row.messageId,
      boothId,
      reason: row.reason,
      note: row.note,
      status: row.status,
      reporter: { id: row.reporterId, displayName: reporterName, role: reporterRole },
      message: { body, author: { id: authorId, displayName: authorName, role: authorRole }, deleted: deletedAt !== null },
      resolution:
        row.resolvedAt && row.resolutionNote !== null
          ? { note: row.resolutionNote, by: { id: row.resolvedBy ?? '', displayName: resolverName ?? '' }, at: row.resolvedAt.toISOString() }
          : null,
      createdAt: row.createdAt.toISOString(),
    }));
  }

  const byId = async (id: number): Promise<Report | undefined> => (await select(eq(reports.id, id)))[0];

  return {
    byId,

    /** Files a report; a second report of the same message by the same member is a CONFLICT. */
    async create(reporterId: string, messageId: number, reason: ReportReason, note: string | undefined): Promise<Result<Report>> {
      const [inserted] = await writeDurably(db, () =>
        db
          .insert(reports)
          .values({ reporterId, messageId, reason, note: note ?? null, createdAt: new Date(clock.now()) })
          .onConflictDoNothing()
          .returning({ id: reports.id }),
      );
      if (!inserted) return fail('CONFLICT', 'You have already reported this message.');
      return ok((await byId(inserted.id))!);
    },

    list(status?: ReportStatus): Promise<Report[]> {
      return select(status ? eq(reports.status, status) : undefined);
    },

    /** Closes an open report; closing one twice is a CONFLICT. */
    async resolve(reportId: number, resolvedBy: string, outcome: 'resolved' | 'dismissed', note: string): Promise<Result<Report>> {
      const [updated] = await writeDurably(db, () =>
        db
          .update(reports)
          .set({ status: outcome, resolvedBy, resolutionNote: note, resolvedAt: new Date(clock.now()) })
          .where(and(eq(reports.id, reportId), eq(reports.status, 'open')))
          .returning({ id: reports.id }),
      );
      if (updated) return ok((await byId(reportId))!);
      return (await byId(reportId)) ? fail('CONFLICT', 'This report has already been closed.') : fail('NOT_FOUND', 'There is no such report.');
    },
  };
}
