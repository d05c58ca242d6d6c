import {
  PRESENCE_BATCH_MS,
  PRESENCE_BATCH_MS_PER_PERSON,
  PRESENCE_CROWD_BATCH_MAX_MS,
  PRESENCE_CROWD_BATCH_MS,
  PRESENCE_CROWD_COUNT_MS,
  PRESENCE_CROWD_MIN,
  PRESENCE_CROWD_MS_PER_PERSON,
  PRESENCE_FRAME_JOINED_MAX,
} from '../../shared/limits.js';
import type { PresenceChanged, PresenceEntry } from '../../shared/protocol.js';
import { createPerKeyThrottle } from '../realtime/per-key-throttle.js';
import { rooms, type FairServer } from '../realtime/types.js';
import type { BoothCounts, JoinOutcome, PresenceStore } from './presence-store.js';

/** Who learns of a person: everyone in the booth (public), its staff only (private), or nobody. */
type Audience = 'booth' | 'staff' | 'none';

/**
 * One person's changes since the last flush: where they stood then, every audience they were
 * visible to since (a member who joined meanwhile got them in the join snapshot), and their
 * latest entry (null: gone).
 */
interface PendingChange {
  before: Audience;
  seen: Set<Audience>;
  entry: PresenceEntry | null;
}

const audienceOf = (entry: PresenceEntry | null): Audience => (entry === null ? 'none' : entry.private ? 'staff' : 'booth');

/** Tells a booth who arrived and who left: the one way presence changes leave the server. */
export interface PresenceBroadcaster {
  /** After a join: announces an arrival, or a visit that turned private. */
  joined(boothId: number, outcome: JoinOutcome): void;
  /** After a leave, a grace expiry, a kick or a ban: announces the departure. */
  left(boothId: number, entry: PresenceEntry, counts?: BoothCounts): void;
  /** Stops the timers; pending changes are dropped (the app is closing). */
  close(): void;
}

/**
 * Presence changes, coalesced per booth and per PRESENCE_BATCH_MS (longer in a big booth:
 * PRESENCE_BATCH_MS_PER_PERSON) into one `presence:changed`
 * frame per audience (a crowded booth: PRESENCE_CROWD_MS_PER_PERSON): one for the booth's members (public entries only) and one for its staff
 * (everyone, private visitors marked). Each frame is encoded once for its whole room, so a
 * booth filling up costs one frame per member per interval, not one per arrival: arrival is
 * O(n), not O(n²). A person's net change since the last flush is what goes out, so someone
 * flipping private on and off, or joining and leaving, in a loop costs each member at most one
 * frame per interval. A private visitor is never in the members' frame. The members' frame
 * names at most PRESENCE_FRAME_JOINED_MAX new arrivals (changes to people already there always
 * go), so its bytes do not grow with the crowd either; staff frames name everyone. In a crowd, a
 * members' frame that only moves the count waits for PRESENCE_CROWD_COUNT_MS.
 *
 * With several nodes, each node sends the changes it made (its joins and leaves, the expiries
 * its sweep ended) through the adapter to the booth's room on every node; the totals in a
 * frame are read from the store when it goes, so they count every node's members.
 */
