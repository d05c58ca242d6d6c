import { and, count, desc, eq, gte, isNull, lte, or, sql } from 'drizzle-orm';
import type { AuthUser, Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { storageErrorCode, writeDurably } from '../db/storage-errors.js';
import { ok, type Failure, type Result } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { boothVisits, messages } from '../db/schema.js';
import type { JoinOutcome, PresenceStore } from '../presence/presence-store.js';

export type VisitLog = ReturnType<typeof createVisitLog>;

/**
 * Someone back in a booth within this long after leaving it continues the same visit: a
 * flaky link, a reload or a join/leave loop does not become a row per flip.
 */
export const VISIT_REJOIN_WINDOW_MS = 30_000;
/**
 * Arrivals within this long share one commit. A join waits at most this much longer; when the
 * doors open, hundreds of joins a second become a few dozen commits.
 */
const VISIT_GROUP_COMMIT_MS = 15;

/** Day figures for one booth, from the visit records. */
export interface VisitFigures {
  visitorsToday: number;
  peakConcurrency: number;
  messagesToday: number;
  averageVisitSeconds: number;
}

/** One row per stay in a booth (arrival to departure), for the staff figures. */
export function createVisitLog(db: Db, clock: Clock) {
  const now = () => new Date(clock.now());
  // Every arrival runs these: prepared once (building a query costs more than running it).
  const recentVisit = db
    .select({ id: boothVisits.id })
    .from(boothVisits)
    .where(and(eq(boothVisits.boothId, sql.placeholder('boothId')), eq(boothVisits.userId, sql.placeholder('userId')), gte(boothVisits.leftAt, sql.placeholder('since'))))
    .orderBy(desc(boothVisits.id))
    .limit(1)
    .prepare();
  const insertVisit = db
    .insert(boothVisits)
    .values({ boothId: sql.placeholder('boothId'), userId: sql.placeholder('userId'), joinedAt: sql.placeholder('at'), private: sql.placeholder('private') })
    .prepare();
  const reopenVisit = db
    .update(boothVisits)
    .set({ leftAt: null, private: sql`(${boothVisits.private} OR ${sql.placeholder('private')})` })
    .where(eq(boothVisits.id, sql.placeholder('id')))
    .prepare();
  /** Opens a visit, or goes on with one left within VISIT_REJOIN_WINDOW_MS (a reconnect, a join/leave loop). */
  function openVisit(boothId: number, userId: string, privately: boolean): void {
    const at = clock.now();
    const recent = recentVisit.get({ boothId, userId, since: at - VISIT_REJOIN_WINDOW_MS });
    // A visit that was private at any point stays marked private.
    if (recent) reopenVisit.run({ private: privately ? 1 : 0, id: recent.id });
    else insertVisit.run({ boothId, userId, at: new Date(at), private: privately });
  }
  return {
    // Writes go through writeDurably so that a locked database fails fast (see writesPaused).
    /** Several arrivals in one transaction (a group commit): all are stored, or none. */
    arrivedAll(arrivals: { boothId: number; userId: string; privately: boolean }[]): void {
      writeDurably(db, () => {
        for (const { boothId, userId, privately } of arrivals) openVisit(boothId, userId, privately);
      });
    },
    arrived(boothId: number, userId: string, privately = false): void {
      writeDurably(db, () => openVisit(boothId, userId, privately));
    },
    /** A public visit became private (another device joined privately): the record says so too. */
    madePrivate(boothId: number, userId: string): void {
      writeDurably(db, () =>
        db
          .update(boothVisits)
          .set({ private: true })
          .where(and(eq(boothVisits.boothId, boothId), eq(boothVisits.userId, userId), isNull(boothVisits.leftAt)))
          .run(),
      );
    },
    left(boothId: number, userId: string): void {
      writeDurably(db, () =>
        db
          .update(boothVisits)
          .set({ leftAt: now() })
          .where(and(eq(boothVisits.boothId, boothId), eq(boothVisits.userId, userId), isNull(boothVisits.leftAt)))
          .run(),
      );
    },
    /** At start-up nobody is present: visits the last process left open end now. */
    closeOpenVisits(): void {
      writeDurably(db, () => db.update(boothVisits).set({ leftAt: now() }).where(isNull(boothVisits.leftAt)).run());
    },

    /** Figures for the visits overlapping [since, now]. */
    figures(boothId: number, since: Date): VisitFigures {
      const end = now();
      const visits = db
        .select({ userId: boothVisits.userId, joinedAt: boothVisits.joinedAt, leftAt: boothVisits.leftAt })
        .from(boothVisits)
        .where(and(eq(boothVisits.boothId, boothId), lte(boothVisits.joinedAt, end), or(isNull(boothVisits.leftAt), gte(boothVisits.leftAt, since))))
        .all();
      // Peak: sweep arrivals and departures in time order (a departure before an arrival at the same instant).
      const events = visits.flatMap((v) => [
        { at: Math.max(v.joinedAt.getTime(), since.getTime()), delta: 1 },
        ...(v.leftAt ? [{ at: v.leftAt.getTime(), delta: -1 }] : []),
      ]);
      events.sort((a, b) => a.at - b.at || a.delta - b.delta);
      let current = 0;
      let peakConcurrency = 0;
      for (const event of events) {
        current += event.delta;
        peakConcurrency = Math.max(peakConcurrency, current);
      }
      const finished = visits.filter((v) => v.leftAt !== null && v.joinedAt >= since);
      const totalMs = finished.reduce((sum, v) => sum + (v.leftAt!.getTime() - v.joinedAt.getTime()), 0);
      const messagesToday =
        db
          .select({ n: count() })
          .from(messages)
          .where(and(eq(messages.boothId, boothId), gte(messages.createdAt, since)))
          .get()?.n ?? 0;
      return {
        visitorsToday: new Set(visits.map((v) => v.userId)).size,
        peakConcurrency,
        messagesToday,
        averageVisitSeconds: finished.length ? Math.round(totalMs / finished.length / 1000) : 0,
      };
    },
  };
}

/** Presence whose joins are written to the visit log first (see recordingVisits). */
export interface RecordingPresence extends PresenceStore {
  /**
   * Adds a connection like `join`, after writing the arrival to the visit log. Arrivals that
   * come together share one transaction (a group commit): when the doors open, a thousand
   * joins a second must not each wait for a commit of their own. Rejects, with presence
   * unchanged, when the write fails. `stillWanted` is asked after the wait, before the person
   * is added: the socket may have gone, left or been kicked, or the booth filled, meanwhile;
   * then nothing is added, the visit just written is closed, and its failure is answered.
   */
  joinRecorded(boothId: number, user: AuthUser, socketId: string, privately: boolean, stillWanted: () => Failure | null): Promise<Result<JoinOutcome>>;
}

/**
 * Presence that also writes the visit log: an arrival opens a visit, a departure (leave, kick,
 * ban) closes it. Grace-period expiries are closed by the caller's onExpired.
 *
 * An arrival is written before the person is added, so a storage failure throws with presence
 * unchanged (the join fails and can be retried). A departure always happens: leaving, kicks and
 * bans must not depend on the disk; a visit left open is logged and closed at the next start.
 */
export function recordingVisits(presence: PresenceStore, visits: VisitLog, logger: Logger): RecordingPresence {
  /** Arrivals waiting for the next group commit, one per person and booth. */
  let queued = new Map<string, { boothId: number; userId: string; privately: boolean; done: Promise<void> }>();
  let settle: { resolve: () => void; reject: (err: unknown) => void } | null = null;
  let batch: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;

  function writeQueued(): void {
    const arrivals = [...queued.values()];
    const { resolve, reject } = settle!;
    queued = new Map();
    settle = null;
    batch = null;
    try {
      visits.arrivedAll(arrivals);
      resolve();
    } catch (err) {
      reject(err);
    }
  }

  /** Queues an arrival for the next group commit. */
  function recordArrival(boothId: number, userId: string, privately: boolean): Promise<void> {
    const key = `${boothId}:${userId}`;
    const waiting = queued.get(key);
    if (waiting) {
      waiting.privately ||= privately;
      return waiting.done;
    }
    batch ??= new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
      timer = setTimeout(writeQueued, VISIT_GROUP_COMMIT_MS);
    });
    queued.set(key, { boothId, userId, privately, done: batch });
    return batch;
  }

  function recordLeft(boothId: number, userId: string): void {
    try {
      visits.left(boothId, userId);
    } catch (err) {
      logger.warn({ err, sqlite: storageErrorCode(err), boothId }, 'visit end not recorded');
    }
  }
  return {
    ...presence,
    async joinRecorded(boothId, user, socketId, privately, stillWanted) {
      if (presence.has(boothId, user.id)) {
        if (privately && !presence.isPrivate(boothId, user.id)) visits.madePrivate(boothId, user.id);
        return ok(presence.join(boothId, user, socketId, privately));
      }
      await recordArrival(boothId, user.id, privately);
      const refused = stillWanted();
      if (refused) {
        // Another of their sockets may have entered meanwhile: then the visit goes on.
        if (!presence.has(boothId, user.id)) recordLeft(boothId, user.id);
        return refused;
      }
      return ok(presence.join(boothId, user, socketId, privately));
    },
    close() {
      clearTimeout(timer);
      settle?.reject(new Error('the fair is closing'));
      settle = null;
      batch = null;
      queued.clear();
      presence.close();
    },
    join(boothId, user, socketId, privately) {
      // The same test presence.join uses for `arrived`: not present yet (a grace period counts as present).
      if (!presence.has(boothId, user.id)) visits.arrived(boothId, user.id, privately);
      else if (privately && !presence.isPrivate(boothId, user.id)) visits.madePrivate(boothId, user.id);
      return presence.join(boothId, user, socketId, privately);
    },
    leave(boothId, userId, socketId) {
      const gone = presence.leave(boothId, userId, socketId);
      if (gone) recordLeft(boothId, userId);
      return gone;
    },
    remove(boothId, userId) {
      const gone = presence.remove(boothId, userId);
      if (gone) recordLeft(boothId, userId);
      return gone;
    },
  };
}
