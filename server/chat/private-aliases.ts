import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { lockUntilCommit, writeDurably } from '../db/storage-errors.js';
import { privateAliases } from '../db/tables.js';

export interface PrivateAlias {
  number: number;
  opaqueId: string;
}

export type PrivateAliasStore = ReturnType<typeof createPrivateAliasStore>;

/** 16 random bytes: nobody can guess or derive one from an account. */
const OPAQUE_ID_BYTES = 16;

/**
 * Each private visitor's pseudonym in a booth, kept in the database so it stays the same
 * across reconnects, restarts and days. Created on the first private visit; numbered per booth.
 */
export function createPrivateAliasStore(db: Db, clock: Clock) {
  const find = db
    .select({ number: privateAliases.number, opaqueId: privateAliases.opaqueId })
    .from(privateAliases)
    .where(and(eq(privateAliases.boothId, sql.placeholder('boothId')), eq(privateAliases.userId, sql.placeholder('userId'))))
    .prepare();

  return {
    async of(boothId: number, userId: string): Promise<PrivateAlias | undefined> {
      const [alias] = await find.execute({ boothId, userId });
      return alias;
    },

    /**
     * The person's alias in this booth, created if it is their first private visit there. The
     * read, the next number and the insert share one write transaction, holding the booth's
     * alias lock: with writers on several nodes, two first visits at once would otherwise both
     * take max + 1 (and one person's two tabs both create an alias).
     */
    async ensure(boothId: number, userId: string): Promise<PrivateAlias> {
      const [existing] = await find.execute({ boothId, userId });
      if (existing) return existing;
      return writeDurably(db, async () => {
        await lockUntilCommit('private-aliases', boothId);
        const [again] = await find.execute({ boothId, userId });
        if (again) return again;
        const [last] = await db
          .select({ n: sql<number>`coalesce(max(${privateAliases.number}), 0) + 1` })
          .from(privateAliases)
          .where(eq(privateAliases.boothId, boothId));
        const alias = { number: last?.n ?? 1, opaqueId: randomBytes(OPAQUE_ID_BYTES).toString('base64url') };
        await db.insert(privateAliases).values({ boothId, userId, ...alias, createdAt: new Date(clock.now()) });
        return alias;
      });
    },
  };
}
