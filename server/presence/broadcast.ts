import { PRESENCE_BATCH_MS } from '../../shared/limits.js';
import type { PresenceEntry } from '../../shared/protocol.js';
import { createPerKeyThrottle } from '../realtime/per-key-throttle.js';
import { rooms, type FairServer, type FairSocket } from '../realtime/types.js';
import type { JoinOutcome } from './presence-store.js';

/** Who learns of a person: everyone in the booth (public), its staff only (private), or nobody. */
type Audience = 'booth' | 'staff' | 'none';
type Namespace = FairServer['sockets'];

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

/**
 * Presence changes of one booth, coalesced per PRESENCE_BATCH_MS: each person's net change
 * since the last flush goes out as at most one `presence:left` and one `presence:joined`.
 * Someone flipping private on and off, or joining and leaving, in a loop costs each member at
 * most a couple of frames per interval. The events and payloads are the same as before batching.
 */
function createPresenceBatcher(nsp: Namespace) {
  const pending = new Map<number, Map<string, PendingChange>>();
  const throttle = createPerKeyThrottle<number>(PRESENCE_BATCH_MS, flush);

  function flush(boothId: number): void {
    const changes = pending.get(boothId);
    pending.delete(boothId);
    if (!changes) return;
    for (const [userId, { before, seen, entry }] of changes) {
      const after = audienceOf(entry);
      if (seen.size === 1 && before === after) continue; // nothing happened that anyone saw
      // Their own tabs know already (the join ack); only the others are told.
      const room = (audience: 'booth' | 'staff') => nsp.to(audience === 'booth' ? rooms.booth(boothId) : rooms.staff(boothId)).except(rooms.user(userId));
      // Whoever may have seen them and should not now drops them (staff are in the booth room
      // too, and get the private entry just below).
      if (after !== 'booth' && seen.has('booth')) room('booth').emit('presence:left', { boothId, userId });
      else if (after === 'none' && seen.has('staff')) room('staff').emit('presence:left', { boothId, userId });
      // A repeated joined is harmless: clients replace the entry by userId.
      if (entry && after !== 'none') room(after).emit('presence:joined', { boothId, entry });
    }
  }

  return {
    record(boothId: number, before: Audience, entry: PresenceEntry | null, userId: string): void {
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
    },
    close(): void {
      throttle.close();
      pending.clear();
    },
  };
}

/** One batcher per Socket.IO namespace (one per running app; tests start several). */
const batchers = new WeakMap<Namespace, ReturnType<typeof createPresenceBatcher>>();
function batcherOf(nsp: Namespace) {
  let batcher = batchers.get(nsp);
  if (!batcher) {
    batcher = createPresenceBatcher(nsp);
    batchers.set(nsp, batcher);
  }
  return batcher;
}

/** Stops the batch timers of one app's presence (its `close()`); pending changes are dropped. */
export function closePresenceBatches(io: FairServer): void {
  batchers.get(io.sockets)?.close();
  batchers.delete(io.sockets);
}

/**
 * Tells the booth who arrived. A private visitor is announced only to the booth's staff;
 * everyone else never learns they are there.
 */
export function announceJoin(socket: FairSocket, boothId: number, outcome: JoinOutcome): void {
  const { entry } = outcome;
  if (!outcome.arrived && !outcome.visibilityChanged) return;
  // Before this join they were absent, or present with the other visibility.
  const before: Audience = outcome.arrived ? 'none' : entry.private ? 'booth' : 'staff';
  batcherOf(socket.nsp as Namespace).record(boothId, before, entry, entry.userId);
}

/** Tells the booth who left, with the same visibility rule as joins. */
export function announceLeave(io: FairServer, boothId: number, entry: PresenceEntry): void {
  batcherOf(io.sockets).record(boothId, audienceOf(entry), null, entry.userId);
}
