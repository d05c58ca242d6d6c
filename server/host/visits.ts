import { and, count, desc, eq, gte, isNull, lte, or } from 'drizzle-orm';
import type { Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { boothVisits, messages } from '../db/schema.js';
import type { PresenceStore } from '../presence/presence-store.js';

export type VisitLog = ReturnType<typeof createVisitLog>;

/**
 * Someone back in a booth within this long after leaving it continues the same visit: a
 * flaky link, a reload or a join/leave loop does not become a row per flip.
 */
export const VISIT_REJOIN_WINDOW_MS = 30_000;

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
  return {
    arrived(boothId: number, userId: string): void {
      const at = now();
      const recent = db
        .select({ id: boothVisits.id })
        .from(boothVisits)
        .where(and(eq(boothVisits.boothId, boothId), eq(boothVisits.userId, userId), gte(boothVisits.leftAt, new Date(at.getTime() - VISIT_REJOIN_WINDOW_MS))))
        .orderBy(desc(boothVisits.id))
        .limit(1)
        .get();
      if (recent) db.update(boothVisits).set({ leftAt: null }).where(eq(boothVisits.id, recent.id)).run();
      else db.insert(boothVisits).values({ boothId, userId, joinedAt: at }).run();
    },
    left(boothId: number, userId: string): void {
      db.update(boothVisits)
        .set({ leftAt: now() })
        .where(and(eq(boothVisits.boothId, boothId), eq(boothVisits.userId, userId), isNull(boothVisits.leftAt)))
        .run();
    },
    /** At start-up nobody is present: visits the last process left open end now. */
    closeOpenVisits(): void {
      db.update(boothVisits).set({ leftAt: now() }).where(isNull(boothVisits.leftAt)).run();
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

/**
 * Presence that also writes the visit log: an arrival opens a visit, a departure (leave, kick,
 * ban) closes it. Grace-period expiries are closed by the caller's onExpired.
 */
export function recordingVisits(presence: PresenceStore, visits: VisitLog): PresenceStore {
  return {
    ...presence,
    join(boothId, user, socketId, privately) {
      const outcome = presence.join(boothId, user, socketId, privately);
      if (outcome.arrived) visits.arrived(boothId, user.id);
      return outcome;
    },
    leave(boothId, userId, socketId) {
      const gone = presence.leave(boothId, userId, socketId);
      if (gone) visits.left(boothId, userId);
      return gone;
    },
    remove(boothId, userId) {
      const gone = presence.remove(boothId, userId);
      if (gone) visits.left(boothId, userId);
      return gone;
    },
  };
}
