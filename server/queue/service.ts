import { and, asc, count, desc, eq, gte, isNotNull, sql } from 'drizzle-orm';
import type { Booth } from '../../shared/booths.js';
import { QUEUE_DEFAULT_STAY_MS, QUEUE_MAX_MISSED_OFFERS, QUEUE_OFFER_MS, QUEUE_STAY_WINDOW_MS, QUEUE_SWEEP_MS } from '../../shared/limits.js';
import type { QueueEntry, QueuePosition, QueueRemovalReason } from '../../shared/queue.js';
import type { Clock } from '../auth/service.js';
import type { BoothService } from '../booths/service.js';
import type { Db } from '../db/open.js';
import { isUniqueViolation, lockUntilCommit, writeDurably } from '../db/storage-errors.js';
import { boothQueue, boothVisits, users } from '../db/tables.js';
import { fail, ok, type Failure, type Result } from '../http/errors.js';
import type { PresenceStore } from '../presence/presence-store.js';
import { rooms, type FairServer } from '../realtime/types.js';

type Row = typeof boothQueue.$inferSelect;

export type BoothQueue = ReturnType<typeof createBoothQueue>;

export interface BoothQueueDeps {
  db: Db;
  clock: Clock;
  io: FairServer;
  booths: Pick<BoothService, 'recentById'>;
  presence: Pick<PresenceStore, 'count' | 'has'>;
  /** A place survives a dropped connection this long (config QUEUE_HOLD_MS). */
  holdMs: number;
  /** How long an offered seat waits (QUEUE_OFFER_MS; tests shorten it). */
  offerMs?: number;
  /** How often this node looks for expired offers and holds (QUEUE_SWEEP_MS; tests shorten it). */
  sweepMs?: number;
  /** Whether this member may enter this booth now (kicks and bans): a barred member is taken out of the line. */
  barred: (userId: string, boothId: number) => Promise<Failure | null>;
  /** A booth's line got longer or shorter (the lobby's 'Full — 7 waiting'). */
  waitingChanged: (boothId: number) => void;
  /** Background work failed (a storage error): logged, never thrown. */
  survive: (job: string, work: () => Promise<unknown>) => void;
}

/** What `booth:join` may do for a member who is not yet in the booth, given the queue. */
export type EntryGate =
  /** Let in below `max` people (the seats on offer to others are kept for them); null: however full (admitted by staff). */
  | { ok: true; max: number | null; fromQueue: boolean }
  /** People are waiting and this member holds no offer: no jumping the line. */
  | { ok: false };

const byLine = (a: Row, b: Row) => a.joinedAt.getTime() - b.joinedAt.getTime() || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);

/** Positions from 1 in line order. */
function positionsOf(rows: Row[]): Map<string, number> {
  return new Map([...rows].sort(byLine).map((row, i) => [row.userId, i + 1]));
}

/**
 * The honest queue at a full booth (issue 16). The `booth_queue` table is the truth: who waits
 * where, in what order, who holds an offer until when, whose place is held through a dropped
 * connection. Any node may change it, each change in one transaction under a per-booth lock
 * (lockUntilCommit), so two nodes never offer the same seat; timers only trigger the work.
 *
 * The rules, in the order `advance` applies them:
 * - a place whose hold ran out (the member's connections all gone for `holdMs`) is given up;
 * - an offer not taken in time counts as missed: the first time, the member goes back behind
 *   the next person; the second time (QUEUE_MAX_MISSED_OFFERS), they leave the line and are told;
 * - then every free seat (capacity − people inside − seats on offer) is offered to the next
 *   connected member in line, for `offerMs`. Members whose connection dropped keep their place
 *   but are not offered a seat they cannot take. A locked or closed booth offers nothing.
 * Nobody is removed for waiting, however long.
 */
