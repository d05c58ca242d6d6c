import { randomInt } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, isNull, lt, ne, or, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import {
  COMPLAINT_MESSAGE_EXCERPT_MAX_CHARS,
  mayMoveComplaint,
  TRACKING_CODE_ALPHABET,
  TRACKING_CODE_CHARS,
  type ComplaintAboutMessage,
  type ComplaintCategory,
  type ComplaintCreate,
  type ComplaintCreated,
  type ComplaintMessagePreview,
  type ComplaintStatus,
  type ComplaintStep,
  type ComplaintTracking,
  type ComplaintUpdate,
  type ComplaintView,
} from '../../shared/complaints.js';
import { DELETED_AUTHOR } from '../../shared/deleted-account.js';
import type { Result } from '../../shared/errors.js';
import { PRIVATE_AUTHOR_PREFIX } from '../../shared/private-visit.js';
import type { AuthUser, Clock } from '../auth/service.js';
import { hashSecret } from '../auth/tokens.js';
import { messageColumnsOf, toStored, viewFor, type ChatService, type MessageRow } from '../chat/service.js';
import type { Db } from '../db/open.js';
import { booths, complaints, complaintSteps, messages, privateAliases, users } from '../db/tables.js';
import { fail, ok } from '../http/errors.js';
import type { Inbox } from '../inbox/service.js';
import type { AuditLog } from '../moderation/audit.js';
import { rooms, type FairServer } from '../realtime/types.js';

export type ComplaintStore = ReturnType<typeof createComplaintStore>;

export interface ComplaintDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  inbox: Inbox;
  io: FairServer;
  chat: ChatService;
  /** COMPLAINT_ACK_TARGET_HOURS in milliseconds. */
  ackTargetMs: number;
}

export interface ComplaintFilters {
  status?: ComplaintStatus;
  category?: ComplaintCategory;
  overdue?: boolean;
}

const LIST_MAX = 500;

/** Who reads complaints: what they may see of a private visitor depends on the booths they staff. */
export type ComplaintReader = Pick<AuthUser, 'id' | 'role' | 'hostedBoothIds'>;

/** The first characters of a message, cut at a word where one is near the limit. */
function excerptOf(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat.length <= COMPLAINT_MESSAGE_EXCERPT_MAX_CHARS) return flat;
  const cut = flat.slice(0, COMPLAINT_MESSAGE_EXCERPT_MAX_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > COMPLAINT_MESSAGE_EXCERPT_MAX_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}

/** A fresh tracking code, grouped in fours for reading aloud or copying by hand. */
function newTrackingCode(): string {
  let code = '';
  for (let i = 0; i < TRACKING_CODE_CHARS; i += 1) code += TRACKING_CODE_ALPHABET[randomInt(TRACKING_CODE_ALPHABET.length)];
  return code.match(/.{4}/g)!.join('-');
}

/** What the database keeps of a tracking code: its hash (of the normalised form). */
export function trackingHash(normalisedCode: string): string {
  return hashSecret(`complaint:${normalisedCode}`);
}

const notFound = () => fail('NOT_FOUND', 'No such complaint.');

/**
 * Complaints to the organisers. An anonymous one is stored with no filer, no session and no
 * address (the filer follows it with a tracking code whose hash alone is kept); a named one
 * keeps its filer, who follows it from their list and inbox. Handlers move each through
 * received → acknowledged → in_progress → resolved | declined; each step is stored, audited,
 * and (with its reply) shown to the filer.
 */
