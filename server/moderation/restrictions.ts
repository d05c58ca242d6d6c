import { and, desc, eq, gt, inArray, isNull, or, sql, type AnyColumn, type Placeholder, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Restriction, RestrictionKind } from '../../shared/moderation.js';
import type { Clock } from '../auth/service.js';
import { timeParam, type Db } from '../db/open.js';
import { afterTransaction, writeDurably } from '../db/storage-errors.js';
import { restrictions, users } from '../db/tables.js';
import { fail, type Failure } from '../http/errors.js';

export type RestrictionStore = ReturnType<typeof createRestrictionStore>;

/** Not lifted, and not expired at `at` (a time, or a placeholder bound to one): the rule every read here uses. */
function inForceAt(at: Date | Placeholder): SQL {
  return and(isNull(restrictions.liftedAt), or(isNull(restrictions.expiresAt), gt(restrictions.expiresAt, at)))!;
}

/**
 * Whether a ban is in force for the user `userId` names (a column of the outer query) at the time
 * bound to `nowMs`: the rule of `ban()` below, as a column another read can carry. The socket
 * handshake reads it with the session, so a connection costs one read, not two.
 */
export function banInForce(userId: AnyColumn, nowMs: Placeholder) {
  return sql<boolean>`exists (select 1 from ${restrictions} where ${and(eq(restrictions.userId, userId), eq(restrictions.kind, 'ban'), inForceAt(nowMs))})`.mapWith(Boolean);
}

/** When an active restriction ends: an ISO time, or null for "until lifted". */
export interface ActiveUntil {
  until: string | null;
}


/**
 * Mutes, kick cool-downs and bans, in the database so they survive a restart. A restriction is
 * active until it expires or is lifted; several may overlap and the longest wins.
 */