export function createPresenceBroadcaster(
  io: FairServer,
  presence: Pick<PresenceStore, 'count' | 'publicCount'>,
  {
    batchMs = PRESENCE_BATCH_MS,
    crowdCountMs = PRESENCE_CROWD_COUNT_MS,
    failed = () => {},
  }: { batchMs?: number; crowdCountMs?: number; /** A read of the totals failed: the frame goes with the last ones known. */ failed?: (err: unknown) => void } = {},
): PresenceBroadcaster {
  const pending = new Map<number, Map<string, PendingChange>>();
  /** The count each booth's members were last told, and when. */
  const lastMembersTotal = new Map<number, number>();
  const lastMembersFrameAt = new Map<number, number>();
  /** Crowded booths whose new count waits for PRESENCE_CROWD_COUNT_MS to pass. */
  const countDue = new Set<number>();
  /** Each booth's head count as last seen (told with a change, or read at a flush): it sets the interval. */
  const known = new Map<number, BoothCounts>();
  let closed = false;
  const crowded = (counts: BoothCounts | undefined) => (counts?.publicCount ?? 0) >= PRESENCE_CROWD_MIN;
  const intervalOf = (boothId: number) => {
    const counts = known.get(boothId);
    const count = counts?.count ?? 0;
    const crowdMs = crowded(counts) ? Math.max(PRESENCE_CROWD_BATCH_MS, Math.min(count * PRESENCE_CROWD_MS_PER_PERSON, PRESENCE_CROWD_BATCH_MAX_MS)) : 0;
    return Math.max(batchMs, count * PRESENCE_BATCH_MS_PER_PERSON, crowdMs);
  };
  const throttle = createPerKeyThrottle<number>(intervalOf, (boothId) => void flush(boothId).catch(failed));

  /** The totals now (every node's members), or the last known when the store cannot say. */
  async function countsNow(boothId: number): Promise<BoothCounts> {
    try {
      const [count, publicCount] = await Promise.all([presence.count(boothId), presence.publicCount(boothId)]);
      const counts = { count, publicCount };
      if (count === 0) known.delete(boothId);
      else known.set(boothId, counts);
      return counts;
    } catch (err) {
      failed(err);
      return known.get(boothId) ?? { count: 0, publicCount: 0 };
    }
  }

  async function flush(boothId: number): Promise<void> {
    const changes = pending.get(boothId) ?? new Map<string, PendingChange>();
    pending.delete(boothId);
    if (changes.size === 0 && !countDue.delete(boothId)) return;
    const counts = await countsNow(boothId);
    if (closed) return;
    const members: PresenceChanged = { boothId, joined: [], left: [], total: counts.publicCount };
    // In a crowded booth members' lists are full: newcomers are counted, not named.
    const nameArrivals = !crowded(counts);
    const staff: PresenceChanged = { boothId, joined: [], left: [], total: counts.count };
    for (const [userId, { before, seen, entry }] of changes) {
      const after = audienceOf(entry);
      if (seen.size === 1 && before === after) continue; // nothing happened that anyone saw
      // Members: whoever they may have seen and should not now is dropped; public entries come,
      // up to the frame's cap, and none in a crowded booth (an arrival not named is counted in
      // `total`, and listed on request).
      if (after === 'booth') {
        // Staff are always named: members' lists always hold the staff present.
        const named = before !== 'none' || entry!.role !== 'member' || (nameArrivals && members.joined.length < PRESENCE_FRAME_JOINED_MAX);
        if (named) members.joined.push(entry!);
      } else if (seen.has('booth')) members.left.push(userId);
      // Staff see everyone present, private visitors marked. A repeated entry is harmless:
      // clients replace it by userId.
      if (after !== 'none') staff.joined.push(entry!);
      else staff.left.push(userId);
    }
    // Staff are in the booth's room too: the members' frame goes to everyone else.
    // A frame with only a new count still goes: it is how members see the booth fill.
    const named = members.joined.length > 0 || members.left.length > 0;
    const countChanged = members.total !== lastMembersTotal.get(boothId);
    // In a crowd, a frame that would only move the count waits until the last one is
    // PRESENCE_CROWD_COUNT_MS old: while doors open, each member hears the count about once.
    const now = Date.now();
    const countWaits = !nameArrivals && !named && now - (lastMembersFrameAt.get(boothId) ?? 0) < crowdCountMs;
    if (countChanged && countWaits) {
      countDue.add(boothId);
      throttle.schedule(boothId);
    } else if (named || countChanged) {
      io.to(rooms.booth(boothId)).except(rooms.staff(boothId)).emit('presence:changed', members);
      lastMembersFrameAt.set(boothId, now);
      if (members.total === 0) {
        lastMembersTotal.delete(boothId);
        lastMembersFrameAt.delete(boothId);
      } else lastMembersTotal.set(boothId, members.total);
    }
    if (staff.joined.length > 0 || staff.left.length > 0) io.to(rooms.staff(boothId)).emit('presence:changed', staff);
  }

  function record(boothId: number, before: Audience, entry: PresenceEntry | null, userId: string): void {
    let changes = pending.get(boothId);
    if (!changes) {
      changes = new Map();
      pending.set(boothId, changes);
    }
    let change = changes.get(userId);
    if (!change) {
      change = { before, seen: new Set([before]), entry };
      changes.set(userId, change);
    }
    change.entry = entry;
    change.seen.add(audienceOf(entry));
    throttle.schedule(boothId);
  }

  return {
    joined(boothId, outcome) {
      const { entry } = outcome;
      if (!outcome.arrived && !outcome.visibilityChanged) return;
      known.set(boothId, outcome.counts);
      // Before this join they were absent, or present with the other visibility.
      const before: Audience = outcome.arrived ? 'none' : entry.private ? 'booth' : 'staff';
      record(boothId, before, entry, entry.userId);
    },
    left(boothId, entry, counts) {
      if (counts) known.set(boothId, counts);
      record(boothId, audienceOf(entry), null, entry.userId);
    },
    close() {
      closed = true;
      throttle.close();
      pending.clear();
      lastMembersTotal.clear();
      lastMembersFrameAt.clear();
      countDue.clear();
      known.clear();
    },
  };
}
