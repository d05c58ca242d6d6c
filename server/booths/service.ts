import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Booth, BoothProfile, BoothSession, PinnedMessage } from '../../shared/booths.js';
import type { BoothUpdate } from '../../shared/moderation.js';
import { SCHEDULE_MAX_SESSIONS } from '../../shared/limits.js';
import type { Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { writeDurably } from '../db/storage-errors.js';
import { boothSessions, booths, messages, privateAliases, users } from '../db/schema.js';
import { privateAuthor } from '../../shared/private-visit.js';
import { fail, ok, type Result } from '../http/errors.js';

type BoothRow = typeof booths.$inferSelect;

/** Where live occupancy comes from (presence); a function so booths need not know presence. */
export type OccupancyOf = (boothId: number) => number;

/** Whether the fair has video, and who is in a booth's video room (the video feature knows). */
export type VideoOf = (boothId: number) => { video: boolean; videoParticipants: number };

const NO_VIDEO: VideoOf = () => ({ video: false, videoParticipants: 0 });

export type BoothService = ReturnType<typeof createBoothService>;

/**
 * How old a booth may be on the join path and in the lobby snapshot. A doors-open rush reads the
 * same eleven booths thousands of times a second; this node's own changes are seen at once (they
 * clear the cache), another node's within this time, like a session that just ended.
 */
export const BOOTH_CACHE_MS = 1_000;

export function createBoothService(db: Db, occupancyOf: OccupancyOf, videoOf: VideoOf = NO_VIDEO, clock: Clock = { now: Date.now }) {
  /** Sessions not yet over, per booth, earliest first. */
  // Every join reads one booth: its sessions query is prepared once (building a query costs more than running it).
  const sessionsOfOne = db
    .select()
    .from(boothSessions)
    .where(and(eq(boothSessions.boothId, sql.placeholder('boothId')), gt(boothSessions.endsAt, sql.placeholder('now'))))
    .orderBy(asc(boothSessions.startsAt))
    .prepare();

  function sessionsOf(boothIds: number[]): Map<number, BoothSession[]> {
    const byBooth = new Map<number, BoothSession[]>();
    if (boothIds.length === 0) return byBooth;
    const rows =
      boothIds.length === 1
        ? sessionsOfOne.all({ boothId: boothIds[0], now: clock.now() })
        : db
            .select()
            .from(boothSessions)
            .where(and(inArray(boothSessions.boothId, boothIds), gt(boothSessions.endsAt, new Date(clock.now()))))
            .orderBy(asc(boothSessions.startsAt))
            .all();
    for (const row of rows) {
      const list = byBooth.get(row.boothId) ?? [];
      list.push({ id: row.id, title: row.title, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString(), language: row.language });
      byBooth.set(row.boothId, list);
    }
    return byBooth;
  }

  function pinnedOf(rows: BoothRow[]): Map<number, PinnedMessage> {
    const ids = rows.map((row) => row.pinnedMessageId).filter((id): id is number => id !== null);
    const byId = new Map<number, PinnedMessage>();
    if (ids.length === 0) return byId;
    const found = db
      .select({
        messageId: messages.id,
        seq: messages.seq,
        body: messages.body,
        authorName: users.displayName,
        private: messages.private,
        aliasNumber: privateAliases.number,
        aliasOpaqueId: privateAliases.opaqueId,
      })
      .from(messages)
      .innerJoin(users, eq(users.id, messages.userId))
      .leftJoin(privateAliases, and(eq(privateAliases.boothId, messages.boothId), eq(privateAliases.userId, messages.userId)))
      .where(and(inArray(messages.id, ids), isNull(messages.deletedAt)))
      .all();
    // The pin goes to everyone connected: a private message's pin carries the pseudonym, never the name.
    for (const { private: isPrivate, aliasNumber, aliasOpaqueId, ...pinned } of found) {
      const authorName = !isPrivate
        ? pinned.authorName
        : aliasNumber !== null && aliasOpaqueId !== null
          ? privateAuthor({ number: aliasNumber, opaqueId: aliasOpaqueId }).displayName
          : 'Private visitor';
      byId.set(pinned.messageId, { ...pinned, authorName });
    }
    return byId;
  }

  function toBooths(rows: BoothRow[]): Booth[] {
    const sessions = sessionsOf(rows.map((row) => row.id));
    const pinned = pinnedOf(rows);
    return rows.map((row) => ({
      id: row.id,
      slug: row.slug,
      name: row.name,
      network: row.network,
      description: row.description,
      languages: row.languages,
      tags: row.tags,
      links: row.links,
      capacity: row.capacity,
      status: row.status,
      locked: row.locked,
      slowModeSeconds: row.slowModeSeconds,
      pinned: (row.pinnedMessageId !== null && pinned.get(row.pinnedMessageId)) || null,
      sessions: sessions.get(row.id) ?? [],
      occupancy: occupancyOf(row.id),
      ...videoOf(row.id),
    }));
  }

  // Prepared once: every join, every message and every new connection runs these.
  const allIds = db.select({ id: booths.id }).from(booths).prepare();
  const oneById = db.select().from(booths).where(eq(booths.id, sql.placeholder('id'))).prepare();
  const slowModeOf = db.select({ seconds: booths.slowModeSeconds }).from(booths).where(eq(booths.id, sql.placeholder('id'))).prepare();

  function byId(id: number): Booth | undefined {
    const row = oneById.get({ id });
    return row && toBooths([row])[0];
  }

  // Booths as read at most BOOTH_CACHE_MS ago (live figures always fresh), and the list of ids.
  const recent = new Map<number, { booth: Booth; at: number }>();
  let recentIds: { ids: number[]; at: number } | null = null;
  const fresh = (at: number) => clock.now() - at < BOOTH_CACHE_MS;
  function forget(boothId?: number): void {
    if (boothId === undefined) recent.clear();
    else recent.delete(boothId);
    recentIds = null;
  }

  /** Applies a change to one booth and answers the booth as it now is. */
  function change(boothId: number, values: Partial<typeof booths.$inferInsert>): Result<Booth> {
    forget(boothId);
    const updated = writeDurably(db, () => db.update(booths).set(values).where(eq(booths.id, boothId)).returning({ id: booths.id }).get());
    const booth = updated && byId(boothId);
    return booth ? ok(booth) : fail('NOT_FOUND', 'There is no such booth.');
  }

  return {
    /** boothId → people present, for every booth: the lobby snapshot a new connection gets. */
    occupancy(): Record<string, number> {
      if (!recentIds || !fresh(recentIds.at)) recentIds = { ids: allIds.all().map(({ id }) => id), at: clock.now() };
      return Object.fromEntries(recentIds.ids.map((id) => [id, occupancyOf(id)]));
    },
    list(): Booth[] {
      return toBooths(db.select().from(booths).orderBy(asc(booths.name)).all());
    },
    bySlug(slug: string): Booth | undefined {
      const row = db.select().from(booths).where(eq(booths.slug, slug)).get();
      return row && toBooths([row])[0];
    },
    byId,

    /**
     * The booth as read at most BOOTH_CACHE_MS ago, with live occupancy and video: for the join
     * path, where a rush asks for the same booth thousands of times. Changes made through this
     * service are seen at once.
     */
    recentById(id: number): Booth | undefined {
      const cached = recent.get(id);
      if (cached && fresh(cached.at)) return { ...cached.booth, occupancy: occupancyOf(id), ...videoOf(id) };
      const booth = byId(id);
      if (booth) recent.set(id, { booth, at: clock.now() });
      else recent.delete(id);
      return booth;
    },

    /** Drops cached booths (one, or all) after a change made outside this service. */
    forget,

    /** Just the slow-mode setting: asked on every message, so no joins. */
    slowModeSeconds(boothId: number): number {
      return slowModeOf.get({ id: boothId })?.seconds ?? 0;
    },

    /** Slow mode, lock and status (authorisation is the caller's). */
    configure(update: BoothUpdate): Result<Booth> {
      const { boothId, ...values } = update;
      return change(boothId, values);
    },

    editProfile(boothId: number, profile: BoothProfile): Result<Booth> {
      return change(boothId, profile);
    },

    /** Pins a message of this booth (or unpins with null). A deleted message cannot be pinned. */
    pin(boothId: number, messageId: number | null): Result<Booth> {
      if (messageId !== null) {
        const message = db.select({ boothId: messages.boothId, deletedAt: messages.deletedAt }).from(messages).where(eq(messages.id, messageId)).get();
        if (!message || message.boothId !== boothId || message.deletedAt) return fail('NOT_FOUND', 'There is no such message in this booth.');
      }
      return change(boothId, { pinnedMessageId: messageId });
    },

    /** Clears the pin wherever this message is pinned; answers that booth's id, or null. */
    unpinMessage(messageId: number): number | null {
      forget();
      const row = writeDurably(db, () => db.update(booths).set({ pinnedMessageId: null }).where(eq(booths.pinnedMessageId, messageId)).returning({ id: booths.id }).get());
      return row?.id ?? null;
    },

    addSession(boothId: number, createdBy: string, session: { title: string; startsAt: string; endsAt: string; language: BoothSession['language'] }): Result<Booth> {
      if (!byId(boothId)) return fail('NOT_FOUND', 'There is no such booth.');
      forget(boothId);
      const upcoming = sessionsOf([boothId]).get(boothId)?.length ?? 0;
      if (upcoming >= SCHEDULE_MAX_SESSIONS) return fail('CONFLICT', `A booth can have at most ${SCHEDULE_MAX_SESSIONS} upcoming sessions.`);
      writeDurably(db, () =>
        db
          .insert(boothSessions)
          .values({ boothId, title: session.title, startsAt: new Date(session.startsAt), endsAt: new Date(session.endsAt), language: session.language, createdBy })
          .run(),
      );
      return ok(byId(boothId)!);
    },

    removeSession(boothId: number, sessionId: number): Result<Booth> {
      forget(boothId);
      const removed = writeDurably(db, () =>
        db.delete(boothSessions).where(and(eq(boothSessions.id, sessionId), eq(boothSessions.boothId, boothId))).returning({ id: boothSessions.id }).get(),
      );
      if (!removed) return fail('NOT_FOUND', 'There is no such session on this booth’s schedule.');
      return ok(byId(boothId)!);
    },
  };
}
