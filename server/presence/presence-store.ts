import type { PresenceEntry } from '../../shared/protocol.js';
import type { AuthUser } from '../auth/service.js';

interface Visitor extends PresenceEntry {
  sockets: Set<string>;
  graceTimer: NodeJS.Timeout | undefined;
}

export interface JoinOutcome {
  entry: PresenceEntry;
  /** First connection of this person in this booth (not a tab or a reconnect). */
  arrived: boolean;
  /** The person was present publicly and this join made the visit private. */
  visibilityChanged: boolean;
}

/**
 * Who is in which booth, counted once per person however many tabs. A dropped connection
 * keeps the person present for `graceMs`, so a flaky link does not flicker. In memory; the
 * interface is small so a shared store can replace it when the fair runs on several processes.
 */
export interface PresenceStore {
  /**
   * Adds a connection of `user` to the booth. Privacy belongs to the visit, not the device:
   * `privately` makes the visit private; a later join without it (a second device, a
   * reconnect) never makes a private visit public. The choice resets only when the visit
   * ends (every connection gone, past the grace period).
   */
  join(boothId: number, user: AuthUser, socketId: string, privately: boolean): JoinOutcome;
  /** The socket left on purpose: the person is gone at once if it was their last one. */
  leave(boothId: number, userId: string, socketId: string): PresenceEntry | null;
  /** The socket dropped: the person goes after the grace period unless they come back. */
  drop(boothId: number, userId: string, socketId: string): void;
  /** Removes a person from a booth at once, whatever their sockets (kicks, bans). */
  remove(boothId: number, userId: string): PresenceEntry | null;
  has(boothId: number, userId: string): boolean;
  /** Whether this person is in the booth on a private visit (false when absent). */
  isPrivate(boothId: number, userId: string): boolean;
  count(boothId: number): number;
  /** People present who are not on a private visit: what a member may count. */
  publicCount(boothId: number): number;
  list(boothId: number): PresenceEntry[];
  /**
   * What one viewer sees on arrival, without walking the whole booth: every staff member
   * present (role above member), the viewer, and at most `othersMax` others; private
   * visitors only for staff.
   */
  snapshot(boothId: number, viewerId: string, viewerIsStaff: boolean, othersMax: number): PresenceEntry[];
  /**
   * One page of everyone a viewer may see, ordered by userId (stable while people come and
   * go): entries after `afterUserId`, at most `limit`.
   */
  page(boothId: number, viewerId: string, viewerIsStaff: boolean, afterUserId: string | undefined, limit: number): { entries: PresenceEntry[]; more: boolean };
  /** Booths where this person is present. */
  boothsOf(userId: string): number[];
  close(): void;
}

/** One booth: its visitors in arrival order, and running counts so no read walks them all. */
interface BoothPresence {
  visitors: Map<string, Visitor>;
  /** Visitors with a role above member: always in a join snapshot. */
  staff: Set<string>;
  privateCount: number;
}

const visibleTo = (visitor: Visitor, viewerId: string, viewerIsStaff: boolean) => viewerIsStaff || !visitor.private || visitor.userId === viewerId;

export function createPresenceStore(options: { graceMs: number; onExpired: (boothId: number, entry: PresenceEntry) => void }): PresenceStore {
  const booths = new Map<number, BoothPresence>();

  const boothOf = (boothId: number) => {
    let booth = booths.get(boothId);
    if (!booth) {
      booth = { visitors: new Map(), staff: new Set(), privateCount: 0 };
      booths.set(boothId, booth);
    }
    return booth;
  };

  const toEntry = ({ userId, displayName, role, private: isPrivate }: Visitor): PresenceEntry => ({
    userId,
    displayName,
    role,
    private: isPrivate,
  });

  const visitorOf = (boothId: number, userId: string) => booths.get(boothId)?.visitors.get(userId);

  function removeVisitor(boothId: number, userId: string): PresenceEntry | null {
    const booth = booths.get(boothId);
    const visitor = booth?.visitors.get(userId);
    if (!booth || !visitor) return null;
    clearTimeout(visitor.graceTimer);
    booth.visitors.delete(userId);
    booth.staff.delete(userId);
    if (visitor.private) booth.privateCount--;
    if (booth.visitors.size === 0) booths.delete(boothId);
    return toEntry(visitor);
  }

  return {
    join(boothId, user, socketId, privately) {
      const booth = boothOf(boothId);
      const visitors = booth.visitors;
      const existing = visitors.get(user.id);
      if (existing) {
        clearTimeout(existing.graceTimer);
        existing.graceTimer = undefined;
        existing.sockets.add(socketId);
        // Once private, private until the visit ends: another device must not reveal them.
        const visibilityChanged = privately && !existing.private;
        if (visibilityChanged) {
          existing.private = true;
          booth.privateCount++;
        }
        existing.displayName = user.displayName;
        return { entry: toEntry(existing), arrived: false, visibilityChanged };
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
      return { entry: toEntry(visitor), arrived: true, visibilityChanged: false };
    },

    leave(boothId, userId, socketId) {
      const visitor = visitorOf(boothId, userId);
      if (!visitor) return null;
      visitor.sockets.delete(socketId);
      if (visitor.sockets.size > 0) return null;
      return removeVisitor(boothId, userId);
    },

    drop(boothId, userId, socketId) {
      const visitor = visitorOf(boothId, userId);
      if (!visitor || !visitor.sockets.delete(socketId) || visitor.sockets.size > 0) return;
      clearTimeout(visitor.graceTimer);
      visitor.graceTimer = setTimeout(() => {
        const entry = removeVisitor(boothId, userId);
        if (entry) options.onExpired(boothId, entry);
      }, options.graceMs);
      visitor.graceTimer.unref();
    },

    remove: removeVisitor,
    has: (boothId, userId) => booths.get(boothId)?.visitors.has(userId) ?? false,
    isPrivate: (boothId, userId) => visitorOf(boothId, userId)?.private ?? false,
    count: (boothId) => booths.get(boothId)?.visitors.size ?? 0,
    publicCount(boothId) {
      const booth = booths.get(boothId);
      return booth ? booth.visitors.size - booth.privateCount : 0;
    },
    list: (boothId) => [...(booths.get(boothId)?.visitors.values() ?? [])].map(toEntry),
    snapshot(boothId, viewerId, viewerIsStaff, othersMax) {
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
    },
    page(boothId, viewerId, viewerIsStaff, afterUserId, limit) {
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
    },
    boothsOf(userId) {
      const found: number[] = [];
      for (const [boothId, booth] of booths) if (booth.visitors.has(userId)) found.push(boothId);
      return found;
    },
    close() {
      for (const booth of booths.values()) for (const visitor of booth.visitors.values()) clearTimeout(visitor.graceTimer);
      booths.clear();
    },
  };
}
