import { and, asc, count, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { AdminBooth, Booth, BoothAdminPatch, BoothCreate, BoothProfile, BoothSession, PinnedMessage } from '../../shared/booths.js';
import type { BoothUpdate } from '../../shared/moderation.js';
import { SCHEDULE_MAX_SESSIONS } from '../../shared/limits.js';
import type { Clock } from '../auth/service.js';
import { timeParam, type Db } from '../db/open.js';
import { afterTransaction, lockUntilCommit, writeDurably } from '../db/storage-errors.js';
import { boothHosts, boothQueue, boothSessions, booths, messages, privateAliases, users } from '../db/tables.js';
import { privateAuthor } from '../../shared/private-visit.js';
import { fail, ok, type Result } from '../http/errors.js';

type BoothRow = typeof booths.$inferSelect;

/** Where live occupancy comes from (presence, with several nodes shared by all); a function so booths need not know presence. */
export type OccupancyOf = (boothId: number) => Promise<number>;

/** Whether the fair has video, and who is in a booth's video room (the video feature knows; with several nodes, Redis). */
export type VideoOf = (boothId: number) => Promise<{ video: boolean; videoParticipants: number }>;

const NO_VIDEO: VideoOf = () => Promise.resolve({ video: false, videoParticipants: 0 });

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

  async function sessionsOf(boothIds: number[]): Promise<Map<number, BoothSession[]>> {
    const byBooth = new Map<number, BoothSession[]>();
    if (boothIds.length === 0) return byBooth;
    const rows =
      boothIds.length === 1
        ? await sessionsOfOne.execute({ boothId: boothIds[0], now: timeParam(clock.now()) })
        : await db
            .select()
            .from(boothSessions)
            .where(and(inArray(boothSessions.boothId, boothIds), gt(boothSessions.endsAt, new Date(clock.now()))))
            .orderBy(asc(boothSessions.startsAt));
    for (const row of rows) {
      const list = byBooth.get(row.boothId) ?? [];
      list.push({ id: row.id, title: row.title, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString(), language: row.language });
      byBooth.set(row.boothId, list);
    }
    return byBooth;
  }

  async function pinnedOf(rows: BoothRow[]): Promise<Map<number, PinnedMessage>> {
    const ids = rows.map((row) => row.pinnedMessageId).filter((id): id is number => id !== null);
    const byId = new Map<number, PinnedMessage>();
    if (ids.length === 0) return byId;
    const found = await db
      .select({
        messageId: messages.id,
        seq: messages.seq,
        body: messages.body,
        authorName: users.displayName,
        authorRole: users.role,
        private: messages.private,
        aliasNumber: privateAliases.number,
        aliasOpaqueId: privateAliases.opaqueId,
      })
      .from(messages)
      .innerJoin(users, eq(users.id, messages.userId))
      .leftJoin(privateAliases, and(eq(privateAliases.boothId, messages.boothId), eq(privateAliases.userId, messages.userId)))
      .where(and(inArray(messages.id, ids), isNull(messages.deletedAt)));
    // The pin goes to everyone connected: a private message's pin carries the pseudonym, never the name.
    for (const { private: isPrivate, aliasNumber, aliasOpaqueId, ...pinned } of found) {
      const authorName = !isPrivate
        ? pinned.authorName
        : aliasNumber !== null && aliasOpaqueId !== null
          ? privateAuthor({ number: aliasNumber, opaqueId: aliasOpaqueId }).displayName
          : 'Private visitor';
      byId.set(pinned.messageId, { ...pinned, authorName, authorRole: isPrivate ? 'member' : pinned.authorRole });
    }
    return byId;
  }

  async function toBooths(rows: BoothRow[]): Promise<Booth[]> {
    const sessions = await sessionsOf(rows.map((row) => row.id));
    const pinned = await pinnedOf(rows);
    const [occupancy, video] = await Promise.all([Promise.all(rows.map((row) => occupancyOf(row.id))), Promise.all(rows.map((row) => videoOf(row.id)))]);
    return rows.map((row, i) => ({
      id: row.id,
      slug: row.slug,
      name: row.name,
      network: row.network,
      description: row.description,
      translations: row.translations,
      languages: row.languages,
      tags: row.tags,
      links: row.links,
      capacity: row.capacity,
      status: row.status,
      locked: row.locked,
      slowModeSeconds: row.slowModeSeconds,
      pinned: (row.pinnedMessageId !== null && pinned.get(row.pinnedMessageId)) || null,
      sessions: sessions.get(row.id) ?? [],
      occupancy: occupancy[i]!,
      ...video[i]!,
    }));
  }

  // Prepared once: every join, every message and every new connection runs these.
  const allIds = db.select({ id: booths.id }).from(booths).where(isNull(booths.archivedAt)).prepare();
  const oneById = db.select().from(booths).where(eq(booths.id, sql.placeholder('id'))).prepare();
  const slowModeOf = db.select({ seconds: booths.slowModeSeconds }).from(booths).where(eq(booths.id, sql.placeholder('id'))).prepare();

  async function byId(id: number): Promise<Booth | undefined> {
    const [row] = await oneById.execute({ id });
    return row && (await toBooths([row]))[0];
  }

  // Booths as read at most BOOTH_CACHE_MS ago (live figures always fresh), and the list of ids.
  // The read itself is kept, not only its result: a rush that finds the cache stale shares one
  // read in flight instead of each starting its own.
  const recent = new Map<number, { booth: Promise<Booth | undefined>; at: number }>();
  let recentIds: { ids: Promise<number[]>; at: number } | null = null;
  const fresh = (at: number) => clock.now() - at < BOOTH_CACHE_MS;
  function forget(boothId?: number): void {
    if (boothId === undefined) recent.clear();
    else recent.delete(boothId);
    recentIds = null;
  }

  const slugTaken = (slug: string) => fail('CONFLICT', `There is already a booth at /booths/${slug}.`, { field: 'slug' });

  /** Applies a change to one booth and answers the booth as it now is. */
  async function change(boothId: number, values: Partial<typeof booths.$inferInsert>): Promise<Result<Booth>> {
    forget(boothId);
    const updated = await writeDurably(db, () => db.update(booths).set(values).where(eq(booths.id, boothId)).returning({ id: booths.id }));
    // Forgotten again once the transaction has ended (an audited change commits with its audit
    // line, after this returns): a read started meanwhile may have cached the booth as it was.
    afterTransaction(() => forget(boothId));
    const booth = updated.length > 0 ? await byId(boothId) : undefined;
    return booth ? ok(booth) : fail('NOT_FOUND', 'There is no such booth.');
  }

  return {
    /** boothId → people present, for every booth: the lobby snapshot a new connection gets. */
    async occupancy(): Promise<Record<string, number>> {
      if (!recentIds || !fresh(recentIds.at)) {
        const read = { ids: allIds.execute().then((rows) => rows.map(({ id }) => id)), at: clock.now() };
        recentIds = read;
        // A failed read is not kept: the next caller tries again.
        read.ids.catch(() => {
          if (recentIds === read) recentIds = null;
        });
      }
      const ids = await recentIds.ids;
      const counts = await Promise.all(ids.map((id) => occupancyOf(id)));
      return Object.fromEntries(ids.map((id, i) => [id, counts[i]!]));
    },
    /** The fair's booths (not the archived ones), by name, each with how many wait in its queue. */
    async list(): Promise<Booth[]> {
      const [shown, queues] = await Promise.all([
        db.select().from(booths).where(isNull(booths.archivedAt)).orderBy(asc(booths.name)).then(toBooths),
        db.select({ boothId: boothQueue.boothId, n: count() }).from(boothQueue).groupBy(boothQueue.boothId),
      ]);
      const waiting = new Map(queues.map(({ boothId, n }) => [boothId, n]));
      return shown.map((booth) => ({ ...booth, waiting: waiting.get(booth.id) ?? 0 }));
    },
    async bySlug(slug: string): Promise<Booth | undefined> {
      const [row] = await db.select().from(booths).where(and(eq(booths.slug, slug), isNull(booths.archivedAt))).limit(1);
      return row && (await toBooths([row]))[0];
    },

    /** Every booth, archived ones too, with its hosts: the organisers' list. */
    async adminList(): Promise<AdminBooth[]> {
      const rows = await db.select().from(booths).orderBy(asc(booths.name));
      const hosts = await db
        .select({ boothId: boothHosts.boothId, id: users.id, displayName: users.displayName, email: users.email })
        .from(boothHosts)
        .innerJoin(users, eq(users.id, boothHosts.userId))
        .where(isNull(users.deletedAt))
        .orderBy(asc(users.displayName));
      const shown = await toBooths(rows);
      return shown.map((booth, i) => ({
        booth,
        archived: rows[i]!.archivedAt !== null,
        hosts: hosts.filter((host) => host.boothId === booth.id).map(({ id, displayName, email }) => ({ id, displayName, email })),
      }));
    },

    /** A new booth (inside the caller's write, if any). A slug already taken is a CONFLICT. */
    async create(input: BoothCreate): Promise<Result<Booth>> {
      // ON CONFLICT, not a caught error: on PostgreSQL a failed insert would spoil the caller's transaction.
      const [row] = await writeDurably(db, () =>
        db.insert(booths).values({ ...input, createdAt: new Date(clock.now()) }).onConflictDoNothing({ target: booths.slug }).returning({ id: booths.id }),
      );
      if (!row) return slugTaken(input.slug);
      forget();
      afterTransaction(() => forget());
      const booth = await byId(row.id);
      return booth ? ok(booth) : fail('NOT_FOUND', 'There is no such booth.');
    },

    /** Any field of a booth, as organisers change it; archiving also closes it. A slug already taken is a CONFLICT. */
    async adminChange(boothId: number, patch: BoothAdminPatch): Promise<Result<Booth>> {
      const { archived, ...fields } = patch;
      const values: Partial<typeof booths.$inferInsert> = { ...fields };
      if (archived !== undefined) values.archivedAt = archived ? new Date(clock.now()) : null;
      if (archived) values.status = 'closed';
      return writeDurably(db, async () => {
        if (patch.slug !== undefined) {
          await lockUntilCommit('booth-slugs');
          const [other] = await db.select({ id: booths.id }).from(booths).where(and(eq(booths.slug, patch.slug), ne(booths.id, boothId))).limit(1);
          if (other) return slugTaken(patch.slug);
        }
        const result = await change(boothId, values);
        afterTransaction(() => forget());
        return result;
      });
    },
    byId,

    /**
     * The booth as read at most BOOTH_CACHE_MS ago, with live occupancy and video: for the join
     * path, where a rush asks for the same booth thousands of times. Changes made through this
     * service are seen at once. `occupancy: false`: the occupancy as read with the booth (the
     * caller has a fresher one).
     */
    async recentById(id: number, { occupancy = true }: { occupancy?: boolean } = {}): Promise<Booth | undefined> {
      let cached = recent.get(id);
      if (!cached || !fresh(cached.at)) {
        const read = { booth: byId(id), at: clock.now() };
        cached = read;
        recent.set(id, read);
        // No booth, or a failed read, is not kept: the next caller reads again.
        read.booth.then(
          (booth) => {
            if (!booth && recent.get(id) === read) recent.delete(id);
          },
          () => {
            if (recent.get(id) === read) recent.delete(id);
          },
        );
      }
      const booth = await cached.booth;
      return booth && { ...booth, occupancy: occupancy ? await occupancyOf(id) : booth.occupancy, ...(await videoOf(id)) };
    },

    /** Drops cached booths (one, or all) after a change made outside this service. */
    forget,

    /** Just the slow-mode setting: asked on every message, so no joins. */
    async slowModeSeconds(boothId: number): Promise<number> {
      const [row] = await slowModeOf.execute({ id: boothId });
      return row?.seconds ?? 0;
    },

    /** Slow mode, lock and status (authorisation is the caller's). */
    configure(update: BoothUpdate): Promise<Result<Booth>> {
      const { boothId, ...values } = update;
      return change(boothId, values);
    },

    editProfile(boothId: number, profile: BoothProfile): Promise<Result<Booth>> {
      return change(boothId, profile);
    },

    /** Pins a message of this booth (or unpins with null). A deleted message cannot be pinned. */
    async pin(boothId: number, messageId: number | null): Promise<Result<Booth>> {
      if (messageId !== null) {
        const [message] = await db
          .select({ boothId: messages.boothId, deletedAt: messages.deletedAt })
          .from(messages)
          .where(eq(messages.id, messageId))
          .limit(1);
        if (!message || message.boothId !== boothId || message.deletedAt) return fail('NOT_FOUND', 'There is no such message in this booth.');
      }
      return change(boothId, { pinnedMessageId: messageId });
    },

    /** Clears the pin wherever this message is pinned; answers that booth's id, or null. */
    async unpinMessage(messageId: number): Promise<number | null> {
      forget();
      const [row] = await writeDurably(db, () => db.update(booths).set({ pinnedMessageId: null }).where(eq(booths.pinnedMessageId, messageId)).returning({ id: booths.id }));
      afterTransaction(() => forget());
      return row?.id ?? null;
    },

    async addSession(
      boothId: number,
      createdBy: string,
      session: { title: string; startsAt: string; endsAt: string; language: BoothSession['language'] },
    ): Promise<Result<Booth>> {
      if (!(await byId(boothId))) return fail('NOT_FOUND', 'There is no such booth.');
      forget(boothId);
      const upcoming = (await sessionsOf([boothId])).get(boothId)?.length ?? 0;
      if (upcoming >= SCHEDULE_MAX_SESSIONS) return fail('CONFLICT', `A booth can have at most ${SCHEDULE_MAX_SESSIONS} upcoming sessions.`);
      await writeDurably(db, () =>
        db
          .insert(boothSessions)
          .values({ boothId, title: session.title, startsAt: new Date(session.startsAt), endsAt: new Date(session.endsAt), language: session.language, createdBy }),
      );
      afterTransaction(() => forget(boothId));
      return ok((await byId(boothId))!);
    },

    async removeSession(boothId: number, sessionId: number): Promise<Result<Booth>> {
      forget(boothId);
      const removed = await writeDurably(db, () =>
        db.delete(boothSessions).where(and(eq(boothSessions.id, sessionId), eq(boothSessions.boothId, boothId))).returning({ id: boothSessions.id }),
      );
      if (removed.length === 0) return fail('NOT_FOUND', 'There is no such session on this booth’s schedule.');
      afterTransaction(() => forget(boothId));
      return ok((await byId(boothId))!);
    },
  };
}
