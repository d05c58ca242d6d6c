/**
 * The booth's presence list as the booth page holds it: bounded, however many people arrive.
 * The join ack brings a capped snapshot (staff, some others, always me) and the total; then
 * `presence:changed` frames bring who arrived and who left. The list keeps staff, me and at
 * most PRESENCE_SHOWN_OTHERS_MAX others; the count on screen comes from the server's total,
 * and "see everyone" pages through the rest with `presence:list`. Pure, so it can be tested alone.
 */
import { PRESENCE_SNAPSHOT_OTHERS_MAX } from '../../../../shared/limits.js';
import type { PresenceChanged, PresenceEntry } from '../../../../shared/protocol.js';

/** Others (not staff, not me) the list holds: as many as the join snapshot may bring. */
export const PRESENCE_SHOWN_OTHERS_MAX = PRESENCE_SNAPSHOT_OTHERS_MAX;
/**
 * Staff are always listed, but a list must not grow without bound even if a fair had hundreds
 * of them in one booth. Staff here means any role above member: the client knows only the role,
 * not which booths a host hosts, so a visiting host of another booth counts as staff too.
 */
export const PRESENCE_SHOWN_STAFF_MAX = 100;

export interface HeldPresence {
  presence: PresenceEntry[];
  /** How many people I may see in the booth, from the server; the list may hold fewer. */
  presenceTotal: number;
}

/** The most the list ever holds: staff, others and me. */
export const PRESENCE_SHOWN_MAX = PRESENCE_SHOWN_STAFF_MAX + PRESENCE_SHOWN_OTHERS_MAX + 1;

type Kind = 'me' | 'staff' | 'other';
const ROOM: Readonly<Record<Kind, number>> = { me: 1, staff: PRESENCE_SHOWN_STAFF_MAX, other: PRESENCE_SHOWN_OTHERS_MAX };

/**
 * Adds `incoming` to `kept`, in order: an entry replaces the kept one of the same userId in its
 * place; a new one is added while its kind (me, staff, other) has room. Someone already listed
 * stays listed, so the list does not churn as a crowd comes and goes.
 */
function addBounded(kept: PresenceEntry[], incoming: PresenceEntry[], meId: string | undefined): PresenceEntry[] {
  const kindOf = (entry: PresenceEntry): Kind => (entry.userId === meId ? 'me' : entry.role !== 'member' ? 'staff' : 'other');
  const list = [...kept];
  const index = new Map(list.map((entry, i) => [entry.userId, i]));
  const count: Record<Kind, number> = { me: 0, staff: 0, other: 0 };
  for (const entry of list) count[kindOf(entry)]++;
  for (const entry of incoming) {
    const at = index.get(entry.userId);
    if (at !== undefined) {
      // Same person, new details (a visit turned private or public, a new role).
      count[kindOf(list[at]!)]--;
      count[kindOf(entry)]++;
      list[at] = entry;
      continue;
    }
    const kind = kindOf(entry);
    if (count[kind] >= ROOM[kind]) continue;
    // A role change can move someone already listed between kinds: the overall cap still holds.
    if (kind !== 'me' && list.length - count.me >= PRESENCE_SHOWN_MAX - 1) continue;
    count[kind]++;
    index.set(entry.userId, list.length);
    list.push(entry);
  }
  return list;
}

/** The list from a booth:join ack (the server caps it; this holds to the same bound anyway). */
export function presenceFromSnapshot(snapshot: PresenceEntry[], total: number, meId: string | undefined): HeldPresence {
  const presence = addBounded([], snapshot, meId);
  return { presence, presenceTotal: Math.max(total, presence.length) };
}

/**
 * Applies one `presence:changed` frame: `left` drops people, then each entry of `joined`
 * replaces the one of the same userId or, room permitting, is added. A person in both lists
 * ends up present (the frame's later word). `total` is taken as the server gives it.
 */
export function applyPresenceChange(held: HeldPresence, change: Pick<PresenceChanged, 'joined' | 'left' | 'total'>, meId: string | undefined): HeldPresence {
  // One frame serves the whole room, so it may name me: my own entry comes from my join ack
  // (a members' frame says I "left" when my visit turns private, and I am still here).
  const left = new Set(change.left.filter((userId) => userId !== meId));
  const joined = change.joined.filter((entry) => entry.userId !== meId);
  const kept = left.size === 0 ? held.presence : held.presence.filter((entry) => !left.has(entry.userId));
  const presence = joined.length === 0 ? kept : addBounded(kept, joined, meId);
  return { presence, presenceTotal: Math.max(change.total, presence.length) };
}
