import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sql, type SQL } from 'drizzle-orm';
import type { Clock } from '../auth/service.js';
import type { Config } from '../config.js';
import type { Db } from '../db/open.js';
import type { Logger } from '../logger.js';
import { fairEndsAt } from './fair-dates.js';

/** Rows per DELETE: each statement holds the event loop (and the write lock) for milliseconds, not seconds. */
export const RETENTION_BATCH_ROWS = 1_000;
export const RETENTION_INTERVAL_MS = 24 * 3_600_000;
/** The first run waits a little, so a restart does not compete with members reconnecting. */
export const RETENTION_FIRST_RUN_MS = 60_000;

/** What one run deleted. */
export interface RetentionCounts {
  messages: number;
  visits: number;
  /** Private visitors' pseudonyms whose messages are all gone. */
  privateAliases: number;
  /** Used or expired invitations (they hold the invitee's email). */
  invites: number;
  auditEntries: number;
  restrictions: number;
  sessions: number;
  challenges: number;
}

export interface RetentionDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'fairEndsAt' | 'retentionMs' | 'auditRetentionMs'>;
  logger: Logger;
  /** Expired sign-ins are ended by the auth feature; the job only calls it. */
  purgeExpiredSessions: () => number;
}

export type Retention = ReturnType<typeof createRetention>;

/**
 * Keep less, for less time. Chat messages, visit records and used or expired invitations go
 * RETENTION_DAYS after the fair ends; the audit log and ended restrictions AUDIT_RETENTION_DAYS after it. Something made
 * after the fair ended is kept as long, counted from when it was made.
 *
 * Messages under an open report stay until a moderator closes it (or the audit period ends):
 * deleting them would silently close a complaint nobody has looked at. Closed reports go with
 * their message (the report table cascades); audit entries lose only their message link
 * (SET NULL) and keep who did what, to whom, why and when.
 */
export function createRetention(deps: RetentionDeps) {
  const { db, clock, config } = deps;
  const logger = deps.logger.child({ feature: 'retention' });

  /** Deletes `DELETE … WHERE id IN (SELECT id … LIMIT n)` batches until none is left, yielding between them. */
  async function deleteInBatches(table: string, where: SQL): Promise<number> {
    let total = 0;
    for (;;) {
      const { changes } = db.run(
        sql`delete from ${sql.identifier(table)} where id in (select id from ${sql.identifier(table)} where ${where} limit ${RETENTION_BATCH_ROWS})`,
      );
      total += changes;
      if (changes < RETENTION_BATCH_ROWS) return total;
      await yieldToEventLoop();
    }
  }

  /** The newest moment whose records are due at `now`, or null when none is due yet. */
  function cutoff(now: number, keepMs: number): number | null {
    const end = fairEndsAt(config);
    if (end === null) return null;
    const before = now - keepMs;
    return end.getTime() <= before ? before : null;
  }

  async function run(now = clock.now()): Promise<RetentionCounts> {
    const counts: RetentionCounts = { messages: 0, visits: 0, privateAliases: 0, invites: 0, auditEntries: 0, restrictions: 0, sessions: 0, challenges: 0 };
    counts.sessions = deps.purgeExpiredSessions();
    counts.challenges = db.run(sql`delete from auth_challenges where expires_at <= ${now}`).changes;

    const chatBefore = cutoff(now, config.retentionMs);
    const auditBefore = cutoff(now, config.auditRetentionMs);
    if (fairEndsAt(config) === null) {
      logger.info({ ...counts, reason: 'FAIR_ENDS_AT is not set' }, 'retention: the fair has no end date, so no chat, visit or audit record is due');
      return counts;
    }
    if (chatBefore !== null) {
      // An open report holds its message until it is closed, or at the latest until the audit period ends.
      const reportHoldEnds = auditBefore ?? -1;
      counts.messages = await deleteInBatches(
        'messages',
        sql`created_at <= ${chatBefore} and (created_at <= ${reportHoldEnds} or not exists (select 1 from reports r where r.message_id = messages.id and r.status = 'open'))`,
      );
      // Pins have no foreign key: one pointing at a deleted message points at nothing.
      if (counts.messages > 0) db.run(sql`update booths set pinned_message_id = null where pinned_message_id is not null and pinned_message_id not in (select id from messages)`);
      // A pseudonym goes with the last private message it was on: afterwards nothing links an
      // account to what it said while visiting privately (the table is small: one row per person and booth).
      counts.privateAliases = db.run(
        sql`delete from private_aliases where created_at <= ${chatBefore} and not exists (select 1 from messages m where m.booth_id = private_aliases.booth_id and m.user_id = private_aliases.user_id and m.private = 1)`,
      ).changes;
      counts.visits = await deleteInBatches('booth_visits', sql`joined_at <= ${chatBefore} and left_at is not null`);
      counts.invites = await deleteInBatches('invites', sql`created_at <= ${chatBefore} and (used_at is not null or expires_at <= ${now})`);
    }
    if (auditBefore !== null) {
      counts.auditEntries = await deleteInBatches('audit_log', sql`created_at <= ${auditBefore}`);
      // Bans "until lifted" that are still in force stay: enforcement needs them.
      counts.restrictions = await deleteInBatches(
        'restrictions',
        sql`created_at <= ${auditBefore} and (lifted_at is not null or (expires_at is not null and expires_at <= ${now}))`,
      );
    }
    logger.info(counts, 'retention: deleted what was due');
    return counts;
  }

  return {
    run,

    /** Runs once shortly after start, then daily. A failure is logged and the next run tries again. */
    start(options: { firstRunMs?: number; intervalMs?: number } = {}): () => void {
      const guarded = async () => {
        try {
          await run();
        } catch (err) {
          logger.error({ err }, 'retention: run failed; will try again at the next one');
        }
      };
      const first = setTimeout(() => void guarded(), options.firstRunMs ?? RETENTION_FIRST_RUN_MS);
      const daily = setInterval(() => void guarded(), options.intervalMs ?? RETENTION_INTERVAL_MS);
      first.unref();
      daily.unref();
      return () => {
        clearTimeout(first);
        clearInterval(daily);
      };
    },
  };
}
