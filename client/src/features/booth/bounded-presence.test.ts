import { describe, expect, it } from 'vitest';
import type { PresenceEntry } from '../../../../shared/protocol.js';
import type { Role } from '../../../../shared/roles.js';
import {
  applyPresenceChange,
  presenceFromSnapshot,
  PRESENCE_SHOWN_MAX,
  PRESENCE_SHOWN_OTHERS_MAX,
  PRESENCE_SHOWN_STAFF_MAX,
  type HeldPresence,
} from './bounded-presence.js';

const person = (userId: string, role: Role = 'member', isPrivate = false): PresenceEntry => ({ userId, displayName: `Name ${userId}`, role, private: isPrivate });
const members = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => person(`${prefix}${i}`));
const ids = (held: HeldPresence) => held.presence.map((entry) => entry.userId);
const ME = 'me';

describe('presenceFromSnapshot', () => {
  it('keeps the join snapshot and takes the count from presenceTotal, not from the list', () => {
    const held = presenceFromSnapshot([person(ME), person('host', 'host'), person('a')], 2_000, ME);
    expect(ids(held)).toEqual([ME, 'host', 'a']);
    expect(held.presenceTotal).toBe(2_000);
  });

  it('holds a snapshot larger than the server cap to the same bound, keeping me and the staff', () => {
    const held = presenceFromSnapshot([...members('m', 80), person('mod', 'moderator'), person(ME)], 82, ME);
    expect(held.presence.filter((entry) => entry.role === 'member' && entry.userId !== ME)).toHaveLength(PRESENCE_SHOWN_OTHERS_MAX);
    expect(ids(held)).toContain('mod');
    expect(ids(held)).toContain(ME);
  });

  it('never counts fewer people than it lists', () => {
    expect(presenceFromSnapshot([person(ME), person('a')], 1, ME).presenceTotal).toBe(2);
  });
});

describe('applyPresenceChange', () => {
  const start = () => presenceFromSnapshot([person(ME), person('host', 'host'), person('a'), person('b')], 4, ME);

  it('adds arrivals and removes departures, with the total from the frame', () => {
    const held = applyPresenceChange(start(), { joined: [person('c')], left: ['a'], total: 4 }, ME);
    expect(ids(held)).toEqual([ME, 'host', 'b', 'c']);
    expect(held.presenceTotal).toBe(4);
  });

  it('replaces an entry of the same userId in its place instead of listing the person twice', () => {
    const held = applyPresenceChange(start(), { joined: [person('a', 'member', true)], left: [], total: 4 }, ME);
    expect(ids(held)).toEqual([ME, 'host', 'a', 'b']);
    expect(held.presence.find((entry) => entry.userId === 'a')?.private).toBe(true);
  });

  it('lists someone named in both left and joined of one frame (joined is the later word)', () => {
    const held = applyPresenceChange(start(), { joined: [person('a')], left: ['a'], total: 4 }, ME);
    expect(ids(held)).toContain('a');
  });

  it('stays bounded in a booth of 2,000: others capped, staff and me kept, count from the server', () => {
    let held = presenceFromSnapshot([person(ME)], 1, ME);
    for (let batch = 0; batch < 40; batch++) {
      const arrivals = members(`b${batch}-`, 50);
      if (batch === 20) arrivals.push(person('late-host', 'host'), person('late-mod', 'moderator'));
      held = applyPresenceChange(held, { joined: arrivals, left: [], total: 1 + (batch + 1) * 50 + (batch >= 20 ? 2 : 0) }, ME);
    }
    expect(held.presenceTotal).toBe(2_003);
    expect(held.presence.length).toBe(1 + PRESENCE_SHOWN_OTHERS_MAX + 2);
    expect(ids(held)).toEqual(expect.arrayContaining([ME, 'late-host', 'late-mod']));
  });

  it('fills a freed place with the next arrival, but does not swap out someone already listed', () => {
    let held = presenceFromSnapshot([person(ME), ...members('m', PRESENCE_SHOWN_OTHERS_MAX)], 51, ME);
    held = applyPresenceChange(held, { joined: [person('x')], left: [], total: 52 }, ME);
    expect(ids(held)).not.toContain('x');
    held = applyPresenceChange(held, { joined: [person('y')], left: ['m0'], total: 52 }, ME);
    expect(ids(held)).toContain('y');
    expect(ids(held)).not.toContain('m0');
    expect(held.presence).toHaveLength(1 + PRESENCE_SHOWN_OTHERS_MAX);
  });

  it('caps the staff too, and never exceeds the overall bound however roles change', () => {
    let held = presenceFromSnapshot([person(ME)], 1, ME);
    const staff = Array.from({ length: PRESENCE_SHOWN_STAFF_MAX + 20 }, (_, i) => person(`s${i}`, 'host'));
    held = applyPresenceChange(held, { joined: [...staff, ...members('m', 80)], left: [], total: 201 }, ME);
    expect(held.presence).toHaveLength(PRESENCE_SHOWN_MAX);
    // Listed members promoted to host, then more members arriving: still within the bound.
    held = applyPresenceChange(held, { joined: members('m', 10).map((entry) => ({ ...entry, role: 'host' as const })), left: [], total: 201 }, ME);
    held = applyPresenceChange(held, { joined: members('n', 30), left: [], total: 231 }, ME);
    expect(held.presence.length).toBeLessThanOrEqual(PRESENCE_SHOWN_MAX);
  });

  it('always lists me, even when the others are full', () => {
    let held = presenceFromSnapshot([...members('m', PRESENCE_SHOWN_OTHERS_MAX), person(ME)], 51, ME);
    held = applyPresenceChange(held, { joined: members('n', 100), left: ['m0'], total: 150 }, ME);
    expect(ids(held)).toContain(ME);
  });

  it('takes the total the server sends, also when nobody in the list changed (someone beyond it left)', () => {
    const held = applyPresenceChange(presenceFromSnapshot([person(ME)], 300, ME), { joined: [], left: ['far-away'], total: 299 }, ME);
    expect(held.presenceTotal).toBe(299);
    expect(ids(held)).toEqual([ME]);
  });
});

describe('a frame that names me', () => {
  it('keeps my own entry from the join ack: a members’ frame may say I left when my visit turned private', () => {
    const me = { userId: 'me', displayName: 'Me', role: 'member' as const, private: true };
    const held = presenceFromSnapshot([me], 1, 'me');
    const after = applyPresenceChange(held, { joined: [], left: ['me'], total: 0 }, 'me');
    expect(after.presence).toEqual([me]);
    const replaced = applyPresenceChange(held, { joined: [{ ...me, private: false }], left: [], total: 1 }, 'me');
    expect(replaced.presence).toEqual([me]);
  });
});
