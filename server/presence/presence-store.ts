import type { PresenceEntry } from '../../shared/protocol.js';
import type { AuthUser } from '../auth/service.js';

interface Visitor extends PresenceEntry {
  sockets: Set<string>;
  graceTimer: NodeJS.Timeout | undefined;
  /**
   * How others see them, made once and shared by every snapshot, page and frame until their
   * name or visibility changes (then undefined until asked for again): a join into a busy booth
   * otherwise built fifty of these for its answer. Frozen, since it is shared.
   */
  entry?: Readonly<PresenceEntry>;
}

/** A booth's head count right after a change: everyone, and those not on a private visit. */
export interface BoothCounts {
  count: number;
  publicCount: number;
}

export interface JoinOutcome {
  entry: PresenceEntry;
  /** First connection of this person in this booth (not a tab or a reconnect). */
  arrived: boolean;
  /** The person was present publicly and this join made the visit private. */
  visibilityChanged: boolean;
  /** The booth right after this join. */
  counts: BoothCounts;
}

/**
 * A change of who is in a booth, told by the store as it happens, in the order it happened
 * (the one place arrivals and departures are announced from: see app.ts).
 */
export type PresenceChange =
  | { kind: 'joined'; outcome: JoinOutcome }
  /** `expired`: the grace period of a dropped connection ran out; otherwise a leave, kick or ban. */
  | { kind: 'left'; entry: PresenceEntry; expired: boolean; counts: BoothCounts };

/** Told of every change this store makes; it must not throw (it runs inside the store, and in timers). */
export type PresenceListener = (boothId: number, change: PresenceChange) => void;

/**
 * Who is in which booth, counted once per person however many tabs. A dropped connection
 * keeps the person present for `graceMs`, so a flaky link does not flicker. Two
 * implementations: in this process's memory (embedded mode, below) and in Redis, shared by
 * every node (scaled mode: redis-presence-store.ts).
 *
 * Every change is told to the store's listener (`PresenceListener`) in the order it happened,
 * before the promise of the call that made it settles. Departures (`leave`, `drop`, `remove`)
 * never reject: they do not depend on the storage being there (the Redis store retries them).
 */
export interface PresenceStore {
  /**
   * Adds a connection of `user` to the booth. Privacy belongs to the visit, not the device:
   * `privately` makes the visit private; a later join without it (a second device, a
   * reconnect) never makes a private visit public. The choice resets only when the visit
   * ends (every connection gone, past the grace period). With `capacity`, someone not yet
   * present is let in only while fewer than `capacity` people are: 'full' otherwise, and
   * nothing changes (checked and added in one step, whatever other joins run meanwhile).
   */
  join(boothId: number, user: AuthUser, socketId: string, privately: boolean, capacity?: number): Promise<JoinOutcome | 'full'>;
  /** The socket left on purpose: the person is gone at once if it was their last one. */
  leave(boothId: number, userId: string, socketId: string): Promise<PresenceEntry | null>;
  /** The socket dropped: the person goes after the grace period unless they come back. */
  drop(boothId: number, userId: string, socketId: string): Promise<void>;
  /** Removes a person from a booth at once, whatever their sockets (kicks, bans). */
  remove(boothId: number, userId: string): Promise<PresenceEntry | null>;
  has(boothId: number, userId: string): Promise<boolean>;
  /** Whether this person is in the booth on a private visit (false when absent). */
  isPrivate(boothId: number, userId: string): Promise<boolean>;
  count(boothId: number): Promise<number>;
  /** People present who are not on a private visit: what a member may count. */
  publicCount(boothId: number): Promise<number>;
  list(boothId: number): Promise<PresenceEntry[]>;
  /**
   * What one viewer sees on arrival, without walking the whole booth: every staff member
   * present (role above member), the viewer, and at most `othersMax` others; private
   * visitors only for staff.
   */
  snapshot(boothId: number, viewerId: string, viewerIsStaff: boolean, othersMax: number): Promise<PresenceEntry[]>;
  /**
   * One page of everyone a viewer may see, ordered by userId (stable while people come and
   * go): entries after `afterUserId`, at most `limit`.
   */
  page(boothId: number, viewerId: string, viewerIsStaff: boolean, afterUserId: string | undefined, limit: number): Promise<{ entries: PresenceEntry[]; more: boolean }>;
  /** Booths where this person is present. */
  boothsOf(userId: string): Promise<number[]>;
  /** Stops timers. The Redis store also hands this node's connections to the grace period. */
  close(): void | Promise<void>;
}

