import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { and, eq, inArray, isNotNull, lte, notExists, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Clock } from '../auth/service.js';
import type { Config } from '../config.js';
import type { Db } from '../db/open.js';
import { writeDurably } from '../db/storage-errors.js';
import {
  auditLog,
  authChallenges,
  boothQuestions,
  booths,
  boothVisits,
  contactRequests,
  conversationMessages,
  conversationReports,
  conversations,
  inboxNotices,
  invites,
  messages,
  passwordResets,
  privateAliases,
  reports,
  restrictions,
} from '../db/tables.js';
import type { Logger } from '../logger.js';
import { fairEndsAt } from './fair-dates.js';

/** Rows per DELETE: each batch holds the event loop (and the write lock) for milliseconds, not seconds. */
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
  /** Messages of private 1:1 conversations, and the conversations left with none. */
  conversationMessages: number;
  conversations: number;
  /** Questions to booths (their votes go with them). */
  questions: number;
  /** Contact requests (they hold what the member chose to share: email, organisation). */
  contactRequests: number;
  /** Inbox notices (their read marks go with them). */
  inboxNotices: number;
  auditEntries: number;
  restrictions: number;
  sessions: number;
  challenges: number;
  /** Expired password-reset links. */
  passwordResets: number;
}

export interface RetentionDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'fairEndsAt' | 'retentionMs' | 'auditRetentionMs'>;
  logger: Logger;
  /** Expired sign-ins are ended by the auth feature; the job only calls it. */
  purgeExpiredSessions: () => Promise<number>;
}

export type Retention = ReturnType<typeof createRetention>;

/**
 * Keep less, for less time. Chat messages, visit records, used or expired invitations, private
 * conversations, questions to booths, contact requests and inbox notices go RETENTION_DAYS
 * after the fair ends; the audit log and ended restrictions AUDIT_RETENTION_DAYS after it.
 * Something made after the fair ended is kept as long, counted from when it was made.
 *
 * Messages (booth chat or conversation) under an open report stay until a moderator closes it (or the audit period ends):
 * deleting them would silently close a complaint nobody has looked at. Closed reports go with
 * their message (the report table cascades); audit entries lose only their message link
 * (SET NULL) and keep who did what, to whom, why and when.
 */
