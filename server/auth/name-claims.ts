import { inArray } from 'drizzle-orm';
import { ROLES, type Role } from '../../shared/roles.js';
import type { Db } from '../db/open.js';
import { lockUntilCommit } from '../db/storage-errors.js';
import { users } from '../db/tables.js';
import { fail, type Failure } from '../http/errors.js';
import { checkNameClaim, isStaffRole, staffSkeletonsOf } from './name-guard.js';

export type NameClaims = ReturnType<typeof createNameClaims>;

/**
 * The name rule (server/auth/name-guard.ts) against the staff of this fair, wherever a name is
 * set: invitations, roster import, accepting an invitation, changing one's fair name.
 */
export function createNameClaims(db: Db) {
  /** The skeletons of every staff member's name, for the look-alike rule. */
  async function staffSkeletons(): Promise<Set<string>> {
    const staffRoles = ROLES.filter(isStaffRole);
    const staff = await db.select({ name: users.displayName }).from(users).where(inArray(users.role, staffRoles));
    return staffSkeletonsOf(staff.map((row) => row.name));
  }

  /**
   * Role words and look-alikes of staff names are kept from non-staff; null lets the name
   * through. Staff names are read unless `skeletons` is given (a roster checks many names).
   */
  async function refused(displayName: string | undefined, role: Role, skeletons?: ReadonlySet<string>): Promise<Failure | null> {
    if (displayName === undefined) return null;
    const verdict = checkNameClaim(displayName, role, skeletons ?? (await staffSkeletons()));
    return verdict.ok ? null : fail('INVALID_PAYLOAD', `displayName: ${verdict.message}`, { field: 'displayName', reason: verdict.reason });
  }

  return {
    staffSkeletons,
    refused,

    /**
     * The rule, inside the write that stores the name (anyone's: staff names are what the rule
     * reads). The fair's names are locked first, until that write ends, so a staff name and its
     * look-alike stored at the same moment, on two nodes or between two awaits, cannot both pass.
     */
    async refusedWithinWrite(displayName: string | undefined, role: Role): Promise<Failure | null> {
      await lockUntilCommit('display-names');
      return refused(displayName, role);
    },
  };
}
