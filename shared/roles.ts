/**
 * Roles and capabilities. Authorise with `can(user, capability, scope)`, never by comparing
 * role names: the server checks every command with it, the client uses it only to hide buttons.
 */
export const ROLES = ['member', 'host', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Rank for "nobody acts on someone of a higher role". */
export const ROLE_RANK: Readonly<Record<Role, number>> = { member: 0, host: 1, moderator: 2, admin: 3 };

/** True for a real role name; safe against '__proto__', 'toString' and friends. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

interface CapabilityRule {
  /** Roles that hold the capability everywhere. */
  roles: readonly Role[];
  /** Hosts hold it too, but only for booths they host. */
  hostsOwnBooth?: boolean;
}

/**
 * Every capability in the product. A capability added here must also get a row in the
 * authorization matrix test, which fails otherwise.
 */
export const CAPABILITIES = {
  /** The fair's name, welcome text, dates, time zone and contact address. */
  'fair:settings': { roles: ['admin'] },
  /** Create, edit and archive booths, and choose their hosts (organisers' console). */
  'booths:manage': { roles: ['admin'] },
  /** Invite people and import rosters. */
  'invites:create': { roles: ['admin'] },
  /** Enter booths, chat, report. */
  'booth:visit': { roles: ['member', 'host', 'moderator', 'admin'] },
  /** Staff a booth: see private visitors, enter when it is full, closed or locked; no slow mode. */
  'booth:staff': { roles: ['moderator', 'admin'], hostsOwnBooth: true },
  /** Publish camera, microphone and screen share in the booth's video room. */
  'video:publish': { roles: [], hostsOwnBooth: true },
  /** See the raised-hand queue and let people speak (or take it back). */
  'hand:manage': { roles: ['moderator', 'admin'], hostsOwnBooth: true },
  /** Mute someone's published track or remove them from a video room. */
  'video:moderate': { roles: ['moderator', 'admin'] },
  /** Edit a booth's profile (description, languages, tags, links) and its schedule. */
  'booth:edit-profile': { roles: ['admin'], hostsOwnBooth: true },
  /** Slow mode and lock. */
  'booth:configure': { roles: ['moderator', 'admin'], hostsOwnBooth: true },
  /** Open or close a booth. */
  'booth:set-status': { roles: ['moderator', 'admin'] },
  /** A booth's visitor figures (and CSV), and who is waiting without a host. */
  'booth:figures': { roles: ['moderator', 'admin'], hostsOwnBooth: true },
  /** Soft-delete a message. */
  'chat:delete': { roles: ['moderator', 'admin'], hostsOwnBooth: true },
  /** Pin one message above a booth's chat. */
  'chat:pin': { roles: ['moderator', 'admin'], hostsOwnBooth: true },
  /** Mute and unmute (fair-wide or in one booth). */
  'moderation:mute': { roles: ['moderator', 'admin'] },
  /** Remove someone from a booth for the cool-down. Hosts may, in their own booths. */
  'moderation:kick': { roles: ['moderator', 'admin'], hostsOwnBooth: true },
  /** Ban and unban from the whole fair. */
  'moderation:ban': { roles: ['moderator', 'admin'] },
  /** The report queue (and resolving reports) and the list of active restrictions. */
  'moderation:review': { roles: ['moderator', 'admin'] },
  /** Announce to one booth (hosts: their own) or, with no booth, to the whole fair. */
  'announcement:create': { roles: ['moderator', 'admin'], hostsOwnBooth: true },
  /** Read and export the audit log. */
  'audit:read': { roles: ['moderator', 'admin'] },
  /** The list of people with their verified and fair names, email and role (organisers). */
  'people:read': { roles: ['admin'] },
  /** Change someone's role, deactivate or reactivate their account (their sessions end at once). */
  'people:manage': { roles: ['admin'] },
  /** A booth's ratings and comments (without names). */
  'booth:feedback': { roles: ['admin'], hostsOwnBooth: true },
  /** Every booth's ratings side by side, and the accountability report (complaints, NPS, ratings). */
  'accountability:read': { roles: ['admin'] },
  /** Erase a member's account on their request (tombstone, messages blanked, sessions ended). */
  'people:erase': { roles: ['admin'] },
  /**
   * Complaints to the organisers: list them, move them on, reply. Organisers may also grant it
   * to named people (capability_grants), checked on the complaint routes only.
   */
  'complaints:handle': { roles: ['admin'] },
} as const satisfies Record<string, CapabilityRule>;

export type Capability = keyof typeof CAPABILITIES;

/** The part of a user that authorisation looks at. */
export interface Principal {
  role: Role;
  /** Booths this user hosts (meaningful for hosts). */
  hostedBoothIds: readonly number[];
}

/** Whether `user` may use `capability`, optionally within one booth. */
export function can(user: Principal | null | undefined, capability: Capability, scope?: { boothId?: number }): boolean {
  if (!user || !isRole(user.role) || !Object.hasOwn(CAPABILITIES, capability)) return false;
  const rule: CapabilityRule = CAPABILITIES[capability];
  if (rule.roles.includes(user.role)) return true;
  if (rule.hostsOwnBooth && user.role === 'host' && scope?.boothId !== undefined) {
    return user.hostedBoothIds.includes(scope.boothId);
  }
  return false;
}

/** Whether `actor` may act on `target`: nobody acts on a higher role (a moderator cannot ban an admin). */
export function mayActOn(actor: Principal, target: { role: Role }): boolean {
  return ROLE_RANK[actor.role] >= ROLE_RANK[target.role];
}
