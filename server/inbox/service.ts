import { and, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { Router } from 'express';
import { inboxQuerySchema, inboxReadSchema, type InboxKind, type InboxNotice, type InboxPage } from '../../shared/inbox.js';
import type { AuthService } from '../auth/service.js';
import { invalidPayload, sendError } from '../http/errors.js';
import { asyncHandler, currentUser, parseBody, requireUser } from '../http/middleware.js';
import type { Db } from '../db/open.js';
import { storageErrorCode, writeDurably } from '../db/storage-errors.js';
import { inboxNotices, inboxReads, users } from '../db/tables.js';
import type { Logger } from '../logger.js';
import type { FairServer } from '../realtime/types.js';
import { rooms } from '../realtime/types.js';

export type Inbox = ReturnType<typeof createInbox>;

const PAGE_DEFAULT = 30;
const READ_CHUNK = 500;

/**
 * Every member's inbox: notices stored in the database, so what happened while they were
 * offline, or before a reload, is still there. A notice for one person goes to their open
 * connections at once (`inbox:notice`); one for everyone (`userId` null) to every connection,
 * and only accounts that existed when it was made see it.
 */
export function createInbox(db: Db, io: FairServer, logger: Logger) {
  /** Notices this person may see: theirs, and those for everyone made since their account was. */
  async function visibleTo(userId: string): Promise<SQL | undefined> {
    const [me] = await db.select({ createdAt: users.createdAt }).from(users).where(eq(users.id, userId)).limit(1);
    if (!me) return undefined;
    return or(eq(inboxNotices.userId, userId), and(isNull(inboxNotices.userId), gte(inboxNotices.createdAt, me.createdAt)));
  }

  const readBy = (userId: string) => and(eq(inboxReads.noticeId, inboxNotices.id), eq(inboxReads.userId, userId));

  async function unreadCount(userId: string, visible: SQL): Promise<number> {
    const [row] = await db
      .select({ count: sql<number>`count(*)`.mapWith(Number) })
      .from(inboxNotices)
      .leftJoin(inboxReads, readBy(userId))
      .where(and(visible, isNull(inboxReads.noticeId)));
    return row?.count ?? 0;
  }

  /**
   * Stores a notice (durably: it is there after a reload even if nobody was online) and sends
   * it to the open connections of the person it is for, or of everyone.
   */
  async function deliver(userId: string | null, kind: InboxKind, payload: Record<string, unknown>): Promise<InboxNotice> {
    const [row] = await writeDurably(db, () => db.insert(inboxNotices).values({ userId, kind, payload }).returning());
    const notice: InboxNotice = { id: row!.id, kind, payload, createdAt: row!.createdAt.toISOString(), read: false };
    io.to(userId === null ? rooms.lobby : rooms.user(userId)).emit('inbox:notice', notice);
    return notice;
  }

  /**
   * The same notice for each of these people (those present in a booth, say), stored in one
   * statement, then sent to each one's open connections.
   */
  async function deliverToEach(userIds: readonly string[], kind: InboxKind, payload: Record<string, unknown>): Promise<InboxNotice[]> {
    const unique = [...new Set(userIds)];
    if (unique.length === 0) return [];
    const rows = await writeDurably(db, () => db.insert(inboxNotices).values(unique.map((userId) => ({ userId, kind, payload }))).returning());
    return rows.map((row) => {
      const notice: InboxNotice = { id: row.id, kind, payload, createdAt: row.createdAt.toISOString(), read: false };
      io.to(rooms.user(row.userId!)).emit('inbox:notice', notice);
      return notice;
    });
  }

  return {
    deliver,
    deliverToEach,
    /**
     * For a notice that follows an action already done (a mute, a resolved report, an
     * announcement already sent live): works out who it is for and what it says (`build`),
     * stores it and sends it, and never rejects. A failure is logged; the action it follows
     * stands, and so does its answer.
     */
    async deliverAfter(kind: InboxKind, build: () => Promise<{ to: string | null | readonly string[]; payload: Record<string, unknown> }>): Promise<void> {
      try {
        const { to, payload } = await build();
        if (typeof to === 'string' || to === null) await deliver(to, kind, payload);
        else await deliverToEach(to, kind, payload);
      } catch (err) {
        logger.error({ err, kind, storage: storageErrorCode(err) }, 'inbox: a notice could not be stored');
      }
    },

    /** One page, newest first, and how many are unread in all. */
    async page(userId: string, query: { beforeId?: number; limit?: number }): Promise<InboxPage> {
      const visible = await visibleTo(userId);
      if (!visible) return { notices: [], unread: 0, nextBeforeId: null };
      const limit = query.limit ?? PAGE_DEFAULT;
      const rows = await db
        .select({ id: inboxNotices.id, kind: inboxNotices.kind, payload: inboxNotices.payload, createdAt: inboxNotices.createdAt, readNotice: inboxReads.noticeId })
        .from(inboxNotices)
        .leftJoin(inboxReads, readBy(userId))
        .where(and(visible, query.beforeId === undefined ? undefined : lt(inboxNotices.id, query.beforeId)))
        .orderBy(desc(inboxNotices.id))
        .limit(limit + 1);
      const notices = rows.slice(0, limit).map(
        (row): InboxNotice => ({ id: row.id, kind: row.kind as InboxKind, payload: row.payload, createdAt: row.createdAt.toISOString(), read: row.readNotice !== null }),
      );
      return { notices, unread: await unreadCount(userId, visible), nextBeforeId: rows.length > limit ? notices[notices.length - 1]!.id : null };
    },

    /** Marks these notices (those the person may see), or every one, read; answers the unread count after. */
    async markRead(userId: string, which: { ids: number[] } | { all: true }): Promise<{ unread: number }> {
      const visible = await visibleTo(userId);
      if (!visible) return { unread: 0 };
      await writeDurably(db, async () => {
        const unread = await db
          .select({ id: inboxNotices.id })
          .from(inboxNotices)
          .leftJoin(inboxReads, readBy(userId))
          .where(and(visible, isNull(inboxReads.noticeId), 'ids' in which ? inArray(inboxNotices.id, which.ids) : undefined));
        // In chunks: one statement holds a bounded number of parameters (SQLite's limit).
        for (let start = 0; start < unread.length; start += READ_CHUNK) {
          const chunk = unread.slice(start, start + READ_CHUNK);
          await db.insert(inboxReads).values(chunk.map(({ id }) => ({ userId, noticeId: id }))).onConflictDoNothing();
        }
      });
      const count = await unreadCount(userId, visible);
      // Every tab and device of theirs shows the same count (the header's badge).
      io.to(rooms.user(userId)).emit('inbox:read', { unread: count });
      return { unread: count };
    },

    /** How many notices this person has not read. */
    async unread(userId: string): Promise<number> {
      const visible = await visibleTo(userId);
      return visible ? unreadCount(userId, visible) : 0;
    },
  };
}

/** `GET /api/inbox` and `POST /api/inbox/read`: the signed-in person's own notices. */
export function inboxRoutes(auth: AuthService, inbox: Inbox): Router {
  const router = Router();
  router.get(
    '/api/inbox',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const query = inboxQuerySchema.safeParse(req.query);
      if (!query.success) return sendError(res, invalidPayload(query.error).error);
      res.setHeader('Cache-Control', 'no-store');
      res.json(await inbox.page(currentUser(res).id, query.data));
    }),
  );
  router.post(
    '/api/inbox/read',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const body = parseBody(inboxReadSchema, req, res);
      if (!body) return;
      res.json(await inbox.markRead(currentUser(res).id, body));
    }),
  );
  return router;
}