export function createBoothQueue(deps: BoothQueueDeps) {
  const { db, clock, io, booths, presence } = deps;
  const offerMs = deps.offerMs ?? QUEUE_OFFER_MS;
  const rowsOf = db.select().from(boothQueue).where(eq(boothQueue.boothId, sql.placeholder('boothId'))).prepare();
  const rowOfUser = db.select().from(boothQueue).where(eq(boothQueue.userId, sql.placeholder('userId'))).prepare();

  async function rowsOfBooth(boothId: number): Promise<Row[]> {
    return (await rowsOf.execute({ boothId })).sort(byLine);
  }

  /** The median stay of visits that ended within QUEUE_STAY_WINDOW_MS, or QUEUE_DEFAULT_STAY_MS. */
  async function typicalStayMs(boothId: number): Promise<number> {
    const since = clock.now() - QUEUE_STAY_WINDOW_MS;
    const stays = await db
      .select({ joinedAt: boothVisits.joinedAt, leftAt: boothVisits.leftAt })
      .from(boothVisits)
      .where(and(eq(boothVisits.boothId, boothId), isNotNull(boothVisits.leftAt), gte(boothVisits.leftAt, new Date(since))))
      .orderBy(desc(boothVisits.leftAt))
      .limit(500);
    const lengths = stays.map((stay) => stay.leftAt!.getTime() - stay.joinedAt.getTime()).filter((ms) => ms > 0).sort((a, b) => a - b);
    if (lengths.length === 0) return QUEUE_DEFAULT_STAY_MS;
    const mid = Math.floor(lengths.length / 2);
    return lengths.length % 2 ? lengths[mid]! : (lengths[mid - 1]! + lengths[mid]!) / 2;
  }

  /** Seconds until a seat is likely: each of `capacity` seats frees about once per typical stay. No cap. */
  const etaSeconds = (position: number, capacity: number, stayMs: number) => Math.ceil((position * stayMs) / Math.max(1, capacity) / 1000);

  /** Whether any of this member's connections is open, on any node. */
  const connected = async (userId: string) => (await io.in(rooms.user(userId)).fetchSockets()).length > 0;

  const liveOffer = (row: Row, now: number) => row.offerExpiresAt !== null && row.offerExpiresAt.getTime() > now;

  /** What to tell whom once a change has committed. */
  interface Told {
    positions: Map<string, QueuePosition>;
    offers: { userId: string; expiresAt: Date }[];
    removed: { userId: string; reason: QueueRemovalReason }[];
    changed: boolean;
  }
  const nothingTold = (): Told => ({ positions: new Map(), offers: [], removed: [], changed: false });

  function tell(boothId: number, told: Told): void {
    for (const { userId, reason } of told.removed) io.to(rooms.user(userId)).emit('queue:removed', { boothId, reason });
    for (const [userId, position] of told.positions) io.to(rooms.user(userId)).emit('queue:position', position);
    for (const { userId, expiresAt } of told.offers) io.to(rooms.user(userId)).emit('queue:offer', { boothId, expiresAt: expiresAt.toISOString() });
    if (told.changed) {
      deps.waitingChanged(boothId);
      deps.survive('tell staff the queue changed', async () => {
        io.to(rooms.staff(boothId)).emit('queue:changed', { boothId, waiting: (await rowsOfBooth(boothId)).length });
      });
    }
  }

  /**
   * Applies the rules above to one booth, inside a write transaction holding the booth's lock:
   * `change` (a join, a leave, an admission) runs first, under the same lock. Positions that
   * changed are told afterwards, with the offers made and the removals.
   */
  async function advance<T>(boothId: number, change?: (rows: Row[], now: number) => Promise<T>): Promise<{ result: T | undefined; told: Told }> {
    const told = nothingTold();
    const stayMs = await typicalStayMs(boothId);
    const booth = await booths.recentById(boothId, { occupancy: false });
    const result = await writeDurably(db, async () => {
      await lockUntilCommit('booth-queue', boothId);
      const now = clock.now();
      const before = await rowsOfBooth(boothId);
      // Rows are changed in place below: the positions before are taken now.
      const was = positionsOf(before);
      const waitingBefore = before.length;
      const result = change ? await change(before, now) : undefined;
      let rows = change ? await rowsOfBooth(boothId) : before;
      const remove = async (row: Row, reason: QueueRemovalReason) => {
        await db.delete(boothQueue).where(eq(boothQueue.userId, row.userId));
        told.removed.push({ userId: row.userId, reason });
        rows = rows.filter((other) => other.userId !== row.userId);
      };
      for (const row of [...rows]) {
        // In the booth already (the join's own clean-up may not have run): the place is used.
        if (row.offerExpiresAt !== null && (await presence.has(boothId, row.userId))) await remove(row, 'entered');
        else if (row.holdUntil !== null && row.holdUntil.getTime() <= now) {
          // Back already (a reconnect that raced the hold being set): the hold is lifted instead.
          if (await connected(row.userId)) {
            await db.update(boothQueue).set({ holdUntil: null }).where(eq(boothQueue.userId, row.userId));
            row.holdUntil = null;
          } else await remove(row, 'hold');
        }
      }
      for (const row of [...rows]) {
        if (row.offerExpiresAt === null || liveOffer(row, now)) continue;
        const missed = row.missedOffers + 1;
        if (missed >= QUEUE_MAX_MISSED_OFFERS) {
          await remove(row, 'missed');
          continue;
        }
        // Back behind the next person in line (if anyone is behind them).
        const next = rows[rows.indexOf(row) + 1];
        const joinedAt = next ? new Date(next.joinedAt.getTime() + 1) : row.joinedAt;
        await db.update(boothQueue).set({ offerExpiresAt: null, admittedBy: null, missedOffers: missed, joinedAt }).where(eq(boothQueue.userId, row.userId));
        Object.assign(row, { offerExpiresAt: null, admittedBy: null, missedOffers: missed, joinedAt });
        rows.sort(byLine);
      }
      if (booth && booth.status === 'open' && !booth.locked) {
        const inside = await presence.count(boothId);
        const onOffer = rows.filter((row) => liveOffer(row, now) && row.admittedBy === null).length;
        let free = booth.capacity - inside - onOffer;
        for (const row of rows) {
          if (free <= 0) break;
          if (liveOffer(row, now) || row.holdUntil !== null) continue;
          if (await deps.barred(row.userId, boothId)) {
            await remove(row, 'barred');
            continue;
          }
          const expiresAt = new Date(now + offerMs);
          await db.update(boothQueue).set({ offerExpiresAt: expiresAt }).where(eq(boothQueue.userId, row.userId));
          row.offerExpiresAt = expiresAt;
          told.offers.push({ userId: row.userId, expiresAt });
          free--;
        }
      }
      const capacity = booth?.capacity ?? 1;
      for (const [userId, position] of positionsOf(rows)) {
        if (was.get(userId) !== position) told.positions.set(userId, { boothId, position, etaSeconds: etaSeconds(position, capacity, stayMs) });
      }
      told.changed = rows.length !== waitingBefore || told.positions.size > 0 || told.offers.length > 0;
      return result;
    });
    return { result, told };
  }

  /** Runs `advance` for a booth and tells the outcome; one at a time per booth on this node. */
  const running = new Map<number, Promise<unknown>>();
  function serially<T>(boothId: number, work: () => Promise<T>): Promise<T> {
    const previous = running.get(boothId) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(work);
    running.set(boothId, mine);
    void mine.finally(() => {
      if (running.get(boothId) === mine) running.delete(boothId);
    }).catch(() => undefined);
    return mine;
  }

  async function advanceAndTell<T>(boothId: number, change?: (rows: Row[], now: number) => Promise<T>): Promise<T | undefined> {
    const { result, told } = await serially(boothId, () => advance(boothId, change));
    tell(boothId, told);
    return result;
  }

  /** A seat may have freed (a departure, an offer declined): offers it, if anyone waits there. */
  function reconsider(boothId: number): void {
    deps.survive('offer a freed seat', async () => {
      if ((await rowsOf.execute({ boothId })).length > 0) await advanceAndTell(boothId);
    });
  }

  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  /** Every node runs this: expired offers and holds, and seats nobody was offered (capacity raised, a booth unlocked). */
  async function sweep(): Promise<void> {
    const waiting = await db.selectDistinct({ boothId: boothQueue.boothId }).from(boothQueue);
    for (const { boothId } of waiting) await advanceAndTell(boothId);
  }
  function schedule(): void {
    if (closed) return;
    timer = setTimeout(() => {
      deps.survive('queue sweep', () => sweep().finally(schedule));
    }, deps.sweepMs ?? QUEUE_SWEEP_MS);
    timer.unref();
  }

  const alreadyElsewhere = (boothId: number) =>
    fail('CONFLICT', 'You are already waiting in another booth’s queue. Leave it first to join this one.', { reason: 'otherQueue', boothId });
  const notFull = () => fail('CONFLICT', 'This booth has room: enter it directly.', { reason: 'notFull' });

  return {
    /**
     * Joins a full booth's line, or (already in it: a reconnect, another tab) keeps the place and
     * clears a hold. The caller has checked the booth exists, is open, not locked, and that the
     * member may enter it. One queue per member: a place elsewhere is a CONFLICT naming it.
     */
    async join(userId: string, booth: Booth): Promise<Result<QueuePosition>> {
      const boothId = booth.id;
      const [existing] = await rowOfUser.execute({ userId });
      if (existing && existing.boothId !== boothId) return alreadyElsewhere(existing.boothId);
      let outcome: 'queued' | 'notFull' | undefined;
      try {
        outcome = await advanceAndTell(boothId, async (rows, now) => {
          const mine = rows.find((row) => row.userId === userId);
          if (mine) {
            if (mine.holdUntil !== null) await db.update(boothQueue).set({ holdUntil: null }).where(eq(boothQueue.userId, userId));
            return 'queued' as const;
          }
          const inside = await presence.count(boothId);
          const onOffer = rows.filter((row) => liveOffer(row, now) && row.admittedBy === null).length;
          const waiting = rows.some((row) => row.holdUntil === null);
          if (!waiting && inside + onOffer < booth.capacity) return 'notFull' as const;
          await db.insert(boothQueue).values({ userId, boothId, joinedAt: new Date(now) });
          return 'queued' as const;
        });
      } catch (err) {
        // Joined another booth's line at the same moment (the primary key is the member).
        if (!isUniqueViolation(err)) throw err;
        const [other] = await rowOfUser.execute({ userId });
        if (other && other.boothId !== boothId) return alreadyElsewhere(other.boothId);
      }
      if (outcome === 'notFull') return notFull();
      const position = await this.positionOf(userId, booth);
      return position ? ok(position) : fail('CONFLICT', 'You are no longer in this queue; try again.', { reason: 'notQueued' });
    },

    /** Where a member stands now in a booth's line (null when not in it). */
    async positionOf(userId: string, booth: Pick<Booth, 'id' | 'capacity'>): Promise<QueuePosition | null> {
      const position = positionsOf(await rowsOfBooth(booth.id)).get(userId);
      if (position === undefined) return null;
      return { boothId: booth.id, position, etaSeconds: etaSeconds(position, booth.capacity, await typicalStayMs(booth.id)) };
    },

    /** Leaves a booth's line (a seat on offer goes to the next person). Nothing to leave is fine. */
    async leave(userId: string, boothId: number): Promise<void> {
      const [existing] = await rowOfUser.execute({ userId });
      if (!existing || existing.boothId !== boothId) return;
      await advanceAndTell(boothId, async () => {
        const gone = await db.delete(boothQueue).where(and(eq(boothQueue.userId, userId), eq(boothQueue.boothId, boothId))).returning({ userId: boothQueue.userId });
        return gone.length;
      });
      io.to(rooms.user(userId)).emit('queue:removed', { boothId, reason: 'left' });
    },

    /** A booth's line as its staff see it. */
    async list(boothId: number): Promise<QueueEntry[]> {
      const rows = await db
        .select({ row: boothQueue, displayName: users.displayName })
        .from(boothQueue)
        .innerJoin(users, eq(users.id, boothQueue.userId))
        .where(eq(boothQueue.boothId, boothId))
        .orderBy(asc(boothQueue.joinedAt), asc(boothQueue.userId));
      const now = clock.now();
      return rows.map(({ row, displayName }, i) => ({
        userId: row.userId,
        displayName,
        position: i + 1,
        joinedAt: row.joinedAt.toISOString(),
        offerExpiresAt: liveOffer(row, now) ? row.offerExpiresAt!.toISOString() : null,
        heldUntil: row.holdUntil?.toISOString() ?? null,
        admitted: row.admittedBy !== null && liveOffer(row, now),
      }));
    },

    /** Staff let a waiting member in now: a seat on offer for `offerMs`, above capacity. */
    async admit(staffId: string, boothId: number, userId: string): Promise<Result<{ boothId: number; userId: string }>> {
      const admitted = await advanceAndTell(boothId, async (rows, now) => {
        const row = rows.find((candidate) => candidate.userId === userId);
        if (!row) return null;
        const expiresAt = new Date(now + offerMs);
        await db.update(boothQueue).set({ offerExpiresAt: expiresAt, admittedBy: staffId, holdUntil: null }).where(eq(boothQueue.userId, userId));
        return expiresAt;
      });
      if (!admitted) return fail('NOT_FOUND', 'That person is not waiting in this booth’s queue.');
      io.to(rooms.user(userId)).emit('queue:offer', { boothId, expiresAt: admitted.toISOString() });
      deps.waitingChanged(boothId);
      return ok({ boothId, userId });
    },

    /**
     * For `booth:join` of someone not yet inside (not staff): a member holding a live offer gets
     * in (an admitted one however full; otherwise below capacity less the seats offered to
     * others); anyone else only below capacity less every seat on offer, and only while nobody
     * connected is waiting.
     */
    async gate(userId: string, booth: Pick<Booth, 'id' | 'capacity'>, inside: number): Promise<EntryGate> {
      const rows = await rowsOf.execute({ boothId: booth.id });
      if (rows.length === 0) return { ok: true, max: booth.capacity, fromQueue: false };
      const now = clock.now();
      const mine = rows.find((row) => row.userId === userId);
      const offeredToOthers = rows.filter((row) => row.userId !== userId && liveOffer(row, now) && row.admittedBy === null).length;
      if (mine && liveOffer(mine, now)) return { ok: true, max: mine.admittedBy !== null ? null : booth.capacity - offeredToOthers, fromQueue: true };
      if (rows.some((row) => row.holdUntil === null && !liveOffer(row, now))) {
        // People wait: a free seat is theirs. A seat free and not on offer yet is offered now.
        if (inside + offeredToOthers < booth.capacity) reconsider(booth.id);
        return { ok: false };
      }
      return { ok: true, max: booth.capacity - offeredToOthers, fromQueue: mine !== undefined };
    },

    /** The member entered the booth: their place is used up, and everyone behind moves up. */
    entered(userId: string, boothId: number): void {
      deps.survive('take an entrant out of the queue', async () => {
        const [existing] = await rowOfUser.execute({ userId });
        if (!existing || existing.boothId !== boothId) return;
        await advanceAndTell(boothId, async () => {
          await db.delete(boothQueue).where(and(eq(boothQueue.userId, userId), eq(boothQueue.boothId, boothId)));
        });
        io.to(rooms.user(userId)).emit('queue:removed', { boothId, reason: 'entered' });
      });
    },

    /** Someone left a booth (or their grace period ran out): a seat may be free. */
    seatFreed: reconsider,

    /**
     * One of a member's connections closed. When it was their last one (on any node), their
     * place is held for `holdMs`: a reconnect that sends `queue:join` again keeps it.
     */
    connectionClosed(userId: string): void {
      deps.survive('hold a place through a dropped connection', async () => {
        const [existing] = await rowOfUser.execute({ userId });
        if (!existing) return;
        if (await connected(userId)) return;
        const hold = (until: Date | null) =>
          writeDurably(db, async () => {
            await lockUntilCommit('booth-queue', existing.boothId);
            await db.update(boothQueue).set({ holdUntil: until }).where(and(eq(boothQueue.userId, userId), eq(boothQueue.boothId, existing.boothId)));
          });
        await hold(new Date(clock.now() + deps.holdMs));
        // Back meanwhile (their queue:join ran before the hold was written): lift it again.
        if (await connected(userId)) await hold(null);
      });
    },

    /** People waiting at one booth. */
    async waitingCount(boothId: number): Promise<number> {
      const [row] = await db.select({ n: count() }).from(boothQueue).where(eq(boothQueue.boothId, boothId));
      return row?.n ?? 0;
    },

    /** Runs the sweep until close (every node may: each booth's work runs under its lock). */
    start(): void {
      schedule();
    },
    /** One sweep now (tests). */
    sweep,
    close(): void {
      closed = true;
      clearTimeout(timer);
    },
  };
}