export function createRestrictionStore(db: Db, clock: Clock) {
  // Aliases are made with the service, after the dialect is chosen (tables.ts).
  const author = alias(users, 'author');

  const stillActive = () => inForceAt(new Date(clock.now()));

  // Asked on every chat message (mutes, kicks), every join and every sign-in (bans): prepared once.
  const activeOfKind = and(
    eq(restrictions.userId, sql.placeholder('userId')),
    eq(restrictions.kind, sql.placeholder('kind')),
    inForceAt(sql.placeholder('nowMs')),
  );
  const activeAnywhere = db.select({ expiresAt: restrictions.expiresAt }).from(restrictions).where(activeOfKind).prepare();
  const activeFairOrBooth = db
    .select({ expiresAt: restrictions.expiresAt })
    .from(restrictions)
    .where(and(activeOfKind, or(isNull(restrictions.boothId), eq(restrictions.boothId, sql.placeholder('boothId')))))
    .prepare();

  // A join asks for a ban anywhere and a kick here at once: one read, not two.
  const barring = db
    .select({ kind: restrictions.kind, expiresAt: restrictions.expiresAt })
    .from(restrictions)
    .where(
      and(
        eq(restrictions.userId, sql.placeholder('userId')),
        inArray(restrictions.kind, ['ban', 'kick']),
        inForceAt(sql.placeholder('nowMs')),
        or(eq(restrictions.kind, 'ban'), isNull(restrictions.boothId), eq(restrictions.boothId, sql.placeholder('boothId'))),
      ),
    )
    .prepare();

  /** The longest of some active restrictions, or null when there are none. */
  function longest(rows: { expiresAt: Date | null }[]): ActiveUntil | null {
    if (rows.length === 0) return null;
    if (rows.some((row) => row.expiresAt === null)) return { until: null };
    const latest = Math.max(...rows.map((row) => row.expiresAt!.getTime()));
    return { until: new Date(latest).toISOString() };
  }

  /** The longest of the active restrictions of one kind matching a scope. */
  async function activeUntil(userId: string, kind: RestrictionKind, boothScope: 'any' | 'fair-or-booth', boothId?: number): Promise<ActiveUntil | null> {
    const params = { userId, kind, nowMs: timeParam(clock.now()) };
    // No booth id matches -1: a fair-wide restriction alone then applies.
    return longest(boothScope === 'any' ? await activeAnywhere.execute(params) : await activeFairOrBooth.execute({ ...params, boothId: boothId ?? -1 }));
  }

  async function selectRestrictions(where: SQL | undefined): Promise<Restriction[]> {
    const rows = await db
      .select({ row: restrictions, userName: users.displayName, authorId: author.id, authorName: author.displayName })
      .from(restrictions)
      .innerJoin(users, eq(users.id, restrictions.userId))
      .leftJoin(author, eq(author.id, restrictions.createdBy))
      .where(where)
      .orderBy(desc(restrictions.id));
    return rows.map(({ row, userName, authorId, authorName }) => ({
      id: row.id,
      kind: row.kind,
      user: { id: row.userId, displayName: userName },
      boothId: row.boothId,
      reason: row.reason,
      createdBy: { id: authorId ?? '', displayName: authorName ?? '' },
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt?.toISOString() ?? null,
    }));
  }

  let added = 0;
  return {
    /**
     * How many restrictions this process has added so far: a join that waited for its visit to be
     * stored asks again only if this moved meanwhile (a kick or ban elsewhere also ends the
     * connection or its rooms, which the join checks too).
     */
    addedCount(): number {
      return added;
    },

    async add(input: { kind: RestrictionKind; userId: string; boothId: number | null; reason: string; createdBy: string; expiresAt: Date | null }): Promise<number> {
      try {
        const [row] = await writeDurably(db, () =>
          db
            .insert(restrictions)
            .values({ ...input, createdAt: new Date(clock.now()) })
            .returning({ id: restrictions.id }),
        );
        return row!.id;
      } finally {
        // Counted once the row is committed (inside an audited change, with its audit line: a
        // join that sees the count move then reads it, on any connection) and before the caller
        // enforces it (so a join that saw no move has already added its person, whom the
        // enforcement removes). A failed write only costs a re-read.
        afterTransaction(() => (added += 1));
      }
    },

    /** Lifts active restrictions of one kind; `boothId` undefined lifts them wherever they apply. */
    async lift(userId: string, kind: RestrictionKind, liftedBy: string, boothId?: number): Promise<number> {
      const where = and(eq(restrictions.userId, userId), eq(restrictions.kind, kind), stillActive(), boothId === undefined ? undefined : eq(restrictions.boothId, boothId));
      const lifted = await writeDurably(db, () => db.update(restrictions).set({ liftedAt: new Date(clock.now()), liftedBy }).where(where).returning({ id: restrictions.id }));
      return lifted.length;
    },

    /** A ban in force, if any. */
    ban(userId: string): Promise<ActiveUntil | null> {
      return activeUntil(userId, 'ban', 'any');
    },

    /** A mute that applies in this booth (fair-wide or for this booth), if any. */
    mute(userId: string, boothId: number): Promise<ActiveUntil | null> {
      return activeUntil(userId, 'mute', 'fair-or-booth', boothId);
    },

    /** A kick cool-down for this booth, if any. */
    kick(userId: string, boothId: number): Promise<ActiveUntil | null> {
      return activeUntil(userId, 'kick', 'fair-or-booth', boothId);
    },

    /**
     * Why this person may not be in this booth now: banned (BANNED) or kicked and still cooling
     * down (FORBIDDEN), each with `details.until`; null when nothing stops them. The booth join
     * and the video token both ask this.
     */
    async barredFrom(userId: string, boothId: number): Promise<Failure | null> {
      const rows = await barring.execute({ userId, nowMs: timeParam(clock.now()), boothId });
      if (rows.length === 0) return null;
      const banned = longest(rows.filter((row) => row.kind === 'ban'));
      if (banned) return fail('BANNED', 'Your access to the fair is suspended.', banned);
      const kicked = longest(rows);
      if (kicked) return fail('FORBIDDEN', 'You were removed from this booth and cannot come back yet.', kicked);
      return null;
    },

    /** Every active restriction, newest first, for the moderator panel. */
    listActive(kinds: readonly RestrictionKind[]): Promise<Restriction[]> {
      return selectRestrictions(and(inArray(restrictions.kind, [...kinds]), stillActive()));
    },

    async byId(id: number): Promise<Restriction | undefined> {
      return (await selectRestrictions(eq(restrictions.id, id)))[0];
    },
  };
}
