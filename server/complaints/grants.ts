import { and, eq, isNull, sql } from 'drizzle-orm';
import type { RequestHandler } from 'express';
import type { GrantableCapability } from '../../shared/complaints.js';
import type { Result } from '../../shared/errors.js';
import { can } from '../../shared/roles.js';
import type { AuthUser, Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { capabilityGrants, users } from '../db/tables.js';
import { fail, ok, sendError } from '../http/errors.js';
import type { AuditLog } from '../moderation/audit.js';

export type CapabilityGrants = ReturnType<typeof createCapabilityGrants>;

/**
 * Capabilities organisers grant to named people beyond their role (`complaints:handle`).
 * Checked only on the routes that need them (`requireRoleOrGrant`), never in the session
 * lookup every request and connection makes.
 */
export function createCapabilityGrants(db: Db, clock: Clock, audit: AuditLog) {
  const held = db
    .select({ one: sql<number>`1` })
    .from(capabilityGrants)
    .where(and(eq(capabilityGrants.userId, sql.placeholder('userId')), eq(capabilityGrants.capability, sql.placeholder('capability'))))
    .limit(1)
    .prepare();

  async function person(userId: string) {
    const [row] = await db.select({ id: users.id }).from(users).where(and(eq(users.id, userId), isNull(users.deletedAt))).limit(1);
    return row ?? null;
  }

  return {
    /** Whether this person was granted the capability (their role aside). */
    async holds(userId: string, capability: GrantableCapability): Promise<boolean> {
      return (await held.execute({ userId, capability })).length > 0;
    },

    /** Who holds a granted capability: user ids. */
    async holders(capability: GrantableCapability): Promise<string[]> {
      const rows = await db.select({ userId: capabilityGrants.userId }).from(capabilityGrants).where(eq(capabilityGrants.capability, capability));
      return rows.map((row) => row.userId);
    },

    /** Grants it (again: nothing changes, nothing is audited twice). */
    async grant(actorId: string, userId: string, capability: GrantableCapability): Promise<Result<{ granted: true }>> {
      if (!(await person(userId))) return fail('NOT_FOUND', 'No such person.');
      await audit.together(
        () =>
          db
            .insert(capabilityGrants)
            .values({ userId, capability, grantedBy: actorId, createdAt: new Date(clock.now()) })
            .onConflictDoNothing()
            .returning({ userId: capabilityGrants.userId }),
        (inserted) => (inserted.length > 0 ? { actorId, action: 'people:grant', targetUserId: userId, details: { capability } } : null),
      );
      return ok({ granted: true });
    },

    /** Takes it back (not held: nothing changes). */
    async revoke(actorId: string, userId: string, capability: GrantableCapability): Promise<Result<{ granted: false }>> {
      if (!(await person(userId))) return fail('NOT_FOUND', 'No such person.');
      await audit.together(
        () =>
          db
            .delete(capabilityGrants)
            .where(and(eq(capabilityGrants.userId, userId), eq(capabilityGrants.capability, capability)))
            .returning({ userId: capabilityGrants.userId }),
        (deleted) => (deleted.length > 0 ? { actorId, action: 'people:revoke', targetUserId: userId, details: { capability } } : null),
      );
      return ok({ granted: false });
    },
  };
}

/** Whether `user` may use a grantable capability: by their role, or by a grant. */
export async function holdsCapability(grants: CapabilityGrants, user: AuthUser | undefined, capability: GrantableCapability): Promise<boolean> {
  if (!user) return false;
  return can(user, capability) || (await grants.holds(user.id, capability));
}

/** After `requireUser`: lets through holders of the capability by role or by grant, else FORBIDDEN. */
export function requireRoleOrGrant(grants: CapabilityGrants, capability: GrantableCapability): RequestHandler {
  return (_req, res, next) => {
    holdsCapability(grants, res.locals.user, capability)
      .then((allowed) => {
        if (!allowed) return sendError(res, { code: 'FORBIDDEN', message: 'You do not have permission to do that.' });
        next();
      })
      .catch(next);
  };
}