export function createComplaintStore({ db, clock, audit, inbox, io, chat, ackTargetMs }: ComplaintDeps) {
  const filer = alias(users, 'filer');
  const aboutPerson = alias(users, 'about_person');
  const messageBooth = alias(booths, 'message_booth');
  // The message's author joins as `users` itself (messageColumnsOf reads it from there).
  const messageColumns = messageColumnsOf();

  /**
   * Never one about the reader: a complaint about them, or about a message they wrote (the
   * message's real author, a private visitor too; the filer never learns who that is).
   */
  const notAbout = (readerId: string) =>
    and(or(isNull(complaints.aboutUserId), ne(complaints.aboutUserId, readerId)), or(isNull(messages.userId), ne(messages.userId, readerId)));

  async function stepsOf(ids: number[]): Promise<Map<number, ComplaintStep[]>> {
    const byComplaint = new Map<number, ComplaintStep[]>();
    if (ids.length === 0) return byComplaint;
    const rows = await db
      .select({ complaintId: complaintSteps.complaintId, status: complaintSteps.status, reply: complaintSteps.reply, createdAt: complaintSteps.createdAt })
      .from(complaintSteps)
      .where(inArray(complaintSteps.complaintId, ids))
      .orderBy(asc(complaintSteps.id));
    for (const row of rows) {
      const list = byComplaint.get(row.complaintId) ?? [];
      list.push({ status: row.status as ComplaintStatus, reply: row.reply, at: row.createdAt.toISOString() });
      byComplaint.set(row.complaintId, list);
    }
    return byComplaint;
  }

  function isOverdue(status: string, createdAt: Date): boolean {
    return status === 'received' && createdAt.getTime() + ackTargetMs < clock.now();
  }

  async function tracking(where: SQL): Promise<ComplaintTracking[]> {
    const rows = await db
      .select({ id: complaints.id, category: complaints.category, status: complaints.status, createdAt: complaints.createdAt })
      .from(complaints)
      .where(where)
      .orderBy(desc(complaints.id))
      .limit(LIST_MAX);
    const steps = await stepsOf(rows.map((row) => row.id));
    return rows.map((row) => ({
      id: row.id,
      category: row.category as ComplaintCategory,
      status: row.status as ComplaintStatus,
      createdAt: row.createdAt.toISOString(),
      steps: steps.get(row.id) ?? [],
    }));
  }

  /** The message as this handler may see it: its text as written, its author masked unless they staff its booth. */
  function aboutMessage(reader: ComplaintReader, message: { [K in keyof MessageRow]: MessageRow[K] | null }, booth: { slug: string | null; name: string | null }): ComplaintAboutMessage | null {
    if (message.id === null || message.id === undefined || booth.slug === null) return null;
    const stored = toStored(message as MessageRow);
    const seen = viewFor(reader, stored);
    return {
      id: seen.id,
      booth: { id: seen.boothId, slug: booth.slug, name: booth.name ?? '' },
      author: { id: seen.author.id, displayName: seen.author.displayName },
      // Handlers read what was written, even after a moderator removed it (as reports do).
      body: message.body ?? '',
      deleted: seen.deleted === true,
      createdAt: seen.createdAt,
    };
  }

  /** Handlers' view; never a complaint about the reader. */
  async function views(reader: ComplaintReader, where: SQL | undefined): Promise<ComplaintView[]> {
    const rows = await db
      .select({
        row: complaints,
        filerName: filer.displayName,
        boothName: booths.name,
        personName: aboutPerson.displayName,
        message: messageColumns,
        messageBoothSlug: messageBooth.slug,
        messageBoothName: messageBooth.name,
      })
      .from(complaints)
      .leftJoin(filer, eq(filer.id, complaints.filerId))
      .leftJoin(booths, eq(booths.id, complaints.aboutBoothId))
      .leftJoin(aboutPerson, eq(aboutPerson.id, complaints.aboutUserId))
      .leftJoin(messages, eq(messages.id, complaints.aboutMessageId))
      .leftJoin(users, eq(users.id, messages.userId))
      .leftJoin(messageBooth, eq(messageBooth.id, messages.boothId))
      .leftJoin(privateAliases, and(eq(messages.private, true), eq(privateAliases.boothId, messages.boothId), eq(privateAliases.userId, messages.userId)))
      .where(and(notAbout(reader.id), where))
      .orderBy(desc(complaints.id))
      .limit(LIST_MAX);
    const steps = await stepsOf(rows.map(({ row }) => row.id));
    return rows.map(({ row, filerName, boothName, personName, message, messageBoothSlug, messageBoothName }) => ({
      id: row.id,
      category: row.category as ComplaintCategory,
      status: row.status as ComplaintStatus,
      createdAt: row.createdAt.toISOString(),
      steps: steps.get(row.id) ?? [],
      body: row.body,
      anonymous: row.filerId === null,
      filer: row.filerId ? { id: row.filerId, displayName: filerName ?? '' } : null,
      about: {
        booth: row.aboutBoothId !== null ? { id: row.aboutBoothId, name: boothName ?? '' } : null,
        messageId: row.aboutMessageId,
        message: message ? aboutMessage(reader, message, { slug: messageBoothSlug, name: messageBoothName }) : null,
        person: row.aboutUserId ? { id: row.aboutUserId, displayName: personName ?? '' } : null,
      },
      language: row.locale,
      overdue: isOverdue(row.status, row.createdAt),
      ackDueAt: new Date(row.createdAt.getTime() + ackTargetMs).toISOString(),
    }));
  }

  /** What it is about must exist: an unknown booth, message or person is refused naming the field. */
  async function checkAbout(input: ComplaintCreate): Promise<Result<void>> {
    const given = [input.aboutBoothId, input.aboutMessageId, input.aboutUserId].filter((value) => value !== undefined).length;
    if (given > 1) return fail('INVALID_PAYLOAD', 'about: name one booth, message or person at most.', { field: 'aboutBoothId' });
    if (input.aboutBoothId !== undefined) {
      const [found] = await db.select({ id: booths.id }).from(booths).where(eq(booths.id, input.aboutBoothId)).limit(1);
      if (!found) return fail('INVALID_PAYLOAD', 'aboutBoothId: no such booth.', { field: 'aboutBoothId' });
    }
    if (input.aboutMessageId !== undefined) {
      // Any booth's message may be named, as long as it is still there for members to read.
      const [found] = await db.select({ deletedAt: messages.deletedAt }).from(messages).where(eq(messages.id, input.aboutMessageId)).limit(1);
      if (!found) return fail('INVALID_PAYLOAD', 'aboutMessageId: no such message.', { field: 'aboutMessageId' });
      if (found.deletedAt) return fail('INVALID_PAYLOAD', 'aboutMessageId: that message was removed; describe it in your own words instead.', { field: 'aboutMessageId' });
    }
    if (input.aboutUserId?.startsWith(PRIVATE_AUTHOR_PREFIX)) {
      // A pseudonym names nobody the filer may know: the message it wrote is what to complain about.
      return fail('INVALID_PAYLOAD', 'aboutUserId: a private visitor cannot be named; complain about their message instead (aboutMessageId).', { field: 'aboutUserId' });
    }
    if (input.aboutUserId !== undefined) {
      const [found] = await db.select({ id: users.id }).from(users).where(eq(users.id, input.aboutUserId)).limit(1);
      if (!found) return fail('INVALID_PAYLOAD', 'aboutUserId: no such person.', { field: 'aboutUserId' });
    }
    return ok(undefined);
  }

  /** The person a complaint is about, for the safety alert's exclusion: named, or the message's real author. */
  async function subjectOf(input: ComplaintCreate): Promise<string | null> {
    if (input.aboutUserId) return input.aboutUserId;
    if (input.aboutMessageId === undefined) return null;
    const [row] = await db.select({ userId: messages.userId }).from(messages).where(eq(messages.id, input.aboutMessageId)).limit(1);
    return row?.userId ?? null;
  }

  return {
    /**
     * The message a complaint would be about, as the filer sees it (a private visitor's under
     * their pseudonym): NOT_FOUND when there is none, or a moderator removed it.
     */
    async messagePreview(reader: ComplaintReader, messageId: number): Promise<Result<ComplaintMessagePreview>> {
      const stored = await chat.storedById(messageId);
      if (!stored || stored.message.deleted) return fail('NOT_FOUND', 'There is no such message (or it was removed).');
      const [booth] = await db.select({ slug: booths.slug, name: booths.name }).from(booths).where(eq(booths.id, stored.message.boothId)).limit(1);
      if (!booth) return fail('NOT_FOUND', 'There is no such message (or it was removed).');
      const seen = viewFor(reader, stored);
      return ok({
        id: seen.id,
        booth: { id: seen.boothId, slug: booth.slug, name: booth.name },
        author: { id: seen.author.id, displayName: seen.author.displayName },
        authorNameable: !seen.author.id.startsWith(PRIVATE_AUTHOR_PREFIX) && seen.author.id !== DELETED_AUTHOR.id && seen.author.id !== reader.id,
        excerpt: excerptOf(seen.body),
        createdAt: seen.createdAt,
      });
    },

    /**
     * Files a complaint. Anonymous: the row and its audit line hold nobody (no filer, no
     * session, no address; the audit line has no actor), and the answer carries the tracking
     * code, which is not kept anywhere but on the filer's device.
     */
    async file(filerId: string, input: ComplaintCreate): Promise<Result<ComplaintCreated>> {
      const about = await checkAbout(input);
      if (!about.ok) return about;
      const code = input.anonymous ? newTrackingCode() : null;
      const now = new Date(clock.now());
      const created = await audit.together(
        async () => {
          const [row] = await db
            .insert(complaints)
            .values({
              category: input.category,
              body: input.body,
              aboutBoothId: input.aboutBoothId ?? null,
              aboutMessageId: input.aboutMessageId ?? null,
              aboutUserId: input.aboutUserId ?? null,
              filerId: input.anonymous ? null : filerId,
              trackingHash: code ? trackingHash(code.replaceAll('-', '')) : null,
              status: 'received',
              locale: input.language,
              createdAt: now,
            })
            .returning({ id: complaints.id });
          await db.insert(complaintSteps).values({ complaintId: row!.id, status: 'received', reply: null, actorId: null, createdAt: now });
          return row!.id;
        },
        (id) => ({ actorId: input.anonymous ? null : filerId, action: 'complaint:file', details: { complaintId: id, category: input.category } }),
      );
      if (input.category === 'conduct_safety') {
        // Online moderators hear of it at once; never the person it is about, should they be one.
        const alert = { id: created, createdAt: now.toISOString(), aboutBoothId: input.aboutBoothId ?? null };
        const to = io.to(rooms.moderators);
        const subject = await subjectOf(input);
        (subject ? to.except(rooms.user(subject)) : to).emit('complaint:safety', alert);
      }
      return ok(code ? { id: created, trackingCode: code } : { id: created });
    },

    /** An anonymous complaint by its code (normalised): status and steps, nothing about the filer. */
    async track(normalisedCode: string): Promise<ComplaintTracking | null> {
      const [found] = await tracking(eq(complaints.trackingHash, trackingHash(normalisedCode)));
      return found ?? null;
    },

    /** This person's named complaints, newest first. */
    mine(userId: string): Promise<ComplaintTracking[]> {
      return tracking(eq(complaints.filerId, userId));
    },

    /** Handlers' list, with filters; never one about the reader. */
    list(reader: ComplaintReader, filters: ComplaintFilters): Promise<ComplaintView[]> {
      const overdueSince = new Date(clock.now() - ackTargetMs);
      return views(
        reader,
        and(
          filters.status ? eq(complaints.status, filters.status) : undefined,
          filters.category ? eq(complaints.category, filters.category) : undefined,
          filters.overdue === true ? and(eq(complaints.status, 'received'), lt(complaints.createdAt, overdueSince)) : undefined,
          filters.overdue === false ? or(ne(complaints.status, 'received'), gte(complaints.createdAt, overdueSince)) : undefined,
        ),
      );
    },

    /** One complaint for a handler; NOT_FOUND when it does not exist or is about them. */
    async get(reader: ComplaintReader, id: number): Promise<Result<ComplaintView>> {
      const [found] = await views(reader, eq(complaints.id, id));
      return found ? ok(found) : notFound();
    },

    /**
     * Moves a complaint on (an impossible move is CONFLICT), with an optional reply the filer
     * sees. Audited; a named filer also finds it in their inbox.
     */
    async move(actor: ComplaintReader, id: number, update: ComplaintUpdate): Promise<Result<ComplaintView>> {
      const actorId = actor.id;
      const outcome = await audit.together(
        async (): Promise<Result<{ from: string; filerId: string | null }>> => {
          const [row] = await db
            .select({ status: complaints.status, filerId: complaints.filerId })
            .from(complaints)
            .leftJoin(messages, eq(messages.id, complaints.aboutMessageId))
            .where(and(eq(complaints.id, id), notAbout(actorId)))
            .limit(1);
          if (!row) return notFound();
          if (!mayMoveComplaint(row.status, update.status)) {
            return fail('CONFLICT', `A ${row.status} complaint cannot become ${update.status}.`, { status: row.status });
          }
          const now = new Date(clock.now());
          // Only from the status read above: two handlers at once, the second finds it moved.
          const moved = await db
            .update(complaints)
            .set({
              status: update.status,
              // Leaving `received` (acknowledged, or declined at once) is the acknowledgement.
              ...(row.status === 'received' ? { acknowledgedAt: now } : {}),
              ...(update.status === 'resolved' || update.status === 'declined' ? { closedAt: now } : {}),
            })
            .where(and(eq(complaints.id, id), eq(complaints.status, row.status)))
            .returning({ id: complaints.id });
          if (moved.length === 0) return fail('CONFLICT', 'Another handler moved this complaint just now: reload it.', { status: row.status });
          await db.insert(complaintSteps).values({ complaintId: id, status: update.status, reply: update.reply ?? null, actorId, createdAt: now });
          return ok({ from: row.status, filerId: row.filerId });
        },
        (result) =>
          result.ok
            ? { actorId, action: 'complaint:step', details: { complaintId: id, from: result.data.from, to: update.status, replied: update.reply !== undefined } }
            : null,
      );
      if (!outcome.ok) return outcome;
      if (outcome.data.filerId) {
        await inbox.deliver(outcome.data.filerId, 'complaint_reply', { complaintId: id, status: update.status, reply: update.reply ?? null });
      }
      return this.get(actor, id);
    },
  };
}