export function createRetention(deps: RetentionDeps) {
  const { db, clock, config } = deps;
  const logger = deps.logger.child({ feature: 'retention' });

  /**
   * Deletes `DELETE … WHERE id IN (SELECT id … LIMIT n)` batches until none is left, each batch
   * its own short write, yielding between them.
   */
  async function deleteInBatches(table: SQLiteTable, id: AnySQLiteColumn, where: SQL | undefined): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = db.select({ id }).from(table).where(where).limit(RETENTION_BATCH_ROWS);
      const deleted = (await writeDurably(db, () => db.delete(table).where(inArray(id, batch)).returning({ id }))).length;
      total += deleted;
      if (deleted < RETENTION_BATCH_ROWS) return total;
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

  /**
   * A message (booth chat or conversation) made before `chatBefore`, unless an open report of it
   * (in `report.table`) holds it: until the report is closed, or at the latest until the audit
   * period ends.
   */
  function dueUnlessReported(
    message: { id: AnySQLiteColumn; createdAt: AnySQLiteColumn },
    report: { table: SQLiteTable; messageId: AnySQLiteColumn; status: AnySQLiteColumn },
    chatBefore: number,
    auditBefore: number | null,
  ): SQL | undefined {
    const openReport = db
      .select({ one: sql`1` })
      .from(report.table)
      .where(and(eq(report.messageId, message.id), eq(report.status, 'open')));
    return and(lte(message.createdAt, new Date(chatBefore)), or(auditBefore === null ? undefined : lte(message.createdAt, new Date(auditBefore)), notExists(openReport)));
  }

  /**
   * What members and staff said to each other away from the booth's chat (issue 16): private
   * conversations, questions, contact requests, and the notices in people's inboxes. Held by an
   * open report like booth chat; a conversation goes once its last message has.
   */
  async function meetingPeople(counts: RetentionCounts, chatBefore: number, auditBefore: number | null): Promise<void> {
    const at = (ms: number) => new Date(ms);
    counts.conversationMessages = await deleteInBatches(
      conversationMessages,
      conversationMessages.id,
      dueUnlessReported(conversationMessages, { table: conversationReports, messageId: conversationReports.messageId, status: conversationReports.status }, chatBefore, auditBefore),
    );
    const anyMessage = db.select({ one: sql`1` }).from(conversationMessages).where(eq(conversationMessages.conversationId, conversations.id));
    counts.conversations = await deleteInBatches(conversations, conversations.id, and(lte(conversations.createdAt, at(chatBefore)), notExists(anyMessage)));
    counts.questions = await deleteInBatches(boothQuestions, boothQuestions.id, lte(boothQuestions.createdAt, at(chatBefore)));
    counts.contactRequests = await deleteInBatches(contactRequests, contactRequests.id, lte(contactRequests.createdAt, at(chatBefore)));
    counts.inboxNotices = await deleteInBatches(inboxNotices, inboxNotices.id, lte(inboxNotices.createdAt, at(chatBefore)));
  }

  async function run(now = clock.now()): Promise<RetentionCounts> {
    const counts: RetentionCounts = {
      messages: 0,
      visits: 0,
      privateAliases: 0,
      invites: 0,
      conversationMessages: 0,
      conversations: 0,
      questions: 0,
      contactRequests: 0,
      inboxNotices: 0,
      auditEntries: 0,
      restrictions: 0,
      sessions: 0,
      challenges: 0,
      passwordResets: 0,
    };
    const at = (ms: number) => new Date(ms);
    counts.sessions = await deps.purgeExpiredSessions();
    counts.challenges = (
      await writeDurably(db, () => db.delete(authChallenges).where(lte(authChallenges.expiresAt, at(now))).returning({ id: authChallenges.id }))
    ).length;
    counts.passwordResets = (
      await writeDurably(db, () => db.delete(passwordResets).where(lte(passwordResets.expiresAt, at(now))).returning({ id: passwordResets.tokenHash }))
    ).length;

    const chatBefore = cutoff(now, config.retentionMs);
    const auditBefore = cutoff(now, config.auditRetentionMs);
    if (fairEndsAt(config) === null) {
      logger.info({ ...counts, reason: 'FAIR_ENDS_AT is not set' }, 'retention: the fair has no end date, so no chat, visit or audit record is due');
      return counts;
    }
    if (chatBefore !== null) {
      counts.messages = await deleteInBatches(messages, messages.id, dueUnlessReported(messages, { table: reports, messageId: reports.messageId, status: reports.status }, chatBefore, auditBefore));
      // Pins have no foreign key: one pointing at a deleted message points at nothing.
      if (counts.messages > 0) {
        await writeDurably(db, () =>
          db
            .update(booths)
            .set({ pinnedMessageId: null })
            .where(and(isNotNull(booths.pinnedMessageId), notInArray(booths.pinnedMessageId, db.select({ id: messages.id }).from(messages)))),
        );
      }
      // A pseudonym goes with the last private message it was on: afterwards nothing links an
      // account to what it said while visiting privately (the table is small: one row per person and booth).
      const privateMessage = db
        .select({ one: sql`1` })
        .from(messages)
        .where(and(eq(messages.boothId, privateAliases.boothId), eq(messages.userId, privateAliases.userId), eq(messages.private, true)));
      counts.privateAliases = (
        await writeDurably(db, () =>
          db
            .delete(privateAliases)
            .where(and(lte(privateAliases.createdAt, at(chatBefore)), notExists(privateMessage)))
            .returning({ boothId: privateAliases.boothId }),
        )
      ).length;
      counts.visits = await deleteInBatches(boothVisits, boothVisits.id, and(lte(boothVisits.joinedAt, at(chatBefore)), isNotNull(boothVisits.leftAt)));
      counts.invites = await deleteInBatches(invites, invites.id, and(lte(invites.createdAt, at(chatBefore)), or(isNotNull(invites.usedAt), lte(invites.expiresAt, at(now)))));
      await meetingPeople(counts, chatBefore, auditBefore);
    }
    if (auditBefore !== null) {
      counts.auditEntries = await deleteInBatches(auditLog, auditLog.id, lte(auditLog.createdAt, at(auditBefore)));
      // Bans "until lifted" that are still in force stay: enforcement needs them.
      counts.restrictions = await deleteInBatches(
        restrictions,
        restrictions.id,
        and(lte(restrictions.createdAt, at(auditBefore)), or(isNotNull(restrictions.liftedAt), and(isNotNull(restrictions.expiresAt), lte(restrictions.expiresAt, at(now))))),
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
