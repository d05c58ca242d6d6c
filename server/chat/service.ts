import { and, asc, desc, eq, gt, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { CHAT_HISTORY_MAX_PAGE, CHAT_HISTORY_PAGE, CHAT_RATE_MAX_MESSAGES, CHAT_RATE_WINDOW_MS, SLOW_MODE_MAX_SECONDS } from '../../shared/limits.js';
import { DELETED_AUTHOR } from '../../shared/deleted-account.js';
import { privateAuthor } from '../../shared/private-visit.js';
import { can } from '../../shared/roles.js';
import type { ChatHistoryQuery, ChatMessage } from '../../shared/protocol.js';
import type { AuthUser, Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { isStorageError, isUniqueViolation, UnconfirmedWriteError, writeDurably } from '../db/storage-errors.js';
import { booths, dialect, messages, privateAliases, users } from '../db/tables.js';
import { fail, ok, type Failure, type Result } from '../http/errors.js';
import { memoryLimiters, tryConsume, type LimiterFactory } from '../rate-limit/limiters.js';

export type ChatService = ReturnType<typeof createChatService>;

/** Built when the service is, after the dialect is chosen (tables.ts): a function, not a constant. */
export const messageColumnsOf = () => ({
  id: messages.id,
  boothId: messages.boothId,
  seq: messages.seq,
  clientMsgId: messages.clientMsgId,
  body: messages.body,
  createdAt: messages.createdAt,
  deletedAt: messages.deletedAt,
  authorId: users.id,
  authorName: users.displayName,
  authorRole: users.role,
  authorDeletedAt: users.deletedAt,
  private: messages.private,
  aliasNumber: privateAliases.number,
  aliasOpaqueId: privateAliases.opaqueId,
});

type MessageColumns = ReturnType<typeof messageColumnsOf>;
type ColumnRow = { [K in keyof MessageColumns]: MessageColumns[K]['_']['data'] | (MessageColumns[K]['_']['notNull'] extends true ? never : null) };
/** The pseudonym's columns come from a left join: absent for public messages. */
export type MessageRow = Omit<ColumnRow, 'aliasNumber' | 'aliasOpaqueId'> & { aliasNumber: number | null; aliasOpaqueId: string | null };

/**
 * A message as it is stored, with its real author. Never send one as it is: `viewFor` decides
 * what each viewer may see of a private message's author.
 */
export interface StoredMessage {
  message: ChatMessage;
  /** What members other than the author and the booth's staff see as the author of a private message. */
  maskedAuthor: ChatMessage['author'] | null;
}

/** A private message whose pseudonym is gone (retention) still links to nobody. */
const UNKNOWN_PRIVATE_AUTHOR = { id: 'private:', displayName: 'Private visitor', role: 'member' } as const;

/** A deleted message keeps its place in the sequence but never carries its body to clients. */
export function toStored(row: MessageRow): StoredMessage {
  const message = toMessage(row);
  if (!row.private || row.authorDeletedAt) return { message, maskedAuthor: null };
  message.private = true;
  const maskedAuthor =
    row.aliasNumber !== null && row.aliasOpaqueId !== null ? privateAuthor({ number: row.aliasNumber, opaqueId: row.aliasOpaqueId }) : { ...UNKNOWN_PRIVATE_AUTHOR };
  return { message, maskedAuthor };
}

/**
 * What one viewer sees of a message: the real author (and the `private` marker) for the author
 * themself and the booth's staff (hosts, moderators, admins); the pseudonym for everyone else.
 */
export function viewFor(viewer: { id: string; role: AuthUser['role']; hostedBoothIds: readonly number[] }, stored: StoredMessage): ChatMessage {
  if (!stored.maskedAuthor) return stored.message;
  const { message } = stored;
  if (message.author.id === viewer.id || can(viewer, 'booth:staff', { boothId: message.boothId })) return message;
  return maskMessage(stored);
}

/** The message as members other than its author and the booth's staff see it. */
export function maskMessage(stored: StoredMessage): ChatMessage {
  if (!stored.maskedAuthor) return stored.message;
  const { private: _marker, ...rest } = stored.message;
  return { ...rest, author: { ...stored.maskedAuthor } };
}

function toMessage(row: MessageRow): ChatMessage {
  const message: ChatMessage = {
    id: row.id,
    boothId: row.boothId,
    seq: row.seq,
    clientMsgId: row.clientMsgId,
    // A deleted account's messages keep their places, under one marker that links nobody.
    author: row.authorDeletedAt ? { ...DELETED_AUTHOR } : { id: row.authorId, displayName: row.authorName, role: row.authorRole },
    body: row.deletedAt ? '' : row.body,
    createdAt: row.createdAt.toISOString(),
  };
  if (row.deletedAt) message.deleted = true;
  return message;
}

function slowModeRefusal(waitMs: number): Failure {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  return fail('RATE_LIMITED', `Slow mode is on in this booth. Wait ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
}

/** What a booth asks of a new message beyond the fair-wide rate limit. */
export interface SendPolicy {
  /** Seconds between this person's messages in this booth; 0 is off (staff always get 0). */
  slowModeSeconds: number;
  /** Refuses the message for a reason of its own (a mute); null lets it through. */
  refuse?: () => Promise<Failure | null>;
  /** Sent during a private visit (the server decides, from presence): stored with `private = true`. */
  private?: boolean;
}

/** The chat rate limit (tests shorten or lift it): at most `maxMessages` per person per `windowMs`. */
export interface ChatRateOptions {
  maxMessages?: number;
  windowMs?: number;
}

const SLOW_MODE_MAX_MS = SLOW_MODE_MAX_SECONDS * 1000;
/** Longest a send may hold its person's turn in a slow-mode booth (if its node dies mid-send). */
const SLOW_MODE_TURN_MS = 10_000;

export function createChatService(deps: { db: Db; clock: Clock; limiters?: LimiterFactory; rate?: ChatRateOptions }) {
  const messageColumns = messageColumnsOf();
  const { db, clock } = deps;
  const limiters = deps.limiters ?? memoryLimiters;
  // The limits live where `limiters` keeps counts: with several nodes in Redis, so a person
  // with tabs on two nodes has one rate limit and one slow mode.
  /** Messages per person, fair-wide. A send takes its point before storing and gives it back if nothing was stored. */
  const rate = limiters({ keyPrefix: 'chat:rate', points: deps.rate?.maxMessages ?? CHAT_RATE_MAX_MESSAGES, durationMs: deps.rate?.windowMs ?? CHAT_RATE_WINDOW_MS });
  /**
   * Slow mode: when each person last posted in each booth. The store keeps counts, not times,
   * so a post sets its key to expire after the longest slow mode and the time since is read back
   * from the expiry (SLOW_MODE_MAX_MS - msBeforeNext): the booth's setting of the moment applies,
   * however it changed since the post.
   */
  const lastPosts = limiters({ keyPrefix: 'chat:posted', points: 1, durationMs: SLOW_MODE_MAX_MS });
  /** In slow mode, one send per person and booth at a time across nodes: the one holding the turn posts, the other waits. */
  const turns = limiters({ keyPrefix: 'chat:turn', points: 1, durationMs: SLOW_MODE_TURN_MS });

  // Prepared once: every join and every message runs these, and building and compiling the
  // SQL on each call cost about three times what running it does.
  const selectMessages = () =>
    db
      .select(messageColumns)
      .from(messages)
      .innerJoin(users, eq(users.id, messages.userId))
      .leftJoin(privateAliases, and(eq(messages.private, true), eq(privateAliases.boothId, messages.boothId), eq(privateAliases.userId, messages.userId)));
  const inBooth = eq(messages.boothId, sql.placeholder('boothId'));
  const ownMessage = selectMessages()
    .where(and(eq(messages.userId, sql.placeholder('userId')), eq(messages.clientMsgId, sql.placeholder('clientMsgId'))))
    .prepare();
  const insertMessage = db
    .insert(messages)
    .values({
      boothId: sql.placeholder('boothId'),
      seq: sql.placeholder('seq'),
      userId: sql.placeholder('userId'),
      clientMsgId: sql.placeholder('clientMsgId'),
      body: sql.placeholder('body'),
      createdAt: sql.placeholder('createdAt'),
      private: sql.placeholder('private'),
    })
    .prepare();
  // The booth's counter row hands out the next number in the same transaction as the insert (on
  // PostgreSQL, in the same statement: storeInOneStatement, below): the row lock keeps numbers
  // unique and gap-free with writers on several nodes (PostgreSQL),
  // where max(seq)+1 was safe only with SQLite's single writer; a rolled-back insert takes its
  // number back with it. Numbers are never reused, even after old messages are deleted.
  const nextSeq = db
    .update(booths)
    .set({ lastSeq: sql`${booths.lastSeq} + 1` })
    .where(eq(booths.id, sql.placeholder('boothId')))
    .returning({ seq: booths.lastSeq })
    .prepare();
  const limit = sql.placeholder('limit');
  const after = selectMessages().where(and(inBooth, gt(messages.seq, sql.placeholder('seq')))).orderBy(asc(messages.seq)).limit(limit).prepare();
  const before = selectMessages().where(and(inBooth, lt(messages.seq, sql.placeholder('seq')))).orderBy(desc(messages.seq)).limit(limit).prepare();
  const latest = selectMessages().where(inBooth).orderBy(desc(messages.seq)).limit(limit).prepare();
  // The removed messages among the last page a returning client may hold (moderation deletes
  // and erased accounts): it drops their bodies, as it would have on `chat:deleted`.
  const removedUpTo = db
    .select({ seq: messages.seq })
    .from(messages)
    .innerJoin(users, eq(users.id, messages.userId))
    .where(
      and(
        inBooth,
        gt(messages.seq, sql.placeholder('from')),
        lte(messages.seq, sql.placeholder('to')),
        or(isNotNull(messages.deletedAt), isNotNull(users.deletedAt)),
      ),
    )
    .orderBy(asc(messages.seq))
    .prepare();
  const latestAfter = selectMessages().where(and(inBooth, gt(messages.seq, sql.placeholder('seq')))).orderBy(desc(messages.seq)).limit(limit).prepare();
  const maxSeq = db
    .select({ seq: sql<number>`coalesce(max(${messages.seq}), 0)` })
    .from(messages)
    .where(inBooth)
    .prepare();

  async function findOwn(userId: string, clientMsgId: string): Promise<StoredMessage | undefined> {
    const [row] = await ownMessage.execute({ userId, clientMsgId });
    return row && toStored(row);
  }

  /**
   * Each author's sends run one after another, so each sees the one before it finished (its
   * clientMsgId stored, its slow mode and rate counted), as when storing was synchronous. Sends of
   * different people still interleave; their writes queue in writeDurably.
   */
  const sendsOf = new Map<string, Promise<unknown>>();
  function oneAtATime<T>(authorId: string, run: () => Promise<T>): Promise<T> {
    const previous = sendsOf.get(authorId);
    const mine = previous ? previous.then(run, run) : run();
    sendsOf.set(authorId, mine);
    const done = () => {
      if (sendsOf.get(authorId) === mine) sendsOf.delete(authorId);
    };
    mine.then(done, done);
    return mine;
  }

  async function send(author: AuthUser, input: { boothId: number; clientMsgId: string; body: string }, policy: SendPolicy): Promise<Result<{ message: StoredMessage; created: boolean }>> {
    const existing = await findOwn(author.id, input.clientMsgId);
    if (existing) {
      if (existing.message.boothId !== input.boothId) return fail('INVALID_PAYLOAD', 'clientMsgId: already used for another booth', { field: 'clientMsgId' });
      return ok({ message: existing, created: false });
    }
    const refused = await policy.refuse?.();
    if (refused) return refused;
    const slowMs = policy.slowModeSeconds * 1000;
    const slowKey = `${author.id}:${input.boothId}`;
    if (slowMs > 0 && (await tryConsume(turns, slowKey))) return slowModeRefusal(slowMs);
    try {
      if (slowMs > 0) {
        const last = await lastPosts.get(slowKey);
        const sinceMs = last && last.msBeforeNext > 0 ? SLOW_MODE_MAX_MS - last.msBeforeNext : Infinity;
        if (sinceMs < slowMs) return slowModeRefusal(slowMs - sinceMs);
      }
      const overRate = await tryConsume(rate, author.id);
      if (overRate) {
        const retryAfterSeconds = Math.max(1, Math.ceil(overRate.msBeforeNext / 1000));
        return fail('RATE_LIMITED', `You are sending messages too fast. Wait ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
      }
      let stored: StoredMessage;
      try {
        stored = await store(author, input, policy);
      } catch (err) {
        // A storage failure (UNAVAILABLE at the edge) counts against no limit, so the client's
        // retry of the same clientMsgId is not refused. A lost give-back only makes the limit
        // one message stricter until its window ends.
        await rate.reward(author.id).catch(() => undefined);
        // The same clientMsgId stored meanwhile by another node (a resend after failover while
        // the first send was still in flight): that one is the message, as for any resend.
        if (isUniqueViolation(err)) {
          const raced = await findOwn(author.id, input.clientMsgId);
          if (raced && raced.message.boothId === input.boothId) return ok({ message: raced, created: false });
        }
        throw err;
      }
      await lastPosts.set(slowKey, 1, SLOW_MODE_MAX_SECONDS);
      return ok({ created: true, message: stored });
    } finally {
      if (slowMs > 0) await turns.delete(slowKey).catch(() => undefined);
    }
  }

  /**
   * PostgreSQL: the counter row and the insert in one autocommitted statement. One round trip
   * instead of four (BEGIN, counter, insert, COMMIT, each a wait for another process on a busy
   * machine), and the booth's row lock is held only while the statement runs, so sends in a busy
   * booth stop queueing behind each other's network waits. Its answer comes after the commit; a
   * failed statement (or commit) takes its number back. (SQLite cannot update inside a WITH; its
   * transaction is in-process and costs no round trip.)
   */
  async function storeInOneStatement(row: { boothId: number; userId: string; clientMsgId: string; body: string; createdAt: Date; private: boolean }): Promise<void> {
    let inserted: { rows: unknown[] };
    try {
      inserted = await (db as unknown as { execute(query: SQL): Promise<{ rows: unknown[] }> }).execute(sql`
        with counter as (update booths set last_seq = last_seq + 1 where id = ${row.boothId} returning last_seq)
        insert into messages (booth_id, seq, user_id, client_msg_id, body, created_at, private)
        select ${row.boothId}::integer, last_seq, ${row.userId}, ${row.clientMsgId}, ${row.body}, ${row.createdAt}::timestamptz, ${row.private}::boolean from counter
        returning id`);
    } catch (err) {
      // A resend stored meanwhile (the caller answers it) or an unreachable database: as they
      // are. Anything else failed the statement or its commit, which an autocommitted statement
      // cannot tell apart: nothing was stored, and the client may send it again (as for a
      // failed COMMIT in writeDurably).
      if (isUniqueViolation(err) || isStorageError(err)) throw err;
      throw new UnconfirmedWriteError('the message could not be stored', { cause: err });
    }
    if (inserted.rows.length === 0) throw new Error(`no booth ${row.boothId} to post in`);
  }

  /** Committed (in an explicit transaction on SQLite), then read back: `ok` means the row is stored. */
  async function store(author: AuthUser, input: { boothId: number; clientMsgId: string; body: string }, policy: SendPolicy): Promise<StoredMessage> {
    const row = { boothId: input.boothId, userId: author.id, clientMsgId: input.clientMsgId, body: input.body, createdAt: new Date(clock.now()), private: policy.private ?? false };
    if (dialect() === 'postgres') {
      await storeInOneStatement(row);
    } else {
      await writeDurably(db, async () => {
        const [counter] = await nextSeq.execute({ boothId: input.boothId });
        if (!counter) throw new Error(`no booth ${input.boothId} to post in`);
        await insertMessage.execute({ ...row, seq: counter.seq });
      });
    }
    const stored = await findOwn(author.id, input.clientMsgId);
    if (!stored) throw new UnconfirmedWriteError('the message was not found after its commit');
    return stored;
  }

  return {
    /**
     * Stores a message with the booth's next sequence number in one transaction. A repeated
     * clientMsgId from the same user returns the stored message with `created: false`. Throws
     * a storage error (UNAVAILABLE at the edge) when the message could not be stored.
     */
    send(
      author: AuthUser,
      input: { boothId: number; clientMsgId: string; body: string },
      policy: SendPolicy = { slowModeSeconds: 0 },
    ): Promise<Result<{ message: StoredMessage; created: boolean }>> {
      return oneAtATime(author.id, () => send(author, input, policy));
    },

    /** A page of messages in sequence order: the latest, older than beforeSeq, or newer than afterSeq. */
    async history(query: ChatHistoryQuery): Promise<StoredMessage[]> {
      const limit = query.limit ?? CHAT_HISTORY_PAGE;
      const boothId = query.boothId;
      if (query.afterSeq !== undefined) return (await after.execute({ boothId, seq: query.afterSeq, limit })).map(toStored);
      const page = query.beforeSeq !== undefined ? await before.execute({ boothId, seq: query.beforeSeq, limit }) : await latest.execute({ boothId, limit });
      return page.reverse().map(toStored);
    },

    /** One message with its real author, deleted or not (for moderation; never sent to members as it is). */
    async byId(messageId: number): Promise<ChatMessage | undefined> {
      const [row] = await selectMessages().where(eq(messages.id, messageId)).limit(1);
      return row && toStored(row).message;
    },

    /** One message as stored (real author and pseudonym): pass it through `viewFor` before showing it to anyone. */
    async storedById(messageId: number): Promise<StoredMessage | undefined> {
      const [row] = await selectMessages().where(eq(messages.id, messageId)).limit(1);
      return row && toStored(row);
    },

    /** The text as written, for moderators reviewing a report (kept after a soft delete). */
    async originalBody(messageId: number): Promise<string | undefined> {
      const [row] = await db.select({ body: messages.body }).from(messages).where(eq(messages.id, messageId)).limit(1);
      return row?.body;
    },

    /** Soft-deletes: the row stays for the record. False when it was already deleted. */
    async softDelete(messageId: number, deletedBy: string, reason: string | undefined): Promise<boolean> {
      // Committed explicitly: a returned row alone does not prove the commit (see writeDurably).
      const changed = await writeDurably(db, () =>
        db
          .update(messages)
          .set({ deletedAt: new Date(clock.now()), deletedBy, deleteReason: reason ?? null })
          .where(and(eq(messages.id, messageId), isNull(messages.deletedAt)))
          .returning({ id: messages.id }),
      );
      return changed.length > 0;
    },

    /**
     * What a client that holds everything up to `sinceSeq` lacks: the latest `limit` messages
     * newer than that, in sequence order (a longer gap is paged forward with `history`).
     */
    async latestSince(boothId: number, sinceSeq: number, limit = CHAT_HISTORY_PAGE): Promise<StoredMessage[]> {
      return (await latestAfter.execute({ boothId, seq: sinceSeq, limit })).reverse().map(toStored);
    },

    /** Seqs of removed messages among the `window` up to and including `upToSeq`. */
    async removedUpTo(boothId: number, upToSeq: number, window = CHAT_HISTORY_MAX_PAGE): Promise<number[]> {
      return (await removedUpTo.execute({ boothId, from: Math.max(0, upToSeq - window), to: upToSeq })).map((row) => row.seq);
    },

    async lastSeq(boothId: number): Promise<number> {
      const [row] = await maxSeq.execute({ boothId });
      return row?.seq ?? 0;
    },
  };
}