/** One booth: its visitors in arrival order, and running counts so no read walks them all. */
interface BoothPresence {
  visitors: Map<string, Visitor>;
  /** Visitors with a role above member: always in a join snapshot. */
  staff: Set<string>;
  privateCount: number;
}

const visibleTo = (visitor: Visitor, viewerId: string, viewerIsStaff: boolean) => viewerIsStaff || !visitor.private || visitor.userId === viewerId;

/** The embedded mode's store: one process, in memory, a timer per dropped visitor. */
export function createPresenceStore(options: { graceMs: number; onChanged: PresenceListener }): PresenceStore {
  const booths = new Map<number, BoothPresence>();

  const boothOf = (boothId: number) => {
    let booth = booths.get(boothId);
    if (!booth) {
      booth = { visitors: new Map(), staff: new Set(), privateCount: 0 };
      booths.set(boothId, booth);
    }
    return booth;
  };

  const toEntry = (visitor: Visitor): PresenceEntry =>
    (visitor.entry ??= Object.freeze({ userId: visitor.userId, displayName: visitor.displayName, role: visitor.role, private: visitor.private }));

  const countsOf = (booth: BoothPresence | undefined): BoothCounts =>
    booth ? { count: booth.visitors.size, publicCount: booth.visitors.size - booth.privateCount } : { count: 0, publicCount: 0 };

  const visitorOf = (boothId: number, userId: string) => booths.get(boothId)?.visitors.get(userId);

  /** Takes a person out of a booth and tells the listener; null when they were not there. */
  function removeVisitor(boothId: number, userId: string, expired = false): PresenceEntry | null {
    const booth = booths.get(boothId);
    const visitor = booth?.visitors.get(userId);
    if (!booth || !visitor) return null;
    clearTimeout(visitor.graceTimer);
    booth.visitors.delete(userId);
    booth.staff.delete(userId);
    if (visitor.private) booth.privateCount--;
    if (booth.visitors.size === 0) booths.delete(boothId);
    const entry = toEntry(visitor);
    options.onChanged(boothId, { kind: 'left', entry, expired, counts: countsOf(booth) });
    return entry;
  }

  /** Synchronous at heart: the change is made when the call is, so calls apply in call order. */
  function join(boothId: number, user: AuthUser, socketId: string, privately: boolean, capacity?: number): JoinOutcome | 'full' {
    const booth = boothOf(boothId);
    const visitors = booth.visitors;
    const existing = visitors.get(user.id);
    let outcome: JoinOutcome;
    if (existing) {
      clearTimeout(existing.graceTimer);
      existing.graceTimer = undefined;
      existing.sockets.add(socketId);
      // Once private, private until the visit ends: another device must not reveal them.
      const visibilityChanged = privately && !existing.private;
      if (visibilityChanged) {
        existing.private = true;
        existing.entry = undefined;
        booth.privateCount++;
      }
      if (existing.displayName !== user.displayName) {
        existing.displayName = user.displayName;
        existing.entry = undefined;
      }
      outcome = { entry: toEntry(existing), arrived: false, visibilityChanged, counts: countsOf(booth) };
    } else {
      if (capacity !== undefined && visitors.size >= capacity) {
        if (visitors.size === 0) booths.delete(boothId);
        return 'full';
      }
      const visitor: Visitor = {
        userId: user.id,
        displayName: user.displayName,
        role: user.role,
        private: privately,
        sockets: new Set([socketId]),
        graceTimer: undefined,
      };
      visitors.set(user.id, visitor);
      if (user.role !== 'member') booth.staff.add(user.id);
      if (privately) booth.privateCount++;
      outcome = { entry: toEntry(visitor), arrived: true, visibilityChanged: false, counts: countsOf(booth) };
    }
    if (outcome.arrived || outcome.visibilityChanged) options.onChanged(boothId, { kind: 'joined', outcome });
    return outcome;
  }

  function leave(boothId: number, userId: string, socketId: string): PresenceEntry | null {
    const visitor = visitorOf(boothId, userId);
    if (!visitor) return null;
    visitor.sockets.delete(socketId);
    if (visitor.sockets.size > 0) return null;
    return removeVisitor(boothId, userId);
  }

  function drop(boothId: number, userId: string, socketId: string): void {
    const visitor = visitorOf(boothId, userId);
    if (!visitor || !visitor.sockets.delete(socketId) || visitor.sockets.size > 0) return;
    clearTimeout(visitor.graceTimer);
    visitor.graceTimer = setTimeout(() => removeVisitor(boothId, userId, true), options.graceMs);
    visitor.graceTimer.unref();
  }

  function snapshot(boothId: number, viewerId: string, viewerIsStaff: boolean, othersMax: number): PresenceEntry[] {
    const booth = booths.get(boothId);
    if (!booth) return [];
    const shown: PresenceEntry[] = [];
    for (const userId of booth.staff) {
      const visitor = booth.visitors.get(userId)!;
      if (visibleTo(visitor, viewerId, viewerIsStaff)) shown.push(toEntry(visitor));
    }
    const self = booth.visitors.get(viewerId);
    if (self && !booth.staff.has(viewerId)) shown.push(toEntry(self));
    let others = 0;
    for (const visitor of booth.visitors.values()) {
      if (others >= othersMax) break;
      if (visitor.userId === viewerId || booth.staff.has(visitor.userId) || !visibleTo(visitor, viewerId, viewerIsStaff)) continue;
      shown.push(toEntry(visitor));
      others++;
    }
    return shown;
  }

  function page(boothId: number, viewerId: string, viewerIsStaff: boolean, afterUserId: string | undefined, limit: number) {
    const booth = booths.get(boothId);
    if (!booth) return { entries: [], more: false };
    const ids = [...booth.visitors.keys()].filter((id) => afterUserId === undefined || id > afterUserId).sort();
    const entries: PresenceEntry[] = [];
    let i = 0;
    for (; i < ids.length && entries.length < limit; i++) {
      const visitor = booth.visitors.get(ids[i]!)!;
      if (visibleTo(visitor, viewerId, viewerIsStaff)) entries.push(toEntry(visitor));
    }
    const more = ids.slice(i).some((id) => visibleTo(booth.visitors.get(id)!, viewerId, viewerIsStaff));
    return { entries, more };
  }

  // The interface is asynchronous (the Redis store's is); here each answer is ready at once,
  // and each change is made during the call.
  const now = <T>(value: T): Promise<T> => Promise.resolve(value);
  return {
    join: (boothId, user, socketId, privately, capacity) => now(join(boothId, user, socketId, privately, capacity)),
    leave: (boothId, userId, socketId) => now(leave(boothId, userId, socketId)),
    drop: (boothId, userId, socketId) => now(drop(boothId, userId, socketId)),
    remove: (boothId, userId) => now(removeVisitor(boothId, userId)),
    has: (boothId, userId) => now(booths.get(boothId)?.visitors.has(userId) ?? false),
    isPrivate: (boothId, userId) => now(visitorOf(boothId, userId)?.private ?? false),
    count: (boothId) => now(booths.get(boothId)?.visitors.size ?? 0),
    publicCount: (boothId) => now(countsOf(booths.get(boothId)).publicCount),
    list: (boothId) => now([...(booths.get(boothId)?.visitors.values() ?? [])].map(toEntry)),
    snapshot: (boothId, viewerId, viewerIsStaff, othersMax) => now(snapshot(boothId, viewerId, viewerIsStaff, othersMax)),
    page: (boothId, viewerId, viewerIsStaff, afterUserId, limit) => now(page(boothId, viewerId, viewerIsStaff, afterUserId, limit)),
    boothsOf(userId) {
      const found: number[] = [];
      for (const [boothId, booth] of booths) if (booth.visitors.has(userId)) found.push(boothId);
      return now(found);
    },
    close() {
      for (const booth of booths.values()) for (const visitor of booth.visitors.values()) clearTimeout(visitor.graceTimer);
      booths.clear();
    },
  };
}
