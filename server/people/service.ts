import { and, asc, count, eq, gt, isNull, ne } from 'drizzle-orm';
import type { PeopleQuery, PendingInvite, Person, PersonPatch, PersonStatus } from '../../shared/people.js';
import { mayActOn } from '../../shared/roles.js';
import type { AuthService, AuthUser, Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { lockUntilCommit } from '../db/storage-errors.js';
import { boothHosts, booths, invites, users } from '../db/tables.js';
import { fail, ok, type Result } from '../http/errors.js';
import type { AuditLog } from '../moderation/audit.js';
import { DEFAULT_INVITE_LOCALE, mailOf } from '../invites/service.js';

export type PeopleService = ReturnType<typeof createPeopleService>;

/**
 * Inside a write transaction: whether anyone but `userId` is an active organiser. Taken under
 * a lock, so two organisers demoting, deactivating or erasing each other at once (on any
 * node) cannot both succeed and leave the fair with none.
 */
export async function anotherActiveAdmin(db: Db, userId: string): Promise<boolean> {
  await lockUntilCommit('organisers');
  const [others] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, 'admin'), isNull(users.deletedAt), isNull(users.deactivatedAt), ne(users.id, userId)));
  return (others?.n ?? 0) > 0;
}

const folded = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Organisers' view and management of accounts: the list with its filters, roles, deactivation. */
export function createPeopleService({ db, clock, auth, audit }: { db: Db; clock: Clock; auth: AuthService; audit: AuditLog }) {
  return {
    /** Accounts that are not deleted, by fair name, and the pending invitations, each filtered by `query`. */
    async list(query: PeopleQuery): Promise<{ people: Person[]; invites: PendingInvite[] }> {
      const [rows, hosting, pending] = await Promise.all([
        db
          .select({ id: users.id, email: users.email, displayName: users.displayName, verifiedName: users.verifiedName, role: users.role, deactivatedAt: users.deactivatedAt, locale: users.locale, organisation: users.organisation, createdAt: users.createdAt })
          .from(users)
          .where(isNull(users.deletedAt))
          .orderBy(asc(users.displayName)),
        db.select({ userId: boothHosts.userId, slug: booths.slug }).from(boothHosts).innerJoin(booths, eq(booths.id, boothHosts.boothId)),
        db
          .select({
            id: invites.id,
            email: invites.email,
            role: invites.role,
            boothSlug: booths.slug,
            displayName: invites.displayName,
            locale: invites.locale,
            expiresAt: invites.expiresAt,
            createdAt: invites.createdAt,
            mailState: invites.mailState,
            mailAt: invites.mailAt,
            mailError: invites.mailError,
          })
          .from(invites)
          .leftJoin(booths, eq(booths.id, invites.boothId))
          .where(and(isNull(invites.usedAt), gt(invites.expiresAt, new Date(clock.now()))))
          .orderBy(asc(invites.expiresAt)),
      ]);
      const hosted = new Map<string, string[]>();
      for (const { userId, slug } of hosting) hosted.set(userId, [...(hosted.get(userId) ?? []), slug]);
      const needle = query.q ? folded(query.q) : null;
      const matches = (...texts: (string | null)[]) => needle === null || texts.some((text) => text !== null && folded(text).includes(needle));
      const people: Person[] = rows
        .map((row): Person => ({
          id: row.id,
          email: row.email,
          displayName: row.displayName,
          verifiedName: row.verifiedName,
          role: row.role,
          status: row.deactivatedAt ? 'deactivated' : 'active',
          hostedBooths: (hosted.get(row.id) ?? []).sort(),
          language: row.locale ?? DEFAULT_INVITE_LOCALE,
          organisation: row.organisation,
          createdAt: row.createdAt.toISOString(),
        }))
        .filter(
          (person) =>
            matches(person.email, person.displayName, person.verifiedName) &&
            (!query.role || person.role === query.role) &&
            (!query.status || person.status === query.status) &&
            (!query.language || person.language === query.language) &&
            (!query.booth || person.hostedBooths.includes(query.booth)),
        );
      const invitations: PendingInvite[] = query.status === 'deactivated'
        ? []
        : pending
            .filter(
              (invite) =>
                matches(invite.email, invite.displayName) &&
                (!query.role || invite.role === query.role) &&
                (!query.language || (invite.locale ?? DEFAULT_INVITE_LOCALE) === query.language) &&
                (!query.booth || invite.boothSlug === query.booth),
            )
            .map(({ mailState, mailAt, mailError, ...invite }) => ({
              ...invite,
              boothSlug: invite.boothSlug ?? null,
              locale: invite.locale ?? DEFAULT_INVITE_LOCALE,
              expiresAt: invite.expiresAt.toISOString(),
              createdAt: invite.createdAt.toISOString(),
              mail: mailOf({ mailState, mailAt, mailError }),
            }));
      return { people, invites: invitations };
    },

    /** Notes in the audit log that `actor` exported the list of people. */
    async exported(actor: AuthUser, count: number): Promise<void> {
      await audit.together(() => count, () => ({ actorId: actor.id, action: 'people:export', details: { people: count } }));
    },

    /**
     * A new role, deactivation or reactivation, with its audit line. A new role or a
     * deactivation ends every session of the account at once (its open pages are signed out):
     * a connection must never keep powers the account has lost. Nobody changes their own
     * account here, acts on a higher role, or leaves the fair without an active organiser.
     */
    async update(actor: AuthUser, userId: string, patch: PersonPatch): Promise<Result<Person>> {
      if (userId === actor.id) return fail('FORBIDDEN', 'You cannot change your own role or status; ask another organiser.');
      const result = await audit.together(
        async (): Promise<Result<{ endSessions: boolean; changes: Record<string, { from: string; to: string }> }>> => {
          const [target] = await db.select().from(users).where(and(eq(users.id, userId), isNull(users.deletedAt))).limit(1);
          if (!target) return fail('NOT_FOUND', 'There is no such account.');
          if (!mayActOn(actor, target) || (patch.role && !mayActOn(actor, { role: patch.role }))) {
            return fail('FORBIDDEN', 'You cannot act on someone with a higher role than yours.');
          }
          const status: PersonStatus = target.deactivatedAt ? 'deactivated' : 'active';
          const changes: Record<string, { from: string; to: string }> = {};
          if (patch.role && patch.role !== target.role) changes.role = { from: target.role, to: patch.role };
          if (patch.status && patch.status !== status) changes.status = { from: status, to: patch.status };
          if (patch.organisation !== undefined && patch.organisation !== target.organisation) changes.organisation = { from: target.organisation ?? '', to: patch.organisation ?? '' };
          if (Object.keys(changes).length === 0) return ok({ endSessions: false, changes });
          const losesOrganiser = target.role === 'admin' && status === 'active' && (changes.role !== undefined || changes.status?.to === 'deactivated');
          if (losesOrganiser && !(await anotherActiveAdmin(db, userId))) {
            return fail('CONFLICT', 'This is the last active organiser account: make someone else an admin first.');
          }
          await db
            .update(users)
            .set({
              ...(changes.role ? { role: patch.role } : {}),
              ...(changes.status ? { deactivatedAt: patch.status === 'deactivated' ? new Date(clock.now()) : null } : {}),
              ...(changes.organisation ? { organisation: patch.organisation ?? null } : {}),
            })
            .where(eq(users.id, userId));
          return ok({ endSessions: changes.role !== undefined || changes.status?.to === 'deactivated', changes });
        },
        (result) =>
          result.ok && Object.keys(result.data.changes).length > 0
            ? {
                actorId: actor.id,
                action: result.data.changes.status
                  ? result.data.changes.status.to === 'deactivated'
                    ? 'people:deactivate'
                    : 'people:reactivate'
                  : result.data.changes.role
                    ? 'people:role'
                    : 'people:organisation',
                targetUserId: userId,
                details: result.data.changes,
              }
            : null,
      );
      if (!result.ok) return result;
      if (result.data.endSessions) await auth.endSessionsOf(userId);
      const { people } = await this.list({});
      const person = people.find((p) => p.id === userId);
      return person ? ok(person) : fail('NOT_FOUND', 'There is no such account.');
    },
  };
}
