import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { AuditAction } from '../../shared/audit-actions.js';
import { AUDIT_PAGE_DEFAULT } from '../../shared/limits.js';
import type { AuditEntry, AuditQuery } from '../../shared/moderation.js';
import type { Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { writeDurably } from '../db/storage-errors.js';
import { auditLog, users } from '../db/tables.js';
import { toCsv } from '../http/csv.js';

export type AuditLog = ReturnType<typeof createAuditLog>;

/** What one action records; the actor and time are always there. */
export interface AuditRecord {
  /** Null only where naming the actor would undo a promise (an anonymous complaint's filing). */
  actorId: string | null;
  /** One of AUDIT_ACTIONS: the moderator panel translates each. */
  action: AuditAction;
  targetUserId?: string | null;
  boothId?: number | null;
  messageId?: number | null;
  reason?: string | null;
  expiresAt?: Date | null;
  details?: Record<string, unknown> | null;
}


/** The append-only record of every moderation and host action. */
export function createAuditLog(db: Db, clock: Clock) {
  // Aliases are made with the service, after the dialect is chosen (tables.ts).
  const actor = alias(users, 'actor');
  const target = alias(users, 'target');

  function filters(query: Omit<AuditQuery, 'limit' | 'format'>): SQL | undefined {
    return and(
      query.action ? eq(auditLog.action, query.action) : undefined,
      query.actorId ? eq(auditLog.actorId, query.actorId) : undefined,
      query.targetId ? eq(auditLog.targetUserId, query.targetId) : undefined,
      query.boothId ? eq(auditLog.boothId, query.boothId) : undefined,
      query.since ? gte(auditLog.createdAt, new Date(query.since)) : undefined,
      query.until ? lte(auditLog.createdAt, new Date(query.until)) : undefined,
      query.beforeId ? lt(auditLog.id, query.beforeId) : undefined,
    );
  }

  async function select(where: SQL | undefined, limit: number | undefined): Promise<AuditEntry[]> {
    const query = db
      .select({ row: auditLog, actorName: actor.displayName, targetName: target.displayName })
      .from(auditLog)
      .leftJoin(actor, eq(actor.id, auditLog.actorId))
      .leftJoin(target, eq(target.id, auditLog.targetUserId))
      .where(where)
      .orderBy(desc(auditLog.id));
    const rows = limit === undefined ? await query : await query.limit(limit);
    return rows.map(({ row, actorName, targetName }) => ({
      id: row.id,
      action: row.action,
      actor: row.actorId ? { id: row.actorId, displayName: actorName ?? '' } : null,
      target: row.targetUserId ? { id: row.targetUserId, displayName: targetName ?? '' } : null,
      boothId: row.boothId,
      messageId: row.messageId,
      reason: row.reason,
      expiresAt: row.expiresAt?.toISOString() ?? null,
      details: row.details ?? null,
      createdAt: row.createdAt.toISOString(),
    }));
  }

  async function record(entry: AuditRecord): Promise<{ id: number; createdAt: Date }> {
    const createdAt = new Date(clock.now());
    const [row] = await writeDurably(db, () =>
      db
        .insert(auditLog)
        .values({
          actorId: entry.actorId,
          action: entry.action,
          targetUserId: entry.targetUserId ?? null,
          boothId: entry.boothId ?? null,
          messageId: entry.messageId ?? null,
          reason: entry.reason ?? null,
          expiresAt: entry.expiresAt ?? null,
          details: entry.details ?? null,
          createdAt,
        })
        .returning({ id: auditLog.id }),
    );
    return { id: row!.id, createdAt };
  }

  return {
    /** Writes one line; returns its id. */
    record,

    /**
     * Makes a change and writes its audit line in one transaction: both are stored or neither
     * is, so a failed audit write never leaves a ban or a deletion that a retry would repeat.
     * `entryFor` sees the change's result; null records nothing (the change was refused).
     * The change's own writes join this transaction (writeDurably inside writeDurably), and
     * the caches they clear are cleared again once it has ended (afterTransaction).
     */
    together<T>(change: () => T | Promise<T>, entryFor: (result: T) => AuditRecord | null): Promise<T> {
      return writeDurably(db, async () => {
        const result = await change();
        const entry = entryFor(result);
        if (entry) await record(entry);
        return result;
      });
    },

    /** One page, newest first; the next page is `beforeId` = the last id of this one. */
    page(query: AuditQuery): Promise<AuditEntry[]> {
      return select(filters(query), query.limit ?? AUDIT_PAGE_DEFAULT);
    },

    /** Every matching line as CSV, newest first (the export ignores paging). */
    async csv(query: AuditQuery): Promise<string> {
      const entries = await select(filters({ ...query, beforeId: undefined }), undefined);
      return toCsv(
        ['id', 'time', 'action', 'actor_id', 'actor', 'target_id', 'target', 'booth_id', 'message_id', 'reason', 'expires_at', 'details'],
        entries.map((e) => [
          e.id,
          e.createdAt,
          e.action,
          e.actor?.id,
          e.actor?.displayName,
          e.target?.id,
          e.target?.displayName,
          e.boothId,
          e.messageId,
          e.reason,
          e.expiresAt ?? (e.action === 'moderation:ban' ? 'until lifted' : null),
          e.details ? JSON.stringify(e.details) : null,
        ]),
      );
    },
  };
}
