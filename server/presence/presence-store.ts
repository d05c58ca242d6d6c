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
  list(boothId: number): PresenceEntry[];
  /** Booths where this person is present. */
  boothsOf(userId: string): number[];
  close(): void;
}

export function createPresenceStore(options: { graceMs: number; onExpired: (boothId: number, entry: PresenceEntry) => void }): PresenceStore {
  const booths = new Map<number, Map<string, Visitor>>();

  const visitorsOf = (boothId: number) => {
    let visitors = booths.get(boothId);
    if (!visitors) {
      visitors = new Map();
      booths.set(boothId, visitors);
    }
    return visitors;
  };

  const toEntry = ({ userId, displayName, role, private: isPrivate }: Visitor): PresenceEntry => ({
    userId,
    displayName,
    role,
    private: isPrivate,
  });

  function removeVisitor(boothId: number, userId: string): PresenceEntry | null {
    const visitors = booths.get(boothId);
    const visitor = visitors?.get(userId);
    if (!visitors || !visitor) return null;
    clearTimeout(visitor.graceTimer);
    visitors.delete(userId);
    if (visitors.size === 0) booths.delete(boothId);
    return toEntry(visitor);
  }

  return {
    join(boothId, user, socketId, privately) {
      const visitors = visitorsOf(boothId);
      const existing = visitors.get(user.id);
      if (existing) {
        clearTimeout(existing.graceTimer);
        existing.graceTimer = undefined;
        existing.sockets.add(socketId);
        // Once private, private until the visit ends: another device must not reveal them.
        const visibilityChanged = privately && !existing.private;
        if (privately) existing.private = true;
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
      return { entry: toEntry(visitor), arrived: true, visibilityChanged: false };
    },

    leave(boothId, userId, socketId) {
      const visitor = booths.get(boothId)?.get(userId);
      if (!visitor) return null;
      visitor.sockets.delete(socketId);
      if (visitor.sockets.size > 0) return null;
      return removeVisitor(boothId, userId);
    },

    drop(boothId, userId, socketId) {
      const visitor = booths.get(boothId)?.get(userId);
      if (!visitor || !visitor.sockets.delete(socketId) || visitor.sockets.size > 0) return;
      clearTimeout(visitor.graceTimer);
      visitor.graceTimer = setTimeout(() => {
        const entry = removeVisitor(boothId, userId);
        if (entry) options.onExpired(boothId, entry);
      }, options.graceMs);
      visitor.graceTimer.unref();
    },

    remove: removeVisitor,
    has: (boothId, userId) => booths.get(boothId)?.has(userId) ?? false,
    isPrivate: (boothId, userId) => booths.get(boothId)?.get(userId)?.private ?? false,
    count: (boothId) => booths.get(boothId)?.size ?? 0,
    list: (boothId) => [...(booths.get(boothId)?.values() ?? [])].map(toEntry),
    boothsOf(userId) {
      const found: number[] = [];
      for (const [boothId, visitors] of booths) if (visitors.has(userId)) found.push(boothId);
      return found;
    },
    close() {
      for (const visitors of booths.values()) for (const visitor of visitors.values()) clearTimeout(visitor.graceTimer);
      booths.clear();
    },
  };
}
