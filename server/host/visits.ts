import { and, count, desc, eq, gte, isNull, lte, or, sql } from 'drizzle-orm';
import type { AuthUser, Clock } from '../auth/service.js';
import { timeParam, type Db } from '../db/open.js';
import { storageErrorCode, writeDurably } from '../db/storage-errors.js';
import { ok, type Failure, type Result } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { boothVisits, messages } from '../db/tables.js';
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
export function createVisitLog(db: Db, clock: Clock, nodeId: string | null = null) {
  const now = () => new Date(clock.now());
  // Every arrival runs these: prepared once (building a query costs more than running it).
  const recentVisit = db
    .select({ id: boothVisits.id })
    .from(boothVisits)
    .where(and(eq(boothVisits.boothId, sql.placeholder('boothId')), eq(boothVisits.userId, sql.placeholder('userId')), gte(boothVisits.leftAt, sql.placeholder('since'))))
    // The last one left: the (booth, user, left_at) index answers it without a sort.
    .orderBy(desc(boothVisits.leftAt))
    .limit(1)
    .prepare();
  const insertVisit = db
    .insert(boothVisits)
    .values({ boothId: sql.placeholder('boothId'), userId: sql.placeholder('userId'), joinedAt: sql.placeholder('at'), private: sql.placeholder('private'), nodeId })
    .prepare();
  const reopenVisit = db.update(boothVisits).set({ leftAt: null }).where(eq(boothVisits.id, sql.placeholder('id'))).prepare();
  const reopenVisitPrivately = db.update(boothVisits).set({ leftAt: null, private: true }).where(eq(boothVisits.id, sql.placeholder('id'))).prepare();
  /** Opens a visit, or goes on with one left within VISIT_REJOIN_WINDOW_MS (a reconnect, a join/leave loop). */
  async function openVisit(boothId: number, userId: string, privately: boolean): Promise<void> {
    const at = clock.now();
    const [recent] = await recentVisit.execute({ boothId, userId, since: timeParam(at - VISIT_REJOIN_WINDOW_MS) });
    // A visit that was private at any point stays marked private.
    if (recent) await (privately ? reopenVisitPrivately : reopenVisit).execute({ id: recent.id });
    else await insertVisit.execute({ boothId, userId, at: new Date(at), private: privately });
  }
  return {
    // Writes go through writeDurably so that a locked database fails fast (see writesPaused).
    /** Several arrivals in one transaction (a group commit): all are stored, or none. */
    async arrivedAll(arrivals: { boothId: number; userId: string; privately: boolean }[]): Promise<void> {
      await writeDurably(db, async () => {
        for (const { boothId, userId, privately } of arrivals) await openVisit(boothId, userId, privately);
      });
    },
    async arrived(boothId: number, userId: string, privately = false): Promise<void> {
      await writeDurably(db, () => openVisit(boothId, userId, privately));
    },
    /** A public visit became private (another device joined privately): the record says so too. */
    async madePrivate(boothId: number, userId: string): Promise<void> {
      await writeDurably(db, () =>
        db
          .update(boothVisits)
          .set({ private: true })
          .where(and(eq(boothVisits.boothId, boothId), eq(boothVisits.userId, userId), isNull(boothVisits.leftAt))),
      );
    },
    async left(boothId: number, userId: string): Promise<void> {
      await writeDurably(db, () =>
        db
          .update(boothVisits)
          .set({ leftAt: now() })
          .where(and(eq(boothVisits.boothId, boothId), eq(boothVisits.userId, userId), isNull(boothVisits.leftAt))),
      );
    },
    /**
     * At start-up nobody is present on this node: the visits its last process left open end now.
     * With `onlyThisNode` (several nodes share the database), only those this node opened
     * (and those opened before nodes were named): other nodes' members are still there.
     */
    async closeOpenVisits(onlyThisNode = false): Promise<void> {
      const open = onlyThisNode && nodeId !== null ? and(isNull(boothVisits.leftAt), or(eq(boothVisits.nodeId, nodeId), isNull(boothVisits.nodeId))) : isNull(boothVisits.leftAt);
      await writeDurably(db, () => db.update(boothVisits).set({ leftAt: now() }).where(open));
    },

    /** Figures for the visits overlapping [since, now]. */
    async figures(boothId: number, since: Date): Promise<VisitFigures> {
      const end = now();
      const visits = await db
        .select({ userId: boothVisits.userId, joinedAt: boothVisits.joinedAt, leftAt: boothVisits.leftAt })
        .from(boothVisits)
        .where(and(eq(boothVisits.boothId, boothId), lte(boothVisits.joinedAt, end), or(isNull(boothVisits.leftAt), gte(boothVisits.leftAt, since))));
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
      const [counted] = await db
        .select({ n: count() })
        .from(messages)
        .where(and(eq(messages.boothId, boothId), gte(messages.createdAt, since)));
      const messagesToday = counted?.n ?? 0;
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
   * unchanged, when the write fails. `checks` are asked after the wait, before the person is
   * added: the socket may have gone, left or been kicked, or the booth filled, meanwhile; then
   * nothing is added, the visit just written is closed, and the failure is answered.
   */
  joinRecorded(boothId: number, user: AuthUser, socketId: string, privately: boolean, checks: JoinChecks): Promise<Result<JoinOutcome>>;
}

/** What a join asks again once its visit is stored; a failure stops it. */
export interface JoinChecks {
  /** What needs the database (a restriction added meanwhile): awaited first. */
  recheck(): Promise<Failure | null>;
  /**
   * What this process knows (the socket, the booth's rooms): asked last, right before the
   * person is added, with no await in between, so a disconnection or a leave after the answer
   * reaches presence after the join.
   */
  stillWanted(): Failure | null;
  /** Someone not yet present is let in only below this many people (checked by presence in one step with the join). */
  capacity?: { max: number; refusal: () => Failure };
}

/**
 * Presence that also writes the visit log: an arrival opens a visit before the person is
 * added, so a storage failure throws with presence unchanged (the join fails and can be
 * retried). Departures (leave, kick, ban, grace expiry) are closed by the presence listener
 * (app.ts): they always happen, whatever the disk says; a visit left open is logged and
 * closed at the next start.
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
    // Settles every join of the batch: they answer the failure (UNAVAILABLE), none floats.
    visits.arrivedAll(arrivals).then(resolve, reject);
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

  /**
   * Closes a visit; never rejects (a departure does not depend on the disk). The write is queued
   * at once, so it lands before any arrival that comes after it.
   */
  async function recordLeft(boothId: number, userId: string): Promise<void> {
    try {
      await visits.left(boothId, userId);
    } catch (err) {
      logger.warn({ err, sqlite: storageErrorCode(err), boothId }, 'visit end not recorded');
    }
  }

  /** Writes an arrival whose join did not wait for it; a failure is logged (the visit goes unrecorded). */
  function recordLate(write: Promise<void>, boothId: number): void {
    void write.catch((err: unknown) => logger.warn({ err, sqlite: storageErrorCode(err), boothId }, 'visit arrival not recorded'));
  }

  /** The join itself, once the checks pass; a booth found full is answered with the caller's refusal. */
  async function add(boothId: number, user: AuthUser, socketId: string, privately: boolean, checks: JoinChecks): Promise<Result<JoinOutcome>> {
    const refused = checks.stillWanted();
    if (refused) return refused;
    const outcome = await presence.join(boothId, user, socketId, privately, checks.capacity?.max);
    return outcome === 'full' ? checks.capacity!.refusal() : ok(outcome);
  }

  /** Adds the connection of someone already present (nothing to write, unless they left meanwhile). */
  async function joinPresent(boothId: number, user: AuthUser, socketId: string, privately: boolean, checks: JoinChecks): Promise<Result<JoinOutcome>> {
    const joined = await add(boothId, user, socketId, privately, checks);
    // Gone between the look and the join (a grace period ran out, another node's kick): an arrival after all.
    if (joined.ok && joined.data.arrived) recordLate(visits.arrived(boothId, user.id, joined.data.entry.private), boothId);
    return joined;
  }

  return {
    ...presence,
    async joinRecorded(boothId, user, socketId, privately, checks) {
      if (await presence.has(boothId, user.id)) {
        if (!privately || (await presence.isPrivate(boothId, user.id))) return joinPresent(boothId, user, socketId, privately, checks);
        await visits.madePrivate(boothId, user.id);
        // Still there after the write: the visit (now private) goes on. Gone meanwhile: an arrival.
        if (await presence.has(boothId, user.id)) return joinPresent(boothId, user, socketId, privately, checks);
      }
      await recordArrival(boothId, user.id, privately);
      // Refused or failed: the visit just written is closed, unless another of their sockets
      // entered meanwhile (then it goes on). Presence that cannot say counts as gone.
      const closeIfGone = async () => {
        if (!(await presence.has(boothId, user.id).catch(() => false))) await recordLeft(boothId, user.id);
      };
      let joined: Result<JoinOutcome>;
      try {
        joined = (await checks.recheck()) ?? (await add(boothId, user, socketId, privately, checks));
      } catch (err) {
        await closeIfGone();
        throw err;
      }
      if (!joined.ok) await closeIfGone();
      return joined;
    },
    async close() {
      clearTimeout(timer);
      settle?.reject(new Error('the fair is closing'));
      settle = null;
      batch = null;
      queued.clear();
      await presence.close();
    },
    /** A join not written first (the join path uses joinRecorded): the visit is written behind it. */
    async join(boothId, user, socketId, privately, capacity) {
      const outcome = await presence.join(boothId, user, socketId, privately, capacity);
      if (outcome !== 'full' && (outcome.arrived || outcome.visibilityChanged)) {
        recordLate(outcome.arrived ? visits.arrived(boothId, user.id, privately) : visits.madePrivate(boothId, user.id), boothId);
      }
      return outcome;
    },
  };
}
