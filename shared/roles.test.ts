import { describe, expect, it } from 'vitest';
import { can, isRole, mayActOn, type Principal } from './roles.js';

const member: Principal = { role: 'member', hostedBoothIds: [] };
const host: Principal = { role: 'host', hostedBoothIds: [3] };
const moderator: Principal = { role: 'moderator', hostedBoothIds: [] };
const admin: Principal = { role: 'admin', hostedBoothIds: [] };

describe('isRole', () => {
  it('accepts the four roles and nothing inherited from Object', () => {
    expect(['member', 'host', 'moderator', 'admin'].every(isRole)).toBe(true);
    for (const name of ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'Admin', '', null, 1]) {
      expect(isRole(name)).toBe(false);
    }
  });
});

describe('can', () => {
  it('lets only admins create invites', () => {
    expect(can(admin, 'invites:create')).toBe(true);
    expect(can(member, 'invites:create')).toBe(false);
    expect(can(host, 'invites:create')).toBe(false);
  });

  it('scopes host capabilities to their own booths', () => {
    expect(can(host, 'booth:staff', { boothId: 3 })).toBe(true);
    expect(can(host, 'booth:staff', { boothId: 4 })).toBe(false);
    expect(can(host, 'booth:staff')).toBe(false);
  });

  it('lets hosts publish video only in their own booth, and nobody else publish by role', () => {
    expect(can(host, 'video:publish', { boothId: 3 })).toBe(true);
    expect(can(host, 'video:publish', { boothId: 4 })).toBe(false);
    expect(can(admin, 'video:publish', { boothId: 3 })).toBe(false);
    expect(can(member, 'video:publish', { boothId: 3 })).toBe(false);
  });

  it('lets hosts manage raised hands in their own booth, moderators and admins everywhere', () => {
    expect(can(host, 'hand:manage', { boothId: 3 })).toBe(true);
    expect(can(host, 'hand:manage', { boothId: 4 })).toBe(false);
    expect(can(moderator, 'hand:manage', { boothId: 4 })).toBe(true);
    expect(can(member, 'hand:manage', { boothId: 3 })).toBe(false);
  });

  it('lets only moderators and admins mute or remove people from video', () => {
    expect(can(moderator, 'video:moderate')).toBe(true);
    expect(can(admin, 'video:moderate')).toBe(true);
    expect(can(host, 'video:moderate', { boothId: 3 })).toBe(false);
    expect(can(member, 'video:moderate')).toBe(false);
  });

  it('refuses forged roles and capabilities inherited from Object', () => {
    expect(can({ role: '__proto__' as never, hostedBoothIds: [] }, 'booth:visit')).toBe(false);
    expect(can(admin, 'toString' as never)).toBe(false);
    expect(can(admin, '__proto__' as never)).toBe(false);
    expect(can(null, 'booth:visit')).toBe(false);
  });
});

describe('mayActOn', () => {
  it('never lets a lower role act on a higher one', () => {
    expect(mayActOn({ role: 'moderator', hostedBoothIds: [] }, { role: 'admin' })).toBe(false);
    expect(mayActOn(host, { role: 'moderator' })).toBe(false);
    expect(mayActOn(admin, { role: 'moderator' })).toBe(true);
  });
});
