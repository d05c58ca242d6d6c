import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import {
  CONTACT_REQUEST_WINDOW_MS,
  CONTACT_REQUESTS_PER_WINDOW,
  type ContactAnswer,
  type ContactRequestView,
  type ContactShare,
  type ContactStatus,
  type ContactSummary,
} from '../../shared/contacts.js';
import type { Conversation } from '../../shared/conversations.js';
import type { InboxKind, InboxNotice } from '../../shared/inbox.js';
import type { AuthUser, Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { lockUntilCommit, writeDurably } from '../db/storage-errors.js';
import { boothHosts, booths, contactRequests, conversations, fairSettings, inboxNotices, users } from '../db/tables.js';
import { toCsv } from '../http/csv.js';
import { fail, ok, type Result } from '../http/errors.js';
import type { AuditLog } from '../moderation/audit.js';
import { memoryLimiters, tryConsume, type LimiterFactory } from '../rate-limit/limiters.js';
import { rooms, type FairServer } from '../realtime/types.js';

export type ContactService = ReturnType<typeof createContactService>;

export interface ContactDeps {
  db: Db;
  io: FairServer;
  clock: Clock;
  audit: AuditLog;
  limiters?: LimiterFactory;
}

/** The most requests a list answers with (a booth gets tens in a fair; this is a guard). */
const LIST_MAX = 500;
const STATUS_BY_ANSWER: Record<ContactAnswer, ContactStatus> = { accept: 'accepted', decline: 'declined', email: 'email' };
/** Roles that may staff a booth they host: a host whose role was taken back is no longer told of requests. */
const STAFF_ROLES = ['host', 'moderator', 'admin'] as const;

interface NoticeDraft {
  userId: string;
  kind: InboxKind;
  payload: Record<string, unknown>;
}

/**
 * Contact requests (issue 16). A member asks a booth's staff for a follow-up, sharing only what
 * they choose; the booth's hosts see it live; the first staff member to answer decides it, on
 * every node (a conditional UPDATE … WHERE status = 'open'); an accept opens a 1:1 conversation
 * in the same transaction. Open requests wait until someone answers or the fair ends (then the
 * sweep closes them, with an inbox notice). Every notice is stored in the same transaction as
 * the change it tells of, and sent only once that has committed.
 */
export function createContactService({ db, io, clock, audit, limiters = memoryLimiters }: ContactDeps) {
  const member = alias(users, 'contact_member');
  const answerer = alias(users, 'contact_answerer');
  const rate = limiters({ keyPrefix: 'contact:request', points: CONTACT_REQUESTS_PER_WINDOW, durationMs: CONTACT_REQUEST_WINDOW_MS });

  async function views(where: ReturnType<typeof and>, order: 'staff' | 'newest'): Promise<ContactRequestView[]> {
    const rows = await db
      .select({
        request: contactRequests,
        boothName: booths.name,
        boothSlug: booths.slug,
        memberName: member.displayName,
        memberEmail: member.email,
        memberOrganisation: member.organisation,
        answererName: answerer.displayName,
        conversationId: conversations.id,
      })
      .from(contactRequests)
      .innerJoin(booths, eq(booths.id, contactRequests.boothId))
      .innerJoin(member, eq(member.id, contactRequests.memberId))
      .leftJoin(answerer, eq(answerer.id, contactRequests.answeredBy))
      .leftJoin(conversations, eq(conversations.requestId, contactRequests.id))
      .where(where)
      // Staff see open requests first (oldest first: they have waited longest), then the rest, newest first.
      .orderBy(
        ...(order === 'staff'
          ? [sql`case when ${contactRequests.status} = 'open' then 0 else 1 end`, sql`case when ${contactRequests.status} = 'open' then ${contactRequests.id} else -${contactRequests.id} end`]
          : [desc(contactRequests.id)]),
      )
      .limit(LIST_MAX);
    return rows.map((row) => toView(row));
  }

  function toView(row: {
    request: typeof contactRequests.$inferSelect;
    boothName: string;
    boothSlug: string;
    memberName: string;
    memberEmail: string;
    memberOrganisation: string | null;
    answererName: string | null;
    conversationId: number | null;
  }): ContactRequestView {
    const { request } = row;
    const share = request.share;
    return {
      id: request.id,
      boothId: request.boothId,
      boothName: row.boothName,
      boothSlug: row.boothSlug,
      message: request.message,
      share,
      status: request.status,
      // Only what the member agreed to: the display name always, the rest when chosen.
      member: {
        id: request.memberId,
        displayName: row.memberName,
        ...(share.includes('organisation') ? { organisation: row.memberOrganisation } : {}),
        ...(share.includes('email') ? { email: row.memberEmail } : {}),
      },
      answeredBy: request.answeredBy ? { id: request.answeredBy, displayName: row.answererName ?? '' } : null,
      answeredAt: request.answeredAt?.toISOString() ?? null,
      note: request.note,
      conversationId: row.conversationId,
      createdAt: request.createdAt.toISOString(),
    };
  }

  const viewOf = async (requestId: number) => (await views(eq(contactRequests.id, requestId), 'newest'))[0];

  /** The people told live of a booth's requests: its hosts (booth_hosts) who still hold a staff role. */
  async function hostsOf(boothId: number): Promise<string[]> {
    const rows = await db
      .select({ id: users.id })
      .from(boothHosts)
      .innerJoin(users, eq(users.id, boothHosts.userId))
      .where(and(eq(boothHosts.boothId, boothId), inArray(users.role, [...STAFF_ROLES]), isNull(users.deletedAt), isNull(users.deactivatedAt)));
    return rows.map((row) => row.id);
  }

  /** Stores notices inside the caller's transaction; `send` them once it has committed. */
  async function storeNotices(drafts: NoticeDraft[]): Promise<InboxNotice[]> {
    if (drafts.length === 0) return [];
    const rows = await db.insert(inboxNotices).values(drafts).returning();
    return rows.map((row) => ({ id: row.id, kind: row.kind as InboxKind, payload: row.payload, createdAt: row.createdAt.toISOString(), read: false }));
  }

  function sendNotices(notices: InboxNotice[], drafts: NoticeDraft[]): void {
    notices.forEach((notice, i) => io.to(rooms.user(drafts[i]!.userId)).emit('inbox:notice', notice));
  }

  /** Tells the booth's hosts and the member (and whoever answered) that a request changed. */
  async function announceUpdate(view: ContactRequestView, extra: readonly string[] = []): Promise<void> {
    const insiders = new Set([view.member.id, ...extra]);
    const others = (await hostsOf(view.boothId)).filter((id) => !insiders.has(id));
    // The conversation is named only to the two people in it.
    if (others.length > 0) io.to(others.map(rooms.user)).emit('contact:updated', { ...view, conversationId: null });
    io.to([...insiders].map(rooms.user)).emit('contact:updated', view);
  }

  /** When the fair has an end and it has passed. */
  async function fairEnded(): Promise<boolean> {
    const [row] = await db.select({ endsAt: fairSettings.endsAt }).from(fairSettings).limit(1);
    return row?.endsAt != null && row.endsAt.getTime() <= clock.now();
  }

  /**
   * Closes every open request once the fair has ended, telling each member in their inbox.
   * Idempotent and safe on several nodes at once: the conditional UPDATE flips each request
   * exactly once, and only the node whose UPDATE flipped it sends the notice. Run by each
   * node's timer (CONTACT_SWEEP_MS) and before every list and answer, so nobody sees an open
   * request of an ended fair.
   */
  async function sweep(): Promise<number> {
    if (!(await fairEnded())) return 0;
    const now = new Date(clock.now());
    const { closed, notices, drafts } = await writeDurably(db, async () => {
      const closed = await db
        .update(contactRequests)
        .set({ status: 'closed', answeredAt: now })
        .where(eq(contactRequests.status, 'open'))
        .returning({ id: contactRequests.id, memberId: contactRequests.memberId, boothId: contactRequests.boothId });
      if (closed.length === 0) return { closed, notices: [], drafts: [] };
      const boothRows = await db
        .select({ id: booths.id, name: booths.name, slug: booths.slug })
        .from(booths)
        .where(inArray(booths.id, [...new Set(closed.map((row) => row.boothId))]));
      const boothOf = new Map(boothRows.map((row) => [row.id, row]));
      const drafts: NoticeDraft[] = closed.map((row) => ({
        userId: row.memberId,
        kind: 'contact_closed',
        payload: { requestId: row.id, boothName: boothOf.get(row.boothId)?.name ?? '', boothSlug: boothOf.get(row.boothId)?.slug ?? '' },
      }));
      return { closed, drafts, notices: await storeNotices(drafts) };
    });
    sendNotices(notices, drafts);
    for (const row of closed) {
      const view = await viewOf(row.id);
      if (view) await announceUpdate(view);
    }
    return closed.length;
  }

  return {
    sweep,

    /** `contact:request`: one open request per member per booth; a second is a CONFLICT naming the first. */
    async request(user: AuthUser, input: { boothId: number; message: string; share: ContactShare[] }): Promise<Result<ContactRequestView>> {
      const [booth] = await db.select({ id: booths.id, archivedAt: booths.archivedAt }).from(booths).where(eq(booths.id, input.boothId)).limit(1);
      if (!booth || booth.archivedAt) return fail('NOT_FOUND', 'There is no such booth.');
      if (await fairEnded()) return fail('CONFLICT', 'The fair has ended: booths no longer take contact requests.');
      const refused = await tryConsume(rate, user.id);
      if (refused) {
        const retryAfterSeconds = Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
        return fail('RATE_LIMITED', `You have sent many contact requests. Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
      }
      const created = await writeDurably(db, async (): Promise<Result<number>> => {
        // One member, one booth, one open request: serialised per member on every node.
        await lockUntilCommit(`contact:${user.id}`, input.boothId);
        const [open] = await db
          .select({ id: contactRequests.id })
          .from(contactRequests)
          .where(and(eq(contactRequests.boothId, input.boothId), eq(contactRequests.memberId, user.id), eq(contactRequests.status, 'open')))
          .limit(1);
        if (open) return fail('CONFLICT', 'You already have an open request to this booth; its staff will answer it.', { requestId: open.id });
        const [row] = await db
          .insert(contactRequests)
          .values({ boothId: input.boothId, memberId: user.id, message: input.message, share: input.share, createdAt: new Date(clock.now()) })
          .returning({ id: contactRequests.id });
        return ok(row!.id);
      });
      if (!created.ok) return created;
      const view = (await viewOf(created.data))!;
      const hosts = await hostsOf(input.boothId);
      if (hosts.length > 0) io.to(hosts.map(rooms.user)).emit('contact:requested', view);
      return ok(view);
    },

    /** The booth this request belongs to (the command's capability scope), or undefined. */
    async boothOf(requestId: number): Promise<number | undefined> {
      const [row] = await db.select({ boothId: contactRequests.boothId }).from(contactRequests).where(eq(contactRequests.id, requestId)).limit(1);
      return row?.boothId;
    },

    /**
     * `contact:answer`: the first answer wins on every node (UPDATE … WHERE status = 'open'); a
     * later one is a CONFLICT naming who answered. An accept opens the conversation in the same
     * transaction; the member's inbox notice is stored with it.
     */
    async answer(staff: AuthUser, input: { requestId: number; answer: ContactAnswer; note?: string }): Promise<Result<{ view: ContactRequestView; conversation: Conversation | null }>> {
      await sweep();
      const status = STATUS_BY_ANSWER[input.answer];
      const now = new Date(clock.now());
      const done = await writeDurably(db, async () => {
        const [taken] = await db
          .update(contactRequests)
          .set({ status, note: input.note ?? null, answeredBy: staff.id, answeredAt: now })
          .where(and(eq(contactRequests.id, input.requestId), eq(contactRequests.status, 'open')))
          .returning();
        if (!taken) return null;
        const [booth] = await db.select({ name: booths.name, slug: booths.slug }).from(booths).where(eq(booths.id, taken.boothId)).limit(1);
        let conversationId: number | undefined;
        if (status === 'accepted') {
          const [row] = await db
            .insert(conversations)
            .values({ boothId: taken.boothId, requestId: taken.id, memberId: taken.memberId, staffId: staff.id, lastSeq: 0, createdAt: now })
            .returning({ id: conversations.id });
          conversationId = row!.id;
        }
        const drafts: NoticeDraft[] = [
          {
            userId: taken.memberId,
            kind: 'contact_answered',
            payload: {
              requestId: taken.id,
              boothName: booth?.name ?? '',
              boothSlug: booth?.slug ?? '',
              answer: input.answer,
              by: staff.displayName,
              note: input.note ?? null,
              ...(conversationId === undefined ? {} : { conversationId }),
            },
          },
        ];
        return { taken, conversationId, drafts, notices: await storeNotices(drafts) };
      });
      if (!done) {
        const current = await viewOf(input.requestId);
        if (!current) return fail('NOT_FOUND', 'There is no such contact request.');
        const by = current.answeredBy?.displayName;
        const message = current.status === 'closed' ? 'This request was closed when the fair ended.' : `${by ?? 'Another staff member'} has already answered this request.`;
        return fail('CONFLICT', message, { status: current.status, ...(by ? { answeredBy: by } : {}) });
      }
      sendNotices(done.notices, done.drafts);
      const view = (await viewOf(done.taken.id))!;
      await announceUpdate(view, [staff.id]);
      let conversation: Conversation | null = null;
      if (done.conversationId !== undefined) {
        conversation = {
          id: done.conversationId,
          boothId: view.boothId,
          boothName: view.boothName,
          requestId: view.id,
          member: { id: view.member.id, displayName: view.member.displayName },
          staff: { id: staff.id, displayName: staff.displayName },
          lastSeq: 0,
          createdAt: now.toISOString(),
        };
        io.to([rooms.user(view.member.id), rooms.user(staff.id)]).emit('conversation:created', conversation);
      }
      return ok({ view, conversation });
    },

    /** A booth's requests for its staff: open first (oldest first), then answered ones, newest first. */
    async forBooth(boothId: number): Promise<ContactRequestView[]> {
      await sweep();
      return views(eq(contactRequests.boothId, boothId), 'staff');
    },

    /** A member's own requests, newest first. */
    async mine(memberId: string): Promise<ContactRequestView[]> {
      await sweep();
      return views(eq(contactRequests.memberId, memberId), 'newest');
    },

    /** Open requests in the booths this person hosts (the header's count). */
    async summary(user: AuthUser): Promise<ContactSummary> {
      await sweep();
      if (user.hostedBoothIds.length === 0) return { open: 0, booths: [] };
      const rows = await db
        .select({ boothId: booths.id, slug: booths.slug, open: sql<number>`count(${contactRequests.id})`.mapWith(Number) })
        .from(booths)
        .leftJoin(contactRequests, and(eq(contactRequests.boothId, booths.id), eq(contactRequests.status, 'open')))
        .where(inArray(booths.id, [...user.hostedBoothIds]))
        .groupBy(booths.id, booths.slug)
        .orderBy(asc(booths.id));
      return { open: rows.reduce((sum, row) => sum + row.open, 0), booths: rows };
    },

    /**
     * The booth's accepted contacts (and those promised an email) as CSV, with only what each
     * member agreed to share: the display name always, organisation and email only when chosen.
     * Read and audited in one transaction: no export without its audit line.
     */
    async csv(actorId: string, boothId: number): Promise<string> {
      return audit.together(
        async () => {
          const rows = (await views(and(eq(contactRequests.boothId, boothId), inArray(contactRequests.status, ['accepted', 'email'])), 'newest')).reverse();
          return {
            count: rows.length,
            text: toCsv(
              ['name', 'organisation', 'email', 'answer', 'answered_by', 'answered_at', 'requested_at', 'message'],
              rows.map((row) => [
                row.member.displayName,
                row.member.organisation ?? '',
                row.member.email ?? '',
                row.status,
                row.answeredBy?.displayName ?? '',
                row.answeredAt ?? '',
                row.createdAt,
                row.message,
              ]),
            ),
          };
        },
        (result) => ({ actorId, action: 'contact:export', boothId, details: { contacts: result.count } }),
      ).then((result) => result.text);
    },
  };
}
