import { asc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { AccountExport } from '../../shared/privacy.js';
import type { Db } from '../db/open.js';
import { auditLog, boothHosts, booths, boothVisits, invites, messages, passkeys, privateAliases, reports, restrictions, sessions, users } from '../db/schema.js';

const iso = (at: Date) => at.toISOString();
const isoOrNull = (at: Date | null) => at?.toISOString() ?? null;
const actor = alias(users, 'actor');

/**
 * Everything the fair holds about one member, read in one transaction so the parts agree.
 * Left out on purpose: session token hashes and passkey public keys (secrets or useless to
 * a person), other members' messages (even the ones they reported), moderators' notes on
 * reports, and who on the staff acted on them: their role is shown, not their identity.
 * Null when there is no such account (or it was deleted).
 */
export function exportAccount(db: Db, userId: string, now: Date): AccountExport | null {
  return db.transaction((tx) => {
    const user = tx.select().from(users).where(eq(users.id, userId)).get();
    if (!user || user.deletedAt) return null;
    return {
      exportedAt: iso(now),
      account: {
        id: user.id,
        email: user.email,
        displayName: user.displayName,
        verifiedName: user.verifiedName,
        role: user.role,
        createdAt: iso(user.createdAt),
      },
      hostedBooths: tx
        .select({ id: booths.id, slug: booths.slug, name: booths.name })
        .from(boothHosts)
        .innerJoin(booths, eq(booths.id, boothHosts.boothId))
        .where(eq(boothHosts.userId, userId))
        .orderBy(asc(booths.id))
        .all(),
      sessions: tx
        .select({ createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt, browser: sessions.userAgent, method: sessions.method })
        .from(sessions)
        .where(eq(sessions.userId, userId))
        .orderBy(asc(sessions.createdAt))
        .all()
        .map((s) => ({ ...s, createdAt: iso(s.createdAt), lastSeenAt: isoOrNull(s.lastSeenAt), expiresAt: iso(s.expiresAt) })),
      passkeys: tx
        .select({ name: passkeys.name, createdAt: passkeys.createdAt, lastUsedAt: passkeys.lastUsedAt })
        .from(passkeys)
        .where(eq(passkeys.userId, userId))
        .orderBy(asc(passkeys.createdAt))
        .all()
        .map((p) => ({ name: p.name, createdAt: iso(p.createdAt), lastUsedAt: isoOrNull(p.lastUsedAt) })),
      invites: tx
        .select({ role: invites.role, boothId: invites.boothId, createdAt: invites.createdAt, expiresAt: invites.expiresAt, usedAt: invites.usedAt })
        .from(invites)
        .where(eq(invites.email, user.email))
        .orderBy(asc(invites.id))
        .all()
        .map((i) => ({ ...i, createdAt: iso(i.createdAt), expiresAt: iso(i.expiresAt), usedAt: isoOrNull(i.usedAt) })),
      messages: tx
        .select({
          boothId: messages.boothId,
          booth: booths.slug,
          seq: messages.seq,
          body: messages.body,
          createdAt: messages.createdAt,
          deletedAt: messages.deletedAt,
          private: messages.private,
        })
        .from(messages)
        .innerJoin(booths, eq(booths.id, messages.boothId))
        .where(eq(messages.userId, userId))
        .orderBy(asc(messages.id))
        .all()
        // A message moderation removed is still theirs: the body is kept for the record, so it is in the export.
        .map(({ deletedAt, ...m }) => ({ ...m, createdAt: iso(m.createdAt), deleted: deletedAt !== null })),
      visits: tx
        .select({ boothId: boothVisits.boothId, booth: booths.slug, joinedAt: boothVisits.joinedAt, leftAt: boothVisits.leftAt, private: boothVisits.private })
        .from(boothVisits)
        .innerJoin(booths, eq(booths.id, boothVisits.boothId))
        .where(eq(boothVisits.userId, userId))
        .orderBy(asc(boothVisits.id))
        .all()
        .map((v) => ({ ...v, joinedAt: iso(v.joinedAt), leftAt: isoOrNull(v.leftAt) })),
      privateAliases: tx
        .select({ boothId: privateAliases.boothId, number: privateAliases.number })
        .from(privateAliases)
        .where(eq(privateAliases.userId, userId))
        .orderBy(asc(privateAliases.boothId))
        .all(),
      reportsFiled: tx
        .select({
          messageId: reports.messageId,
          boothId: messages.boothId,
          reason: reports.reason,
          note: reports.note,
          status: reports.status,
          createdAt: reports.createdAt,
          resolvedAt: reports.resolvedAt,
        })
        .from(reports)
        .innerJoin(messages, eq(messages.id, reports.messageId))
        .where(eq(reports.reporterId, userId))
        .orderBy(asc(reports.id))
        .all()
        .map((r) => ({ ...r, createdAt: iso(r.createdAt), resolvedAt: isoOrNull(r.resolvedAt) })),
      restrictions: tx
        .select({
          kind: restrictions.kind,
          boothId: restrictions.boothId,
          reason: restrictions.reason,
          createdAt: restrictions.createdAt,
          expiresAt: restrictions.expiresAt,
          liftedAt: restrictions.liftedAt,
        })
        .from(restrictions)
        .where(eq(restrictions.userId, userId))
        .orderBy(asc(restrictions.id))
        .all()
        .map((r) => ({ ...r, createdAt: iso(r.createdAt), expiresAt: isoOrNull(r.expiresAt), liftedAt: isoOrNull(r.liftedAt) })),
      actionsOnMe: tx
        .select({
          action: auditLog.action,
          byRole: actor.role,
          boothId: auditLog.boothId,
          reason: auditLog.reason,
          expiresAt: auditLog.expiresAt,
          createdAt: auditLog.createdAt,
        })
        .from(auditLog)
        .leftJoin(actor, eq(actor.id, auditLog.actorId))
        .where(eq(auditLog.targetUserId, userId))
        .orderBy(asc(auditLog.id))
        .all()
        .map((a) => ({ ...a, expiresAt: isoOrNull(a.expiresAt), createdAt: iso(a.createdAt) })),
    };
  });
}
