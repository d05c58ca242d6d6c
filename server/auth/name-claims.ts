import { inArray } from 'drizzle-orm';
import { ROLES, type Role } from '../../shared/roles.js';
import type { Db } from '../db/open.js';
import { users } from '../db/schema.js';
import { fail, type Failure } from '../http/errors.js';
import { checkNameClaim, isStaffRole, staffSkeletonsOf } from './name-guard.js';

export type NameClaims = ReturnType<typeof createNameClaims>;

/**
 * The name rule (server/auth/name-guard.ts) against the staff of this fair, wherever a name is
 * set: invitations, roster import, accepting an invitation, changing one's fair name.
 */
export function createNameClaims(db: Db) {
  /** The skeletons of every staff member's name, for the look-alike rule. */
  function staffSkeletons(): Set<string> {
    const staffRoles = ROLES.filter(isStaffRole);
    return staffSkeletonsOf(db.select({ name: users.displayName }).from(users).where(inArray(users.role, staffRoles)).all().map((row) => row.name));
  }

  return {
    staffSkeletons,

    /** Role words and look-alikes of staff names are kept from non-staff; null lets the name through. */
    refused(displayName: string | undefined, role: Role, skeletons: ReadonlySet<string> = staffSkeletons()): Failure | null {
      if (displayName === undefined) return null;
      const verdict = checkNameClaim(displayName, role, skeletons);
      return verdict.ok ? null : fail('INVALID_PAYLOAD', `displayName: ${verdict.message}`, { field: 'displayName', reason: verdict.reason });
    },
  };
}
